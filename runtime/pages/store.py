"""The page store: drafts with optimistic concurrency, atomic publishing, rollback, history,
scheduled publishing. Services take a session already scoped to the shop."""

from __future__ import annotations

import copy
import functools
import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.jobs import cancel, enqueue_after_commit, job_id, on_commit, session_redis
from runtime.pages.cache import bump_config_after_commit
from runtime.pages.models import Page, PageSchedule, PageVersion
from runtime.pages.registries import Registries, default_registries
from runtime.pages.validation import check_page, with_fixed_blocks
from runtime.themes.service import active_theme

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
# Notes of versions the system publishes; stored in English, translated where shown.
PRESET_NOTE = "theme preset"
ROLLBACK_NOTE = "rollback to version {number}"
ROLLBACK_NOTE_RE = re.compile(r"rollback to version (\d+)")
SCHEDULE_NOTE = "scheduled for {at}"  # at: the planned time, ISO 8601 in UTC
SCHEDULE_NOTE_RE = re.compile(r"scheduled for (\S+)")


def _reg(registries: Registries | None) -> Registries:
    return registries if registries is not None else default_registries()


def _shop(session: Session) -> int:
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise RuntimeError("the page store needs a shop context (use_shop)")
    return shop_id


def find_page(session: Session, slug: str, lock: bool = False) -> Page | None:
    query = select(Page).where(Page.slug == slug)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def get_page(session: Session, slug: str, lock: bool = False) -> Page:
    page = find_page(session, slug, lock)
    if page is None:
        raise NotFound(f"no page '{slug}'", code="page_not_found")
    return page


def list_pages(session: Session) -> list[Page]:
    return list(session.scalars(select(Page).order_by(Page.id)))


def ensure_page(session: Session, kind: str, registries: Registries | None = None) -> Page:
    """The shop's page of a fixed kind (home, category, product, cart, user, or a module's
    kind such as article), created from the active theme's preset (a module kind's own
    default page when the theme has none) and published as version 1 on first need.
    Idempotent, also when two requests race: the loser of the unique (shop, slug) insert
    reads the winner's row. Whether a module kind's module is on is the caller's check."""
    reg = _reg(registries)
    if kind not in reg.kinds.single_kinds():
        raise ValueError(f"ensure_page is for {', '.join(reg.kinds.single_kinds())}; "
                         f"got {kind!r}")
    page = find_page(session, kind)
    if page is not None:
        return page
    preset = with_fixed_blocks(preset_of(session, kind, reg), reg.blocks, kind)
    config, errors = check_page(preset, reg.blocks, kind)
    if errors:
        raise ValidationFailed(errors, detail=f"the theme's {kind} preset is invalid")
    try:
        with session.begin_nested():
            page = _new_page(session, kind, kind, config)
            _publish_config(session, page, config, source="preset", note=PRESET_NOTE)
    except IntegrityError:
        page = find_page(session, kind)
        if page is None:
            raise
    return page


def preset_of(session: Session, kind: str, registries: Registries) -> dict[str, Any]:
    """The page a page of ``kind`` starts from: the active theme's preset, else (a module's
    kind the theme does not style) the module's default page."""
    theme = active_theme(session, registries.themes).theme
    if kind in theme.presets:
        return theme.preset(kind)
    return registries.kinds[kind].default_page()


def create_page(session: Session, slug: str, title: str | None = None,
                registries: Registries | None = None) -> Page:
    """A new custom page (draft only) from the active theme's custom preset."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationFailed.single("/slug", "1-60 lowercase letters, digits or dashes",
                                      "pattern")
    reg = _reg(registries)
    if slug in reg.kinds:
        raise ValidationFailed.single("/slug", "this address is reserved",
                                      "reserved")
    preset = active_theme(session, reg.themes).theme.preset("custom")
    if title is not None:
        preset["title"] = title
    config, errors = check_page(preset, reg.blocks, "custom")
    if errors:
        raise ValidationFailed(errors)
    if find_page(session, slug) is not None:
        raise Conflict(f"a page '{slug}' already exists", code="page_exists",
                       extra={"errors": [{"pointer": "/slug", "message": "already taken",
                                          "code": "unique"}]})
    try:
        with session.begin_nested():
            return _new_page(session, slug, "custom", config)
    except IntegrityError:
        raise Conflict(f"a page '{slug}' already exists", code="page_exists") from None


def _new_page(session: Session, slug: str, kind: str, config: dict[str, Any]) -> Page:
    page = Page(slug=slug, kind=kind, title=config["title"], draft=config, draft_revision=1)
    session.add(page)
    session.flush()
    return page


def save_draft(session: Session, slug: str, config: Any, revision: int,
               registries: Registries | None = None) -> Page:
    """Replace the draft. ``revision`` is the draft revision the editor started from; a save
    from an older one is refused with 409 ``draft_conflict`` instead of losing someone's work."""
    page = get_page(session, slug, lock=True)
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise ValidationFailed.single("/revision", "the draft revision (an integer) is required",
                                      "required")
    if revision != page.draft_revision:
        raise Conflict(f"the draft was saved elsewhere (revision {page.draft_revision}, "
                       f"yours {revision}); reload it", code="draft_conflict",
                       extra={"current_revision": page.draft_revision})
    normalised, errors = check_page(config, _reg(registries).blocks, page.kind)
    if errors:
        raise ValidationFailed(errors)
    page.draft = normalised
    page.title = normalised["title"]
    page.draft_revision += 1
    session.flush()
    return page


def publish(session: Session, slug: str, *, user_id: int | None = None,
            revision: int | None = None, note: str = "",
            registries: Registries | None = None) -> PageVersion:
    """Publish the current draft as a new immutable version, atomically (``note``: what
    changed, up to 200 characters, shown in the history)."""
    if not isinstance(note, str) or len(note) > 200:
        raise ValidationFailed.single("/note", "a note is text of at most 200 characters",
                                      "maxLength")
    page = get_page(session, slug, lock=True)
    if revision is not None and revision != page.draft_revision:
        raise Conflict(f"the draft changed (revision {page.draft_revision}, yours {revision})",
                       code="draft_conflict", extra={"current_revision": page.draft_revision})
    config, errors = check_page(page.draft, _reg(registries).blocks, page.kind)
    if errors:
        raise ValidationFailed(errors, detail="the draft is not valid any more; fix it first")
    return _publish_config(session, page, config, source="publish", note=note.strip(),
                           user_id=user_id)


def rollback(session: Session, slug: str, number: int, *,
             user_id: int | None = None) -> PageVersion:
    """Re-publish an older version as a new version (history is never rewritten)."""
    page = get_page(session, slug, lock=True)
    old = session.scalar(select(PageVersion).where(PageVersion.page_id == page.id,
                                                   PageVersion.number == number))
    if old is None:
        raise NotFound(f"page '{slug}' has no version {number}", code="version_not_found")
    return _publish_config(session, page, copy.deepcopy(old.config), source="rollback",
                           note=ROLLBACK_NOTE.format(number=number), user_id=user_id)


def get_version(session: Session, slug: str, number: int) -> PageVersion:
    """Version ``number`` of the page; 404 ``version_not_found`` when there is none."""
    page = get_page(session, slug)
    version = session.scalar(select(PageVersion).where(PageVersion.page_id == page.id,
                                                       PageVersion.number == number))
    if version is None:
        raise NotFound(f"page '{slug}' has no version {number}", code="version_not_found")
    return version


def history(session: Session, slug: str) -> list[PageVersion]:
    page = get_page(session, slug)
    return list(session.scalars(select(PageVersion).where(PageVersion.page_id == page.id)
                                .order_by(PageVersion.number.desc())))


def _publish_config(session: Session, page: Page, config: dict[str, Any], *, source: str,
                    note: str = "", user_id: int | None = None) -> PageVersion:
    number = (session.scalar(select(func.max(PageVersion.number))
                             .where(PageVersion.page_id == page.id)) or 0) + 1
    version = PageVersion(page_id=page.id, number=number, config=config, source=source,
                          note=note, published_by=user_id)
    session.add(version)
    page.live_version = number
    page.published_at = utcnow()
    session.flush()
    bump_config_after_commit(session, _shop(session))
    return version


def live_config(session: Session, slug: str) -> tuple[Page, PageVersion] | None:
    """The page and its live version in one query, or None when unpublished or unknown."""
    row = session.execute(
        select(Page, PageVersion)
        .join(PageVersion, (PageVersion.page_id == Page.id)
              & (PageVersion.number == Page.live_version))
        .where(Page.slug == slug)).first()
    return (row[0], row[1]) if row else None


# --- scheduled publishing -------------------------------------------------------------------


def schedule_publish(session: Session, slug: str, run_at: datetime, *,
                     user_id: int | None = None, registries: Registries | None = None,
                     revision: int | None = None) -> PageSchedule:
    """Snapshot the draft now and publish that snapshot at ``run_at`` (an RQ job at that time,
    with the periodic sweeper as the safety net)."""
    if not isinstance(run_at, datetime) or run_at.tzinfo is None:
        raise ValidationFailed.single("/run_at", "an ISO 8601 time with a zone is required",
                                      "format")
    if run_at <= utcnow():
        raise ValidationFailed.single("/run_at", "must be in the future", "minimum")
    page = get_page(session, slug, lock=True)
    if revision is not None and revision != page.draft_revision:
        raise Conflict(f"the draft changed (revision {page.draft_revision}, yours {revision})",
                       code="draft_conflict", extra={"current_revision": page.draft_revision})
    config, errors = check_page(page.draft, _reg(registries).blocks, page.kind)
    if errors:
        raise ValidationFailed(errors, detail="the draft is not valid; fix it first")
    schedule = PageSchedule(page_id=page.id, run_at=run_at, config=config, status="pending",
                            created_by=user_id)
    session.add(schedule)
    session.flush()
    _enqueue_schedule(session, schedule)
    return schedule


def _enqueue_schedule(session: Session, schedule: PageSchedule) -> None:
    from runtime.pages.jobs import publish_scheduled

    conn = session_redis(session)
    if conn is None:
        return  # the sweeper publishes it
    shop_id = _shop(session)
    enqueue_after_commit(session, conn, publish_scheduled, shop_id, schedule.id,
                         jid=_schedule_job_id(shop_id, schedule.id), at=schedule.run_at)


def _schedule_job_id(shop_id: int, schedule_id: int) -> str:
    return job_id("page-publish", shop_id, schedule_id)


def cancel_schedule(session: Session, schedule_id: int, *, slug: str | None = None
                    ) -> PageSchedule:
    """Cancel a pending publication (of page ``slug`` when given) and drop its timed job
    once this commits; a done or cancelled one is 409 ``schedule_closed``."""
    query = select(PageSchedule).where(PageSchedule.id == schedule_id)
    if slug is not None:
        query = query.where(PageSchedule.page_id == get_page(session, slug).id)
    schedule = session.scalar(query.with_for_update())
    if schedule is None:
        raise NotFound(f"no scheduled publication {schedule_id}", code="schedule_not_found")
    if schedule.status != "pending":
        raise Conflict(f"the publication is already {schedule.status}", code="schedule_closed")
    schedule.status = "cancelled"
    session.flush()
    conn = session_redis(session)
    if conn is not None:
        on_commit(session, functools.partial(cancel, conn,
                                             _schedule_job_id(_shop(session), schedule.id)))
    return schedule


def pending_schedules(session: Session, slug: str | None = None
                      ) -> list[tuple[PageSchedule, Page]]:
    """Pending publications, soonest first, with their page: of page ``slug``, or of the
    whole shop."""
    query = (select(PageSchedule, Page).join(Page, Page.id == PageSchedule.page_id)
             .where(PageSchedule.status == "pending"))
    if slug is not None:
        query = query.where(Page.id == get_page(session, slug).id)
    return [(schedule, page) for schedule, page in
            session.execute(query.order_by(PageSchedule.run_at, PageSchedule.id))]


def run_schedule(session: Session, schedule_id: int) -> PageVersion | None:
    """Publish a due, pending schedule exactly once; None when not due or already handled."""
    schedule = session.scalar(select(PageSchedule).where(PageSchedule.id == schedule_id)
                              .with_for_update())
    if schedule is None or schedule.status != "pending" or schedule.run_at > utcnow():
        return None
    page = session.scalar(select(Page).where(Page.id == schedule.page_id).with_for_update())
    if page is None:
        schedule.status = "failed"
        return None
    version = _publish_config(session, page, copy.deepcopy(schedule.config), source="schedule",
                              note=SCHEDULE_NOTE.format(at=schedule.run_at.isoformat()),
                              user_id=schedule.created_by)
    schedule.status = "done"
    schedule.version_number = version.number
    session.flush()
    return version


def check_slug(slug: str) -> None:
    if not SLUG_RE.match(slug or ""):
        raise NotFound(f"no page '{slug}'", code="page_not_found")


__all__ = ["FieldError", "cancel_schedule", "create_page", "ensure_page", "get_page", "history",
           "list_pages", "live_config", "pending_schedules", "publish", "rollback", "run_schedule",
           "save_draft", "schedule_publish"]
