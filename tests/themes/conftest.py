"""Theme tests: zipped packages made from the bundled default theme, and an agency."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from runtime.accounts import service as accounts
from runtime.accounts.models import Agency
from runtime.themes.package import read_folder, write_zip
from runtime.themes.registry import THEMES_DIR
from tests.browser_support import browser, live_url  # noqa: F401
from tests.editor.test_browser import desktop  # noqa: F401
from tests.pages.conftest import in_shop  # noqa: F401


def theme_zip(version: str = "1.0.0", theme_id: str = "acme", marker: str = "ACME",
              extra: dict[str, bytes | None] | None = None) -> bytes:
    """A valid package: the default theme renamed, whose title block shows ``marker``."""
    files = read_folder(THEMES_DIR / "default")
    manifest = json.loads(files["theme.json"])
    manifest.update(id=theme_id, version=version, author="Acme Design",
                    name={"zh-CN": "艾克米", "en": "Acme"}, screenshots=["assets/shot.png"],
                    min_client="2.1.0")
    files["theme.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    files["blocks/title.html"] = (f'<h2 class="acme-title">{marker} {{{{ block.settings.title }}}}'
                                  f'</h2>').encode()
    files["assets/shot.png"] = PNG
    for name, content in (extra or {}).items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return write_zip(files)


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 160, 80)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def regs(app):
    return app.extensions["mallkit"].registries["pages"]


@pytest.fixture
def agency(app) -> Agency:
    with app.extensions["mallkit"].session_factory() as s:
        found = accounts.create_agency(s, slug="acme", name="Acme Design")
        s.commit()
        return found


@pytest.fixture
def platform(app) -> Iterator[Session]:
    """A session with no shop (agency work touches only platform tables)."""
    with app.extensions["mallkit"].session_factory() as s:
        s.info["redis"] = app.extensions["mallkit"].redis
        yield s
