"""live-entry: the shop's live rooms from the Redis cache that the ``live-rooms-refresh``
job keeps (``runtime.wechat.live``; one GET for every instance, no query, never WeChat
itself); each instance keeps the statuses it shows, up to its count. Times are China's
(WeChat live is China's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from runtime.wechat.live import PLUGIN_PATH, cached_rooms
from runtime.wechat.shipping import CHINA

UPCOMING, REPLAY = 102, 103


def _shown(room: dict[str, Any], settings: dict[str, Any]) -> bool:
    if room["live_status"] == UPCOMING:
        return bool(settings["show_upcoming"])
    if room["live_status"] == REPLAY:
        return bool(settings["show_replays"])
    return True


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rooms = cached_rooms(ctx.redis, ctx.shop.id)
    for room in rooms:
        room["start_text"] = datetime.fromtimestamp(room["start_time"], CHINA).strftime(
            "%m-%d %H:%M") if room.get("start_time") else ""
    return {instance.id: {"rooms": [r for r in rooms if _shown(r, instance.settings)]
                          [:instance.settings["count"]], "plugin_path": PLUGIN_PATH}
            for instance in batch}
