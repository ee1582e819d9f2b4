"""A draft against its live page, in words: removals, a move into another block's place, page
fields, and settings that only a migration touched are not reported as changed values."""

from __future__ import annotations

from runtime.pages.diff import page_changes
from runtime.pages.registries import default_registries
from tests.page_helpers import block, page_config


def test_removed_moved_page_fields_and_migrations():
    blocks = default_registries().blocks
    live = page_config({"id": "t1", "type": "title", "version": 1, "settings": {"text": "甲"}},
                       block("t2", "title", title="乙"), block("s1", "spacer"),
                       block("d1", "divider"))
    draft = page_config(block("s1", "spacer"), block("t1", "title", title="甲"),
                        block("t2", "title", title="乙"), title="新首页")
    draft["blocks"][1]["version"] = 2
    found = [(c.kind, c.block, c.before, c.after) for c in page_changes(live, draft, blocks)]
    assert ("changed", None, "首页", "新首页") in found
    assert ("removed", "d1", "", "") in found
    assert [c for c in found if c[0] == "moved"] == [("moved", "s1", "3", "1")]
    assert ("migrated", "t1", "1", "2") in found
    assert not [c for c in found if c[0] == "changed" and c[1] == "t1"]  # text -> title only
    english = page_changes(None, draft, blocks, "en")
    assert [c.kind for c in english] == ["added", "added", "added"]  # never published
    assert english[1].text == "Added Title“甲”"
    assert page_changes(draft, draft, blocks) == []


def test_page_settings_read_as_sentences():
    blocks = default_registries().blocks
    image = {"url": "https://img.example.com/p.png"}
    live = {**page_config(block("t1", "title", title="甲")), "background": "#ffffff"}
    draft = {**live, "background": "#f7f8fa", "background_image": image,
             "nav_style": "immersive", "share": {"title": "春季上新", "image": image},
             "popup": {"image": image, "link": None, "frequency": "daily"}}
    assert [c.text for c in page_changes(live, draft, blocks)] == [
        "页面背景色改为 #f7f8fa", "设置了页面背景图", "导航栏样式从“默认”改为“沉浸式”",
        "分享标题从“”改为“春季上新”", "设置了分享图片", "开启了页面弹窗广告（每天一次）"]
    other = {"url": "https://img.example.com/q.png"}
    later = {**draft, "background": "", "background_image": other,
             "nav_style": "default", "share": {"title": ""},
             "popup": {"image": other,
                       "link": {"kind": "page", "slug": "user"}, "frequency": "once"}}
    assert [c.text for c in page_changes(draft, later, blocks)] == [
        "页面背景色恢复默认", "更换了页面背景图", "导航栏样式从“沉浸式”改为“默认”",
        "分享标题恢复为页面标题", "去掉了分享图片（微信使用页面截图）", "更换了弹窗广告的图片",
        "修改了弹窗广告的链接", "弹窗广告的频率从“每天一次”改为“只弹一次”"]
    assert [c.text for c in page_changes(later, {**later, "popup": None}, blocks, "en")] == [
        "Page popup ad switched off"]
