"""H5 rendering of layout nodes through a theme, in a bounded Jinja sandbox.

Templates are found only by internal ids (``page``, ``block/<type>``) mapped to files by the
registries, never by a name from a request or a config. Every render has a deadline and an
output cap; a block whose template fails is left out of the page and logged.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, TemplateNotFound, TemplateSyntaxError, pass_context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from runtime.pages.blocks import BlockRegistry
from runtime.pages.icons import icon_svg
from runtime.pages.manifests import ManifestError
from runtime.pages.richtext import sanitize_html

log = logging.getLogger(__name__)

MAX_SECONDS = 0.25  # per template render
MAX_OUTPUT = 256 * 1024  # characters per template render
MAX_SEQUENCE = 10_000  # longest string or list a template may build with * or +
MAX_POWER_BITS = 256  # largest integer a template may build with **

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("mallkit_render_deadline",
                                                                  default=0.0)


class RenderLimitExceeded(RuntimeError):
    """A template ran too long or wrote too much."""


def _check_deadline() -> None:
    deadline = _deadline.get()
    if deadline and time.perf_counter() > deadline:
        raise RenderLimitExceeded(f"template ran longer than {MAX_SECONDS}s")


def _bounded_range(*args: int) -> Iterator[int]:
    bounded = range(*args)
    if len(bounded) > MAX_SEQUENCE:
        raise RenderLimitExceeded(f"range() longer than {MAX_SEQUENCE}")
    for i, value in enumerate(bounded):
        if i % 64 == 0:
            _check_deadline()
        yield value


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus a deadline on attribute access, calls and loops, and caps on
    the strings and lists ``*`` / ``+`` / ``**`` may build."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_deadline()
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise RenderLimitExceeded("the template raised a number to a power over 100")
            if isinstance(left, int) and isinstance(right, int) \
                    and abs(left).bit_length() * right > MAX_POWER_BITS:
                raise RenderLimitExceeded(f"the template built a number over {MAX_POWER_BITS} "
                                          "bits with **")
            return left**right
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) \
                        and len(seq) * n > MAX_SEQUENCE:
                    raise RenderLimitExceeded(f"the template built a string or list longer "
                                              f"than {MAX_SEQUENCE}")
            return left * right
        result = left + right
        if isinstance(result, str | list | tuple) and len(result) > MAX_OUTPUT:
            raise RenderLimitExceeded(f"the template built a string or list longer than "
                                      f"{MAX_OUTPUT}")
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_deadline()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_deadline()
        return super().getitem(obj, argument)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        return super().call(context, obj, *args, **kwargs)


@dataclass(frozen=True)
class TemplateText:
    """A template held in memory (an uploaded theme's), named for log messages."""

    name: str
    text: str


TemplateSource = Path | TemplateText


class IdLoader(BaseLoader):
    """Loads a template by internal id from a fixed id -> file (or in-memory text) map."""

    def __init__(self, files: Mapping[str, TemplateSource]) -> None:
        self.files = dict(files)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.files.get(template)
        if path is None:
            raise TemplateNotFound(template)
        if isinstance(path, TemplateText):
            return path.text, path.name, lambda: True
        source = path.read_text(encoding="utf-8")
        return source, str(path), lambda: True


def _link_url(context: Any, link: Any) -> str:
    """A link setting as an H5 href (mini-program paths have none)."""
    if not isinstance(link, Mapping):
        return ""
    shop = context.get("shop") or {}
    base = f"/s/{shop.get('slug', '')}"
    kind = link.get("kind")
    if kind == "page":
        slug = str(link.get("slug", ""))
        return f"{base}/" if slug == "home" else f"{base}/pages/{slug}"
    if kind == "product":
        return f"{base}/pages/product?id={int(link.get('product_id', 0))}"
    if kind == "group":
        return f"{base}/pages/category?group={int(link.get('group_id', 0))}"
    if kind == "url":
        url = str(link.get("url", ""))
        return url if url.startswith(("https://", "http://")) else ""
    return ""


def _image_url(image: Any, size: int | None = None) -> str:
    """An expanded image prop's URL, the smallest size at least ``size`` wide if given."""
    if not isinstance(image, Mapping):
        return ""
    sizes = image.get("sizes") or {}
    if size is not None and sizes:
        wider = sorted(int(w) for w in sizes if int(w) >= size)
        if wider:
            return str(sizes[str(wider[0])])
    return str(image.get("url") or "")


def _money(fen: Any) -> str:
    if isinstance(fen, bool) or not isinstance(fen, int):
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def _richtext(html: Any) -> Markup:
    return Markup(sanitize_html(html if isinstance(html, str) else ""))


SNIPPETS = Path(__file__).with_name("snippets")


def make_environment(files: Mapping[str, TemplateSource]) -> BoundedSandbox:
    """A sandbox loading ``files`` by id; when it has any, every template also gets the
    shared snippets as ``cards`` (``snippets/product-card.html``: ``cards.price``,
    ``cards.product_card``) and ``forms`` (``snippets/forms.html``: ``forms.phone_login``),
    so a theme need not copy them."""
    shared = {"snippet/cards": SNIPPETS / "product-card.html",
              "snippet/forms": SNIPPETS / "forms.html"} if files else {}
    env = BoundedSandbox(loader=IdLoader({**files, **shared}), autoescape=True,
                         auto_reload=False, cache_size=0 if not files else 400)
    env.filters.update(link_url=pass_context(_link_url), image_url=_image_url, money=_money,
                       richtext=_richtext)
    env.globals = {"range": _bounded_range, "dict": dict, "lipsum": None, "cycler": None,
                   "joiner": None, "namespace": None, "icon_svg": icon_svg}
    if shared:
        env.globals["cards"] = env.get_template("snippet/cards").module
        env.globals["forms"] = env.get_template("snippet/forms").module
    return env


def compile_check(path: Path, source: str) -> None:
    """Raise :class:`ManifestError` if a template does not compile in the sandbox."""
    try:
        make_environment({}).parse(source)
    except TemplateSyntaxError as exc:
        raise ManifestError(path, f"line {exc.lineno}", f"template syntax: {exc.message}") \
            from None


def render_bounded(env: BoundedSandbox, template_id: str, context: Mapping[str, Any]) -> str:
    """Render with a deadline and an output cap; raises on any failure."""
    template = env.get_template(template_id)
    token = _deadline.set(time.perf_counter() + MAX_SECONDS)
    try:
        size = 0
        parts: list[str] = []
        for chunk in template.generate(dict(context)):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise RenderLimitExceeded(f"template wrote more than {MAX_OUTPUT} characters")
            parts.append(chunk)
            _check_deadline()
        return "".join(parts)
    finally:
        _deadline.reset(token)


@dataclass(frozen=True)
class ThemeTemplates:
    """The template files a theme renders with: its overrides, else the blocks' own."""

    env: BoundedSandbox
    has_page: bool


_environments: dict[tuple[int, int, str], ThemeTemplates] = {}


def theme_templates(blocks: BlockRegistry, theme: Any,
                    fallback_page: Path | None) -> ThemeTemplates:
    """One sandbox per (block registry, theme), cached for the process."""
    key = (id(blocks), id(theme), theme.id)
    cached = _environments.get(key)
    if cached is not None:
        return cached
    files: dict[str, TemplateSource] = {f"block/{b.type}": b.template_path for b in blocks}
    files.update({f"block/{t}": p for t, p in theme.block_templates.items() if t in blocks})
    page = theme.page_template or fallback_page
    if page is not None:
        files["page"] = page
    templates = ThemeTemplates(make_environment(files), page is not None)
    _environments[key] = templates
    return templates


def render_nodes(templates: ThemeTemplates, nodes: list[dict[str, Any]],
                 base: Mapping[str, Any], dropped: list[str]) -> list[tuple[str, str]]:
    """Render each node (children first); returns ``(block id, html)`` for those that worked."""
    out: list[tuple[str, str]] = []
    for node in nodes:
        children = render_nodes(templates, node["children"], base, dropped)
        context = {**base, "block": {"id": node["id"], "type": node["type"], "v": node["v"],
                                     "settings": node["props"]},
                   "data": node["data"],
                   "children": Markup("".join(html for _id, html in children))}
        try:
            html = render_bounded(templates.env, f"block/{node['type']}", context)
        except Exception:
            log.exception("block %s (%s) left out of page %s: its template failed",
                          node["id"], node["type"], base.get("page", {}).get("slug"))
            dropped.append(node["id"])
            continue
        out.append((node["id"], f'<div class="mk-block" data-block-id="{escape(node["id"])}" '
                                f'data-block-type="{escape(node["type"])}">{html}</div>'))
    return out
