"""小程序直播: the shop's live rooms as WeChat lists them (``getliveinfo``).

``POST /wxa/business/getliveinfo?access_token=...`` with ``{"start", "limit"}`` answers
``room_info`` (``roomid, name, cover_img, live_status, start_time, end_time, anchor_name``,
times in Unix seconds) and ``total``; an empty list is errcode 9410000. Statuses 101 live,
102 not started, 103 ended, 104 banned, 105 paused, 106 error, 107 expired. The rooms are
cached in Redis per shop for a short time (``CACHE_SECONDS``) by :func:`refresh_rooms`, which
the ``live-rooms-refresh`` periodic job runs for every shop with a mini-program; pages read
the cache only, never WeChat.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime.wechat.errors import WechatApiError, WechatError

log = logging.getLogger(__name__)

EMPTY_ERRCODE = 9410000
PAGE_SIZE = 100
MAX_ROOMS = 300
CACHE_SECONDS = 300
REFRESH_EVERY = timedelta(minutes=1)
DATA_TOPIC = "live"
#: live_status -> (what the entry shows, whether it is listed at all)
STATUSES = {101: ("直播中", True), 102: ("预告", True), 103: ("回放", True),
            104: ("已禁播", False), 105: ("暂停", True), 106: ("异常", False),
            107: ("已过期", False)}
PLUGIN_PATH = "plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id="


@dataclass(frozen=True)
class LiveRoom:
    roomid: int
    name: str
    cover_img: str
    live_status: int
    start_time: int
    end_time: int
    anchor_name: str

    @classmethod
    def from_wechat(cls, item: dict[str, Any]) -> LiveRoom | None:
        """A room of ``room_info``; None for an entry without a numeric ``roomid``."""
        try:
            return cls(int(item["roomid"]), str(item.get("name", "")),
                       str(item.get("cover_img", "")), int(item.get("live_status", 0)),
                       int(item.get("start_time", 0)), int(item.get("end_time", 0)),
                       str(item.get("anchor_name", "")))
        except (KeyError, TypeError, ValueError):
            return None

    def as_entry(self) -> dict[str, Any]:
        """What the ``live-entry`` block shows of the room."""
        label, _listed = STATUSES.get(self.live_status, ("", False))
        return {**asdict(self), "status": label}


def fetch_rooms(client: Any) -> list[LiveRoom]:
    """Every room WeChat lists for the client's mini-program, a page at a time."""
    rooms: list[LiveRoom] = []
    start = 0
    while start < MAX_ROOMS:
        try:
            answer = client.get_live_info(start, PAGE_SIZE)
        except WechatApiError as exc:
            if exc.errcode == EMPTY_ERRCODE:
                break
            raise
        items = answer.get("room_info")
        items = items if isinstance(items, list) else []
        rooms += [r for r in (LiveRoom.from_wechat(i) for i in items
                              if isinstance(i, dict)) if r is not None]
        total = answer.get("total")
        start += PAGE_SIZE
        if not items or not isinstance(total, int) or start >= total:
            break
    return rooms


def cache_key(shop_id: int) -> str:
    return f"mallkit:live:{shop_id}:rooms"


def cached_rooms(conn: redis.Redis | None, shop_id: int) -> list[dict[str, Any]]:
    """The shop's listed rooms as last fetched (live first, then upcoming, then replays)."""
    raw = conn.get(cache_key(shop_id)) if conn is not None else None
    return json.loads(raw) if raw else []


def _listed(rooms: list[LiveRoom]) -> list[dict[str, Any]]:
    order = {101: 0, 105: 1, 102: 2, 103: 3}
    shown = [r for r in rooms if STATUSES.get(r.live_status, ("", False))[1]]
    shown.sort(key=lambda r: (order.get(r.live_status, 9), -r.start_time if r.live_status == 103
                              else r.start_time))
    return [r.as_entry() for r in shown]


def refresh_rooms(session: Session, flask_app: Any) -> int | None:
    """Fetch the shop's rooms and cache them; bump the page data version ``live`` when the
    list changed. None when the shop has no mini-program (nothing cached)."""
    from runtime.db import current_shop_id
    from runtime.pages.cache import bump_data_version
    from runtime.wechat.apps import shop_mini_client

    client = shop_mini_client(session, flask_app)
    shop_id = current_shop_id(session)
    conn = flask_app.extensions["mallkit"].redis
    if client is None or shop_id is None:
        return None
    entries = _listed(fetch_rooms(client))
    body = json.dumps(entries, ensure_ascii=False, sort_keys=True)
    previous = conn.get(cache_key(shop_id))
    conn.set(cache_key(shop_id), body, ex=CACHE_SECONDS)
    if previous is None or previous.decode() != body:
        bump_data_version(conn, shop_id, DATA_TOPIC)
    return len(entries)


def refresh_all_shops() -> dict[int, Any]:
    """The ``live-rooms-refresh`` periodic job: every active shop, one failing (WeChat
    down, a bad AppSecret) logged and skipped."""
    from flask import current_app

    from runtime.jobs import for_each_shop

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def work(session: Session) -> int | None:
        try:
            return refresh_rooms(session, app)
        except WechatError:
            log.warning("live rooms: WeChat did not answer", exc_info=True)
            return None

    return for_each_shop(work, "live rooms refresh")
