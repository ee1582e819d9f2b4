"""``mallkit module new NAME``: a new module's whole slice, written from ``module/``.

Every file under ``module/`` ending in ``.tmpl`` is copied into the repository with
``__name__`` in its path and ``$name``, ``$Name``, ``$title`` in its text replaced
(:class:`string.Template`; ``$$`` is a literal dollar sign). The result is a working module:
manifest and settings schema, ``Module`` object, model and migration, service, API, an
``order_paid`` hook, a periodic job, a block, a console screen, a demo seeder, docs and
tests that pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).parent / "module"
NAME = re.compile(r"^[a-z][a-z0-9]{1,29}$")


class ScaffoldError(ValueError):
    """The name is not usable or the module already exists."""


@dataclass(frozen=True)
class Scaffold:
    name: str
    title: str

    @property
    def values(self) -> dict[str, str]:
        return {"name": self.name, "Name": self.name.capitalize(), "title": self.title}

    def files(self) -> list[tuple[Path, str]]:
        """(path relative to the repository, text) of every file of the new module."""
        out = []
        for template in sorted(TEMPLATES.rglob("*.tmpl")):
            relative = template.relative_to(TEMPLATES).as_posix()[:-len(".tmpl")]
            text = Template(template.read_text("utf-8")).substitute(self.values)
            out.append((Path(relative.replace("__name__", self.name)), text))
        return out


def new_module(root: Path, name: str, title: str | None = None) -> list[Path]:
    """Write module ``name`` into the repository at ``root``; returns the files written."""
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r}: use 2-30 lowercase letters and digits, starting with "
                            "a letter (it names the package, the table and the API path)")
    scaffold = Scaffold(name, title or name)
    files = scaffold.files()
    taken = [path for path, _ in files if (root / path).exists()]
    if taken or (root / "runtime" / "modules" / name).exists():
        raise ScaffoldError(f"module {name!r} exists already ({(taken or [name])[0]})")
    for path, text in files:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return [path for path, _ in files]
