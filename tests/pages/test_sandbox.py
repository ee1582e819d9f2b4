"""Theme templates run in a bounded sandbox: escapes fail, runaway loops and huge output are
stopped, and a failing block template drops only that block."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from runtime.pages.render import RenderLimitExceeded, make_environment, render_bounded
from runtime.themes import service as themes
from tests.pages.conftest import block, ids_in_html, ids_in_layout, in_shop, page_config


def render_source(tmp_path, source: str, **context) -> str:
    path = tmp_path / "t.html"
    path.write_text(source)
    return render_bounded(make_environment({"t": path}), "t", context)


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ block.__class__.__init__.__globals__ }}",
    "{{ block.settings.update.__self__.__class__.__base__.__subclasses__() }}",
    "{{ (1).__class__.__base__.__subclasses__() }}",
    "{% set x = ''.__class__ %}{{ x.__mro__ }}",
])
def test_escapes_raise_security_error(tmp_path, source):
    with pytest.raises(SecurityError):
        render_source(tmp_path, source, block={"settings": {"title": "x"}})


@pytest.mark.parametrize("source", [
    "{{ range.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ ''.format.__globals__ }}",
    "{{ '{0.__class__}'.format(block) }}",
])
def test_other_escapes_render_nothing(tmp_path, source):
    assert render_source(tmp_path, source, block={"settings": {"title": "x"}}) == ""


def test_unsafe_attribute_raises_security_error(tmp_path):
    with pytest.raises(SecurityError):
        render_source(tmp_path, "{{ ''.__class__.__mro__ }}")


def test_loops_output_and_sequence_building_are_bounded(tmp_path):
    with pytest.raises(RenderLimitExceeded):
        render_source(tmp_path, "{% for i in range(10000) %}{% for j in range(10000) %}"
                                "{% endfor %}{% endfor %}")
    with pytest.raises(RenderLimitExceeded):
        render_source(tmp_path, "{% for i in range(10000) %}{{ 'x' * 9999 }}{% endfor %}")
    with pytest.raises(RenderLimitExceeded):
        render_source(tmp_path, "{{ 'x' * 100000000 }}")
    with pytest.raises(RenderLimitExceeded):
        render_source(tmp_path, "{{ 9 ** 9999999 }}")
    with pytest.raises(RenderLimitExceeded):
        render_source(tmp_path, "{{ range(100000000) | list }}")
    assert render_source(tmp_path, "{% for i in range(3) %}{{ i }}{% endfor %}") == "012"


def test_templates_are_looked_up_only_by_internal_id(tmp_path):
    (tmp_path / "secret.html").write_text("secret")
    page = tmp_path / "page.html"
    page.write_text("{% include 'secret.html' %}")
    env = make_environment({"page": page})
    with pytest.raises(Exception, match=r"secret\.html"):
        render_bounded(env, "page", {})
    with pytest.raises(Exception, match="block/evil"):
        render_bounded(env, "block/evil", {})


def test_failing_theme_templates_drop_only_their_blocks(client, app, shop, publish, regs,
                                                       caplog):
    publish(shop, page_config(block("t1", "title", title="保留"), block("sp", "spacer"),
                              block("rt", "rich-text"), block("t2", "title", title="也保留")))
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "evil", regs.themes)
        s.commit()
    html = client.get("/s/alpha/")
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert ids_in_html(text) == ["t1", "t2"]
    assert "保留" in text and "也保留" in text
    assert "subclasses" not in text and "<class" not in text
    assert "block sp (spacer) left out" in caplog.text
    assert "block rt (rich-text) left out" in caplog.text
    # the evil frame failed too: the default theme's frame (and its stylesheet) is used
    assert "page frame of theme evil failed" in caplog.text
    assert 'class="mk-page mk-page--home' in text
    assert "/themes/default/1.0.0/theme.css" in text
    # the layout does not run theme templates: every block is there
    layout = client.get("/api/v1/shops/alpha/layouts/home").json
    assert ids_in_layout(layout["nodes"]) == ["t1", "sp", "rt", "t2"]
