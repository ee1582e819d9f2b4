"""Every check of a theme package, offline: the manifest, each preset page, the files' types
and contents, and each template compiled and rendered in the sandbox against fixture data.

:func:`check_theme` returns all the problems it finds (file + pointer + message), not just the
first, so an agency can fix a package in one go.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from runtime.pages import schemas
from runtime.pages.blocks import PAGE_KINDS, BlockRegistry
from runtime.pages.manifests import ManifestError, compile_settings
from runtime.pages.render import make_environment
from runtime.pages.validation import check_page
from runtime.themes import fixtures
from runtime.themes.package import IMAGE_EXTENSIONS, PackageRefused, Problem
from runtime.themes.sandbox import render_in_child

MANIFEST = "theme.json"
PAGE_TEMPLATE = "templates/page.html"
_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
}
_CSS_REFUSED = re.compile(r"@import|expression\s*\(|javascript:|url\(\s*['\"]?\s*(https?:)?//",
                          re.IGNORECASE)
_PLACES = (re.compile(r"^presets/[a-z0-9_-]+\.json$"), re.compile(r"^blocks/[a-z0-9-]+\.html$"),
           re.compile(r"^assets/.+$"), re.compile(r"^(templates/page\.html|theme\.json|"
                                                   r"README\.md|CHANGELOG\.md)$"))
_FORBIDDEN_TAGS = (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)


@dataclass(frozen=True)
class CheckedTheme:
    """A package that passed every check."""

    manifest: dict[str, Any]
    files: dict[str, bytes]

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def version(self) -> str:
        return self.manifest["version"]


def check_theme(files: dict[str, bytes], blocks: BlockRegistry) -> CheckedTheme:
    """Run every check; raise :class:`PackageRefused` listing each problem."""
    problems: list[Problem] = []
    manifest = _manifest(files, problems)
    problems += _file_problems(files, blocks)
    if manifest is not None:
        problems += _manifest_problems(manifest, files, blocks)
    templates = _templates(files, blocks, problems)
    if templates:
        problems += _render_problems(templates, manifest or {}, blocks)
    if problems:
        raise PackageRefused(problems)
    assert manifest is not None
    return CheckedTheme(manifest, files)


def _manifest(files: dict[str, bytes], problems: list[Problem]) -> dict[str, Any] | None:
    raw = files.get(MANIFEST)
    if raw is None:
        problems.append(Problem(MANIFEST, "", "the package has no theme.json at its top"))
        return None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem(MANIFEST, "", f"not valid JSON: {exc}"))
        return None
    errors = schemas.validate("theme", manifest)
    problems += [Problem(MANIFEST, e.pointer, e.message) for e in errors]
    return manifest if not errors else None


def _manifest_problems(manifest: dict[str, Any], files: dict[str, bytes],
                       blocks: BlockRegistry) -> list[Problem]:
    problems: list[Problem] = []
    try:
        compile_settings(manifest["settings"], f"https://mallkit.dev/themes/{manifest['id']}/"
                                               "settings.json", MANIFEST, "/settings")
    except ManifestError as exc:
        problems.append(Problem(MANIFEST, exc.pointer, exc.message))
    for kind, name in manifest["presets"].items():
        if name not in files:
            problems.append(Problem(MANIFEST, f"/presets/{kind}", f"no file {name}"))
            continue
        try:
            preset = json.loads(files[name].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(name, "", f"not valid JSON: {exc}"))
            continue
        _normalised, errors = check_page(preset, blocks, kind, fixed=False)
        problems += [Problem(name, e.pointer, e.message) for e in errors]
    for where, name in [("/stylesheet", manifest.get("stylesheet")),
                        *((f"/screenshots/{i}", s)
                          for i, s in enumerate(manifest.get("screenshots", [])))]:
        if name and name not in files:
            problems.append(Problem(MANIFEST, where, f"no file {name}"))
    return problems


def _file_problems(files: dict[str, bytes], blocks: BlockRegistry) -> list[Problem]:
    problems: list[Problem] = []
    for name, content in sorted(files.items()):
        if not any(p.match(name) for p in _PLACES):
            problems.append(Problem(name, "", "not part of a theme package (see docs/themes.md "
                                              "for where files go)"))
            continue
        if name.startswith("blocks/") and PurePosixPath(name).stem not in blocks:
            problems.append(Problem(name, "", f"overrides unknown block type "
                                              f"'{PurePosixPath(name).stem}'"))
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in _MAGIC:
            reason = _binary_problem(suffix, content)
        else:
            reason = _text_problem(suffix, content)
        if reason:
            problems.append(Problem(name, "", reason))
    return problems


def _binary_problem(suffix: str, content: bytes) -> str | None:
    if not content.startswith(_MAGIC[suffix]) or (suffix == ".webp" and content[8:12] != b"WEBP"):
        return f"the content is not a {suffix[1:].upper()} file"
    if suffix in IMAGE_EXTENSIONS:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except Exception as exc:
            return f"the image cannot be read: {exc}"
    return None


def _text_problem(suffix: str, content: bytes) -> str | None:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "text files must be UTF-8"
    if suffix == ".css" and (match := _CSS_REFUSED.search(text)):
        return (f"'{match.group(0)}' is not allowed in a stylesheet: a theme loads nothing "
                "from other sites")
    return None


def _templates(files: dict[str, bytes], blocks: BlockRegistry,
               problems: list[Problem]) -> dict[str, str]:
    """Sources of the page frame and block overrides that compile and pass the static checks."""
    env = make_environment({})
    sources: dict[str, str] = {}
    for name in sorted(files):
        if not name.endswith(".html"):
            continue
        source = files[name].decode("utf-8", errors="replace")
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(Problem(name, f"line {exc.lineno}", f"template syntax: {exc.message}"))
            continue
        found = _unsafe(tree)
        if found:
            problems.append(Problem(name, f"line {found[0]}", found[1]))
            continue
        if name == PAGE_TEMPLATE or PurePosixPath(name).stem in blocks:
            sources[name] = source
    return sources


def _unsafe(tree: nodes.Template) -> tuple[int, str] | None:
    """The first construct a theme template may not use, with its line."""
    for node in tree.find_all((*_FORBIDDEN_TAGS, nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, _FORBIDDEN_TAGS):
            return node.lineno, ("templates cannot include, extend or import other templates; "
                                 "use blocks/<type>.html overrides")
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args \
                and isinstance(node.args[0], nodes.Const):
            name = node.args[0].value
        if isinstance(name, str) and name.startswith("_"):
            return node.lineno, f"'{name}': names starting with '_' are not allowed"
    return None


def _render_problems(templates: dict[str, str], manifest: dict[str, Any],
                     blocks: BlockRegistry) -> list[Problem]:
    tokens = {name: prop.get("default") for name, prop in
              manifest.get("settings", {}).get("properties", {}).items()}
    base = {"shop": fixtures.SHOP, "theme": tokens}
    renders: list[tuple[str, dict[str, Any]]] = []
    for name in templates:
        if name == PAGE_TEMPLATE:
            renders += [(name, {**base, "page": fixtures.page(kind), "stylesheet_url": "",
                                "body": "<p>fixture</p>"}) for kind in PAGE_KINDS]
            continue
        block = blocks[PurePosixPath(name).stem]
        for data in (None, fixtures.block_data(block.type)):
            renders.append((name, {**base, "page": fixtures.page("home"), "data": data,
                                   "children": "", "block": {
                                       "id": "fixture", "type": block.type, "v": block.version,
                                       "settings": block.default_settings()}}))
    failures = render_in_child(templates, renders)
    return [Problem(name, "", message) for name, message in sorted(failures.items())]
