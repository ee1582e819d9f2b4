"""Uploaded themes: an agency's packages and versions, what each shop may install, and the
:class:`Theme` objects the storefront renders them with (built once per version per process).

Versions are semver; a published version never changes and the next one must be greater.
Files are stored once each under their sha256 (``theme_blobs``), never under their names.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.errors import Conflict, MallkitError, NotFound, ValidationFailed
from runtime.pages.blocks import BlockRegistry, parse_version
from runtime.pages.render import TemplateText
from runtime.shops.models import Shop
from runtime.themes.checks import MANIFEST, PAGE_TEMPLATE, CheckedTheme, check_theme
from runtime.themes.models import ShopTheme, ThemeBlob, ThemeGrant, ThemePackage, ThemeVersion
from runtime.themes.package import PackageRefused, Problem, read_zip
from runtime.themes.registry import Theme, ThemeRegistry

VISIBILITIES = ("private", "listed")
INSTALLABLE = ("published", "deprecated")


class PackageInvalid(MallkitError):
    """422 with one ``{"file", "pointer", "message"}`` per problem of an uploaded package."""

    status = 422
    code = "theme_invalid"
    title = "The theme package is not valid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]),
                         extra={"errors": [p.as_dict() for p in problems]})


def _refuse(pointer: str, message: str) -> PackageInvalid:
    return PackageInvalid([Problem(MANIFEST, pointer, message)])


def version_key(version: str) -> tuple[int, int, int]:
    return parse_version(version)


# --- agencies --------------------------------------------------------------------------------


def upload(session: Session, agency_id: int, data: bytes, blocks: BlockRegistry,
           bundled: ThemeRegistry) -> ThemeVersion:
    """Check a zipped package and keep it as a draft version (a draft of the same version is
    replaced). Nothing is written unless every check passes."""
    try:
        checked = check_theme(read_zip(data), blocks)
    except PackageRefused as exc:
        raise PackageInvalid(exc.problems) from None
    if checked.id in bundled:
        raise _refuse("/id", f"'{checked.id}' is a bundled theme's id; choose another")
    package = session.scalar(select(ThemePackage).where(ThemePackage.theme_id == checked.id)
                             .with_for_update())
    if package is not None and package.agency_id != agency_id:
        raise _refuse("/id", f"the theme id '{checked.id}' belongs to another agency")
    if package is None:
        package = ThemePackage(theme_id=checked.id, agency_id=agency_id, visibility="private")
        try:
            with session.begin_nested():
                session.add(package)
                session.flush()
        except IntegrityError:
            raise Conflict(f"the theme id '{checked.id}' was taken a moment ago; upload again",
                           code="theme_id_taken") from None
    existing = {v.version: v for v in _versions(session, package.id)}
    _check_next_version(checked.version, existing.values())
    files = _store_files(session, checked)
    version = existing.get(checked.version)
    if version is None:
        version = ThemeVersion(package_id=package.id, version=checked.version, status="draft")
        session.add(version)
    version.manifest = checked.manifest
    version.files = files
    version.package_sha256 = hashlib.sha256(data).hexdigest()
    session.flush()
    return version


def _check_next_version(new: str, versions: Iterable[ThemeVersion]) -> None:
    for other in versions:
        if other.status == "draft":
            continue
        if other.version == new:
            raise _refuse("/version", f"version {new} is published and cannot change; give "
                                      "the new package a greater version")
        if version_key(other.version) > version_key(new):
            raise _refuse("/version", f"version {new} must be greater than the published "
                                      f"{other.version}")


def _store_files(session: Session, checked: CheckedTheme) -> dict[str, str]:
    hashes = {name: hashlib.sha256(content).hexdigest() for name, content in checked.files.items()}
    have = set(session.scalars(select(ThemeBlob.sha256)
                               .where(ThemeBlob.sha256.in_(set(hashes.values())))))
    for name, digest in hashes.items():
        if digest in have:
            continue
        content = checked.files[name]
        try:
            with session.begin_nested():
                session.add(ThemeBlob(sha256=digest, size=len(content), content=content))
                session.flush()
        except IntegrityError:
            pass  # the same bytes stored by a concurrent upload: shared, as intended
        have.add(digest)
    return hashes


def _versions(session: Session, package_id: int) -> list[ThemeVersion]:
    rows = session.scalars(select(ThemeVersion).where(ThemeVersion.package_id == package_id))
    return sorted(rows, key=lambda v: version_key(v.version), reverse=True)


def agency_package(session: Session, agency_id: int, theme_id: str) -> ThemePackage:
    """One of the agency's packages; another agency's is 404 like a missing one."""
    package = session.scalar(select(ThemePackage).where(ThemePackage.theme_id == theme_id,
                                                        ThemePackage.agency_id == agency_id))
    if package is None:
        raise NotFound(f"no theme '{theme_id}'", code="theme_not_found")
    return package


def _agency_version(session: Session, agency_id: int, theme_id: str,
                    version: str) -> ThemeVersion:
    package = agency_package(session, agency_id, theme_id)
    row = session.scalar(select(ThemeVersion).where(ThemeVersion.package_id == package.id,
                                                    ThemeVersion.version == version)
                         .with_for_update())
    if row is None:
        raise NotFound(f"no version {version} of '{theme_id}'", code="theme_version_not_found")
    return row


def publish(session: Session, agency_id: int, theme_id: str, version: str,
            changelog: str) -> ThemeVersion:
    """Draft -> published; a version after the first needs a changelog."""
    row = _agency_version(session, agency_id, theme_id, version)
    if row.status != "draft":
        raise Conflict(f"version {version} is already {row.status}", code="not_a_draft")
    others = [v for v in _versions(session, row.package_id) if v.id != row.id]
    try:
        _check_next_version(version, others)
    except PackageInvalid as exc:
        raise Conflict(exc.problems[0].message, code="version_not_greater") from None
    changelog = (changelog or "").strip()
    if any(v.status != "draft" for v in others) and not changelog:
        raise ValidationFailed.single("/changelog", "say what changed since the last version",
                                      "required")
    if len(changelog) > 4000:
        raise ValidationFailed.single("/changelog", "at most 4000 characters", "maxLength")
    row.status = "published"
    row.changelog = changelog
    row.published_at = utcnow()
    session.flush()
    return row


def deprecate(session: Session, agency_id: int, theme_id: str, version: str) -> ThemeVersion:
    """Published -> deprecated: no longer offered; shops on it keep it."""
    row = _agency_version(session, agency_id, theme_id, version)
    if row.status != "published":
        raise Conflict(f"only a published version can be deprecated (this one is "
                       f"{row.status})", code="not_published")
    row.status = "deprecated"
    session.flush()
    return row


def delete_draft(session: Session, agency_id: int, theme_id: str, version: str) -> None:
    row = _agency_version(session, agency_id, theme_id, version)
    if row.status != "draft":
        raise Conflict("only drafts can be deleted", code="not_a_draft")
    session.delete(row)
    session.flush()


def set_visibility(session: Session, agency_id: int, theme_id: str, visibility: str,
                   shop_slugs: Iterable[str] = ()) -> ThemePackage:
    """``listed`` for every shop, or ``private`` to the shops named (by slug)."""
    package = agency_package(session, agency_id, theme_id)
    if visibility not in VISIBILITIES:
        raise ValidationFailed.single("/visibility", "private or listed", "enum")
    slugs = sorted({s.strip().lower() for s in shop_slugs if s.strip()})
    shops = {s.slug: s.id for s in session.scalars(select(Shop).where(Shop.slug.in_(slugs)))}
    missing = [s for s in slugs if s not in shops]
    if missing:
        raise ValidationFailed.single("/shops", f"no shop {', '.join(missing)}", "unknown")
    package.visibility = visibility
    for grant in session.scalars(select(ThemeGrant).where(ThemeGrant.package_id == package.id)):
        session.delete(grant)
    session.flush()
    session.add_all(ThemeGrant(package_id=package.id, shop_id=i) for i in shops.values())
    session.flush()
    return package


def granted_shops(session: Session, package_id: int) -> list[str]:
    return list(session.scalars(select(Shop.slug).join(ThemeGrant, ThemeGrant.shop_id == Shop.id)
                                .where(ThemeGrant.package_id == package_id).order_by(Shop.slug)))


def install_counts(session: Session, theme_id: str) -> dict[str, int]:
    """How many shops have each version installed: numbers only, never which shops."""
    with platform_access(session, f"install counts of theme {theme_id}"):
        rows = session.execute(select(ShopTheme.theme_version, func.count())
                               .where(ShopTheme.theme_id == theme_id)
                               .group_by(ShopTheme.theme_version)).all()
    return {version: count for version, count in rows}


@dataclass(frozen=True)
class PackageView:
    package: ThemePackage
    versions: list[ThemeVersion]

    @property
    def latest(self) -> ThemeVersion:
        return self.versions[0]

    @property
    def newest_installable(self) -> ThemeVersion | None:
        return next((v for v in self.versions if v.status == "published"), None)


def agency_themes(session: Session, agency_id: int) -> list[PackageView]:
    packages = session.scalars(select(ThemePackage).where(ThemePackage.agency_id == agency_id)
                               .order_by(ThemePackage.theme_id))
    return [PackageView(p, _versions(session, p.id)) for p in packages]


# --- shops -----------------------------------------------------------------------------------


def shop_packages(session: Session, shop_id: int) -> list[PackageView]:
    """Uploaded themes the shop may install (listed, or granted to it), with their published
    and deprecated versions."""
    granted = select(ThemeGrant.package_id).where(ThemeGrant.shop_id == shop_id)
    packages = session.scalars(select(ThemePackage).where(
        or_(ThemePackage.visibility == "listed", ThemePackage.id.in_(granted)))
        .order_by(ThemePackage.theme_id))
    views = []
    for package in packages:
        versions = [v for v in _versions(session, package.id) if v.status in INSTALLABLE]
        if versions:
            views.append(PackageView(package, versions))
    return views


def shop_version(session: Session, shop_id: int, theme_id: str,
                 version: str | None) -> ThemeVersion:
    """A version the shop may install (``None``: the newest published); 404 otherwise."""
    for view in shop_packages(session, shop_id):
        if view.package.theme_id != theme_id:
            continue
        if version is None and view.newest_installable is not None:
            return view.newest_installable
        for row in view.versions:
            if row.version == version:
                return row
    raise NotFound(f"no theme '{theme_id}' {version or ''}".strip(), code="theme_not_found")


def client_floors(session: Session) -> set[tuple[int, int, int]]:
    """The ``min_client`` of every uploaded version a shop can be on."""
    manifests = session.scalars(select(ThemeVersion.manifest)
                                .where(ThemeVersion.status.in_(INSTALLABLE)))
    return {version_key(m["min_client"]) for m in manifests if m.get("min_client")}


def find_version(session: Session, theme_id: str, version: str) -> ThemeVersion | None:
    return session.scalar(select(ThemeVersion).join(ThemePackage)
                          .where(ThemePackage.theme_id == theme_id,
                                 ThemeVersion.version == version))


# --- rendering -------------------------------------------------------------------------------

_loaded: dict[tuple[int, str], Theme] = {}


def theme_of(session: Session, row: ThemeVersion) -> Theme:
    """The :class:`Theme` of an uploaded version, built once per process (published versions
    never change; a replaced draft has a new package hash)."""
    key = (row.id, row.package_sha256)
    theme = _loaded.get(key)
    if theme is None:
        theme = _loaded[key] = _build(session, row)
    return theme


def load_theme(session: Session, theme_id: str, version: str) -> Theme | None:
    row = find_version(session, theme_id, version)
    return theme_of(session, row) if row is not None else None


def blob(session: Session, digest: str) -> bytes | None:
    return session.scalar(select(ThemeBlob.content).where(ThemeBlob.sha256 == digest))


def _text(session: Session, row: ThemeVersion, name: str) -> str:
    content = blob(session, row.files[name])
    return (content or b"").decode("utf-8")


def _build(session: Session, row: ThemeVersion) -> Theme:
    from runtime.pages.manifests import compile_settings

    manifest = copy.deepcopy(row.manifest)
    theme_id = manifest["id"]
    validator, defaults = compile_settings(
        manifest["settings"], f"https://mallkit.dev/themes/{theme_id}/{row.version}/"
                              "settings.json", MANIFEST, "/settings")
    presets = {kind: json.loads(_text(session, row, name))
               for kind, name in manifest["presets"].items()}
    label = f"theme {theme_id} {row.version}"
    overrides = {PurePosixPath(n).stem: TemplateText(f"{label}: {n}", _text(session, row, n))
                 for n in row.files if n.startswith("blocks/")}
    page = (TemplateText(f"{label}: {PAGE_TEMPLATE}", _text(session, row, PAGE_TEMPLATE))
            if PAGE_TEMPLATE in row.files else None)
    assets = {n.removeprefix("assets/"): h for n, h in row.files.items()
              if n.startswith("assets/")}
    return Theme(id=theme_id, version=row.version, manifest=manifest,
                 folder=Path(f"/uploaded-themes/{theme_id}/{row.version}"),
                 validator=validator, defaults=defaults, presets=presets, page_template=page,
                 block_templates=overrides, asset_files=assets, uploaded=True)

