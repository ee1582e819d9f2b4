"""The demo shop's 小程序直播: live rooms in the WeChat simulator and a live-entry block on the
demo home page.

The rooms (one live now, one upcoming, one replay, times from the demo's clock) are given to
the simulated mini-program of the demo shop (:func:`set_live_rooms`), with covers drawn here and
stored in the shop's media library. The cache the block reads is then filled by
:func:`refresh_rooms`, the function the ``live-rooms-refresh`` job runs, so the page gets its
rooms the way a shop's real ones arrive. A shop that talks to a real mini-program (its own
AppID and AppSecret), or one without simulators, gets neither rooms nor block: the demo shows
no live rooms it cannot serve.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from runtime.blocklib.artwork import gradient
from runtime.clock import utcnow
from runtime.shops.models import Shop
from runtime.wechat.live import refresh_rooms
from runtime.wechat.mini_simulator import set_live_rooms
from runtime.wechat.shipping import CHINA

SEEDER = "live-rooms"
MEDIA_FOLDER = "直播封面"
BLOCK_ID = "live"
COVER_SIZE = 600
#: (roomid, name, anchor, live_status, cover colours top -> bottom)
ROOMS = ((1001, "春夏新品首发 · 直播间专享价", "店长小美", 101, ("#ff6a3d", "#ee0a24")),
         (1002, "周末会员专场 · 积分翻倍", "店长小美", 102, ("#4facfe", "#1989fa")),
         (1003, "产地直发水果开箱", "果园阿杰", 103, ("#56ab2f", "#2f7d32")))


def init_app(app: Flask) -> None:
    """Register the seeder last (after the demo home page's, which it adds a block to)."""
    app.extensions["mallkit"].modules.add_seeder(SEEDER, seed_demo_live)


def seed_demo_live(session: Session, shop: Shop) -> None:
    """Rooms in the simulator, the cache filled as the job fills it, the block on home."""
    from runtime.wechat.apps import mini_config

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    config = mini_config(session, app.extensions["mallkit"].settings)
    if config is None or not config.simulator:
        return
    set_live_rooms(app.extensions["mallkit"].redis, config.appid,
                   demo_rooms(session, utcnow()))
    refresh_rooms(session, app)
    _home_with_live_entry(session)


def demo_rooms(session: Session, now: datetime) -> list[dict[str, Any]]:
    """The demo's rooms in ``getliveinfo``'s ``room_info`` shape, timed around ``now``: live
    since 25 minutes, upcoming tomorrow at 20:00 China time, a replay from two days ago."""
    from runtime.media.refs import media_url
    from runtime.media.service import upload

    local = now.astimezone(CHINA)
    evening = local.replace(hour=20, minute=0, second=0, microsecond=0)
    starts = {101: local - timedelta(minutes=25), 102: evening + timedelta(days=1),
              103: evening - timedelta(days=2)}
    rooms = []
    for roomid, name, anchor, status, colours in ROOMS:
        asset = upload(session, live_cover(*colours), f"live-{roomid}.png",
                       folder=MEDIA_FOLDER).asset
        cover = media_url(asset) or ""
        start = int(starts[status].timestamp())
        rooms.append({"roomid": roomid, "name": name, "cover_img": cover, "share_img": cover,
                      "feeds_img": cover, "live_status": status, "start_time": start,
                      "end_time": start + 2 * 3600, "anchor_name": anchor, "goods": [],
                      "live_type": 0, "close_like": 0, "close_goods": 0, "close_comment": 0,
                      "close_kf": 1, "close_replay": 0, "is_feeds_public": 1,
                      "creater_openid": ""})
    return rooms


def live_cover(top: str, bottom: str) -> bytes:
    """A square PNG cover: a gradient, a play button and a signal mark (the same
    colours always give the same bytes, so re-seeding finds the stored asset)."""
    size = COVER_SIZE
    image = gradient((size, size), top, bottom)
    overlay = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    shapes.ellipse((180, 180, 420, 420), fill=(255, 255, 255, 70))
    shapes.polygon([(265, 230), (265, 370), (380, 300)], fill=(255, 255, 255, 235))
    for i, height in enumerate((30, 50, 70)):
        x = 470 + i * 28
        shapes.rounded_rectangle((x, 110 - height, x + 16, 110), radius=6,
                                 fill=(255, 255, 255, 200))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _home_with_live_entry(session: Session) -> None:
    """A live-entry block on the demo's live home page, before its first title block (kept
    when the page has one already)."""
    from runtime.extension import state
    from runtime.pages import store

    regs = state().registries["pages"]
    live = store.live_config(session, "home")
    if live is None:
        return
    config = live[1].config
    blocks = list(config["blocks"])
    if any(block["type"] == "live-entry" for block in blocks):
        return
    at = next((i for i, block in enumerate(blocks) if block["type"] == "title"), len(blocks))
    blocks.insert(at, {"id": BLOCK_ID, "type": "live-entry", "version": 1, "settings": {}})
    page = store.ensure_page(session, "home", regs)
    page = store.save_draft(session, "home", {**config, "blocks": blocks},
                            page.draft_revision, regs)
    store.publish(session, "home", revision=page.draft_revision, registries=regs,
                  note="演示：首页加入直播间")
