"""Page configs for tests, and the block ids an H5 page or a layout lists, in order."""

from __future__ import annotations

import re
from typing import Any


def block(block_id: str, type_: str, **settings: Any) -> dict[str, Any]:
    return {"id": block_id, "type": type_, "settings": settings}


def page_config(*blocks: dict[str, Any], kind: str = "home", title: str = "首页") -> dict[str, Any]:
    return {"schema": 1, "title": title, "kind": kind, "blocks": list(blocks)}


def ids_in_html(html: str) -> list[str]:
    return re.findall(r'data-block-id="([^"]+)"', html)


def ids_in_layout(nodes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.append(node["id"])
        out.extend(ids_in_layout(node["children"]))
    return out


def page_query(app: Any, shop: Any, kind: str) -> str:
    """The query string a page of ``kind`` needs to be shown: for the content module's
    ``article`` page, ``?id=`` of a published article made here; nothing for other kinds."""
    if kind != "article":
        return ""
    from runtime.db import use_shop
    from runtime.modules.content import service

    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        article = service.save_article(s, {"title": "测试文章", "status": "published",
                                           "body_html": "<p>正文</p>"})
        s.commit()
        return f"?id={article.id}"
