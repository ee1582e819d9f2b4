"""Reviews (评价): one review per order line of a completed order, written by its member or,
when none is written in time, automatically (5 stars, the shop's default text).

Rules (``docs/modules/reviews.md`` has the worked example):

- A line becomes reviewable when its order completes (the ``order_completed`` hook opens a
  :class:`ReviewSlot`; an order completed while the module was off gets its slot on the
  first attempt). An order that is not completed is 409 ``order_not_completed``.
- 1-5 stars, up to 500 characters, up to 9 photos the member uploaded, anonymous or not.
  One review per line: the unique ``(shop_id, line_id)`` decides between two requests and
  the automatic review (409 ``already_reviewed`` for the loser).
- One follow-up (追评) per review, within ``followup_days`` of the review.
- A review is shown (and counted in the product's rating) when it is published (approved,
  if the shop wants approval) and not hidden; the counters in
  :class:`ReviewProductStats` change in the same transaction as what they count, and every
  moderation change is a conditional UPDATE, so a repeated or concurrent one counts once.
- Text is plain: markup is stripped (nh3) and control characters dropped on the way in, and
  every page escapes it on the way out.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import nh3
from sqlalchemy import (
    JSON,
    and_,
    case,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, NotFound
from runtime.fielderrors import FieldErrors
from runtime.modules.reviews.models import (
    Review,
    ReviewProductStats,
    ReviewSlot,
    ReviewStatus,
    ReviewUpload,
)
from runtime.modules.reviews.settings import MODULE_ID, ReviewSettings, review_settings
from runtime.upsert import upsert

MAX_TEXT = 500
MAX_IMAGES = 9
# automatic reviews per transaction: four statements each, whatever the size (on SQLite the
# write lock is held for about a second for 50 000 on a loaded 2-core machine)
AUTO_REVIEW_BATCH = 50000
MAX_ID = 2**63 - 1
DATA_TOPIC = "reviews"
GOOD_MIN, BAD_MAX = 4, 2  # 4-5 stars are good, 1-2 bad (3 is neither)
FILTERS = ("all", "images", "good", "bad")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class ReviewErrorCode:
    MODULE_OFF = "module_disabled"
    REVIEW_NOT_FOUND = "review_not_found"
    LINE_NOT_FOUND = "line_not_found"
    ORDER_NOT_COMPLETED = "order_not_completed"
    ALREADY_REVIEWED = "already_reviewed"
    FOLLOWUP_EXISTS = "followup_exists"
    FOLLOWUP_CLOSED = "followup_window_closed"


class OrderNotCompleted(Conflict):
    code = ReviewErrorCode.ORDER_NOT_COMPLETED
    title = "The order is not completed yet"


class AlreadyReviewed(Conflict):
    code = ReviewErrorCode.ALREADY_REVIEWED
    title = "This line has been reviewed"


class FollowupExists(Conflict):
    code = ReviewErrorCode.FOLLOWUP_EXISTS
    title = "This review already has its follow-up"


class FollowupClosed(Conflict):
    code = ReviewErrorCode.FOLLOWUP_CLOSED
    title = "Too late for a follow-up"


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, MODULE_ID):
        raise NotFound("reviews are not available in this shop",
                       code=ReviewErrorCode.MODULE_OFF)


def review_not_found(ident: object) -> NotFound:
    return NotFound(f"no review {ident}", code=ReviewErrorCode.REVIEW_NOT_FOUND)


def _shop_id(session: Session) -> int:
    shop_id = current_shop_id(session)
    assert shop_id is not None, "reviews need a shop-scoped session"
    return shop_id


# --- text and photos -------------------------------------------------------------------------


def plain_text(value: str) -> str:
    """What a member or merchant typed, as plain text: markup removed (nh3 keeps no tag and
    drops script/style bodies), entities decoded back to characters, control and
    direction-override characters dropped, NFC, trimmed."""
    text = html.unescape(nh3.clean(value, tags=set()))
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def _text(errors: FieldErrors, data: dict[str, Any], name: str, *, required: bool,
          at: str = "") -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        errors.add(f"{at}/{name}", f"{name} is text", "type")
        return ""
    text = plain_text(value)
    if required and not text:
        errors.add(f"{at}/{name}", f"{name} is required", "required")
    elif len(text) > MAX_TEXT:
        errors.add(f"{at}/{name}", f"at most {MAX_TEXT} characters", "max_length")
    return text


def _images(session: Session, errors: FieldErrors, member_id: int, value: Any,
            pointer: str) -> list[dict[str, int]]:
    """Up to 9 ``{"media_id"}`` photos, each uploaded by this member for reviews."""
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(pointer, "a list of photos", "type")
        return []
    if len(value) > MAX_IMAGES:
        errors.add(pointer, f"at most {MAX_IMAGES} photos", "max_items")
        return []
    ids: list[int] = []
    for i, ref in enumerate(value):
        media_id = ref.get("media_id") if isinstance(ref, dict) and set(ref) == {"media_id"} \
            else None
        if isinstance(media_id, bool) or not isinstance(media_id, int) \
                or not 1 <= media_id <= MAX_ID:
            errors.add(f"{pointer}/{i}", 'a photo is {"media_id": <id>} from the upload',
                       "type")
        elif media_id in ids:
            errors.add(f"{pointer}/{i}", "this photo is listed twice", "unique")
        else:
            ids.append(media_id)
    if ids:
        own = set(session.scalars(select(ReviewUpload.media_id).where(
            ReviewUpload.member_id == member_id, ReviewUpload.media_id.in_(ids))))
        for i, ref in enumerate(value):
            if isinstance(ref, dict) and ref.get("media_id") in set(ids) - own:
                errors.add(f"{pointer}/{i}/media_id", "no such photo of yours", "not_found")
    return [{"media_id": media_id} for media_id in ids]


def record_upload(session: Session, member_id: int, media_id: int) -> None:
    """Remember that ``member_id`` uploaded ``media_id`` (so a review may show it)."""
    now = utcnow()
    upsert(session, ReviewUpload, {"shop_id": _shop_id(session), "member_id": member_id,
                                   "media_id": media_id, "created_at": now, "updated_at": now},
           conflict=("shop_id", "member_id", "media_id"))


# --- counters --------------------------------------------------------------------------------


def _count(session: Session, review: Review, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) a shown review from its product's counters."""
    now = utcnow()
    upsert(session, ReviewProductStats, {"shop_id": _shop_id(session),
                                         "product_id": review.product_id, "created_at": now,
                                         "updated_at": now},
           conflict=("shop_id", "product_id"))
    s = ReviewProductStats
    session.execute(update(s).where(s.product_id == review.product_id).values(
        review_count=s.review_count + sign, stars_sum=s.stars_sum + sign * review.stars,
        good_count=s.good_count + sign * int(review.stars >= GOOD_MIN),
        bad_count=s.bad_count + sign * int(review.stars <= BAD_MAX),
        image_count=s.image_count + sign * int(review.has_images), updated_at=now)
        .execution_options(synchronize_session=False))


def _changed(session: Session) -> None:
    from runtime.pages.cache import bump_data_version_after_commit

    bump_data_version_after_commit(session, _shop_id(session), DATA_TOPIC)


@dataclass(frozen=True)
class ProductRating:
    product_id: int
    count: int
    stars_sum: int
    good: int
    bad: int
    images: int

    @property
    def average(self) -> float | None:
        """Mean stars to one decimal (None without reviews)."""
        return round(self.stars_sum / self.count, 1) if self.count else None

    @property
    def good_rate(self) -> int | None:
        """Share of good reviews in whole percent (None without reviews)."""
        return round(100 * self.good / self.count) if self.count else None

    def as_dict(self) -> dict[str, Any]:
        return {"product_id": self.product_id, "count": self.count, "average": self.average,
                "good_rate": self.good_rate,
                "counts": {"all": self.count, "images": self.images, "good": self.good,
                           "bad": self.bad}}


def ratings(session: Session, product_ids: list[int]) -> dict[int, ProductRating]:
    """The counters of these products (zeros for a product without reviews), one query."""
    s = ReviewProductStats
    rows = {r.product_id: r for r in session.scalars(select(s).where(
        s.product_id.in_(product_ids)))} if product_ids else {}
    out = {}
    for pid in product_ids:
        r = rows.get(pid)
        out[pid] = ProductRating(pid, r.review_count, r.stars_sum, r.good_count, r.bad_count,
                                 r.image_count) if r else ProductRating(pid, 0, 0, 0, 0, 0)
    return out


def recount(session: Session, product_id: int) -> ProductRating:
    """The counters recomputed from the reviews (what they must equal)."""
    r = Review
    count, stars, good, bad, images = session.execute(select(
        func.count(r.id), func.coalesce(func.sum(r.stars), 0),
        func.coalesce(func.sum(case((r.stars >= GOOD_MIN, 1), else_=0)), 0),
        func.coalesce(func.sum(case((r.stars <= BAD_MAX, 1), else_=0)), 0),
        func.coalesce(func.sum(case((r.has_images.is_(True), 1), else_=0)), 0))
        .where(r.product_id == product_id, _visible())).one()
    return ProductRating(product_id, int(count), int(stars), int(good), int(bad), int(images))


def _visible() -> Any:
    return and_(Review.status == ReviewStatus.PUBLISHED.value, Review.hidden.is_(False))


# --- slots: what may be reviewed ---------------------------------------------------------------


def _due(completed_at: datetime, settings: ReviewSettings) -> datetime | None:
    return completed_at + timedelta(days=settings.auto_review_days) \
        if settings.auto_review_enabled else None


def open_slots(session: Session, order: Any, lines: list[Any]) -> datetime | None:
    """Make the lines of a completed order reviewable (idempotent by line); returns when
    their automatic review is due (None when the shop has it off)."""
    settings = review_settings(session)
    completed = order.completed_at or utcnow()
    due = _due(completed, settings)
    now = utcnow()
    rows = [{"shop_id": _shop_id(session), "order_id": order.id, "line_id": line.id,
             "product_id": line.product_id, "member_id": order.member_id,
             "title": line.title[:120], "spec_text": (line.spec_text or "")[:200],
             "image": line.image, "completed_at": completed, "auto_due_at": due,
             "created_at": now, "updated_at": now} for line in lines]
    if rows:
        upsert(session, ReviewSlot, rows, conflict=("shop_id", "line_id"))
    return due


def _slot(session: Session, line_id: int) -> ReviewSlot | None:
    return session.scalar(select(ReviewSlot).where(ReviewSlot.line_id == line_id)
                          .execution_options(populate_existing=True))


def slot_for_line(session: Session, member_id: int, order_id: int, line_id: int) -> ReviewSlot:
    """The member's slot for the line: 404 for someone else's order or line, 409
    ``order_not_completed`` before completion."""
    from runtime.modules.orders.models import OrderStatus
    from runtime.modules.orders.service import get_order, order_lines

    slot = _slot(session, line_id)
    if slot is not None and slot.member_id == member_id and slot.order_id == order_id:
        return slot
    order = get_order(session, order_id, member_id=member_id)
    line = next((ln for ln in order_lines(session, [order.id])[order.id] if ln.id == line_id),
                None)
    if line is None:
        raise NotFound(f"order {order.order_no} has no line {line_id}",
                       code=ReviewErrorCode.LINE_NOT_FOUND, extra={"pointer": "/line_id"})
    if order.status != OrderStatus.COMPLETED:
        raise OrderNotCompleted(f"order {order.order_no} is {order.status}; a line is "
                                "reviewed once the order is completed",
                                extra={"status": order.status})
    open_slots(session, order, [line])
    slot = _slot(session, line_id)
    assert slot is not None
    return slot


def _claim(session: Session, slot_id: int, review_id: int) -> bool:
    result = session.execute(update(ReviewSlot).where(
        ReviewSlot.id == slot_id, ReviewSlot.review_id.is_(None)).values(
        review_id=review_id, updated_at=utcnow()).execution_options(synchronize_session=False))
    return bool(result.rowcount)


# --- the member's review and follow-up ---------------------------------------------------------


REVIEW_FIELDS = ("order_id", "line_id", "stars", "content", "images", "anonymous")


def write_review(session: Session, member_id: int, data: dict[str, Any]) -> Review:
    """The member's review of one line of a completed order (once per line)."""
    errors = FieldErrors()
    errors.unknown(data, REVIEW_FIELDS)
    order_id = errors.integer(data, "order_id", 1, MAX_ID)
    line_id = errors.integer(data, "line_id", 1, MAX_ID)
    stars = errors.integer(data, "stars", 1, 5)
    content = _text(errors, data, "content", required=False)
    images = _images(session, errors, member_id, data.get("images"), "/images")
    anonymous = False
    if "anonymous" in data:
        anonymous = bool(errors.boolean(data, "anonymous"))
    errors.raise_if_any()
    assert order_id is not None and line_id is not None and stars is not None
    slot = slot_for_line(session, member_id, order_id, line_id)
    # the slot's row locked first, as the automatic sweep locks it (it skips a slot held
    # here; a review waiting for the sweep finds the slot claimed): taking the review's
    # unique key first would deadlock with a sweep holding the slot (PostgreSQL)
    claimed = session.scalar(select(ReviewSlot.review_id).where(ReviewSlot.id == slot.id)
                             .with_for_update())
    if claimed is not None:
        raise AlreadyReviewed(f"line {line_id} has been reviewed",
                              extra={"review_id": claimed})
    from runtime.modules.members.service import get_member

    member = get_member(session, member_id)
    settings = review_settings(session)
    review = Review(order_id=slot.order_id, line_id=slot.line_id, product_id=slot.product_id,
                    member_id=member_id, spec_text=slot.spec_text, stars=stars,
                    content=content, images=images, has_images=bool(images),
                    anonymous=anonymous, nickname=member.nickname[:64],
                    avatar_url=member.avatar_url[:500], automatic=False,
                    status=(ReviewStatus.PENDING if settings.require_approval
                            else ReviewStatus.PUBLISHED).value)
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:
        raise AlreadyReviewed(f"line {line_id} has been reviewed") from None
    _claim(session, slot.id, review.id)
    if review.visible:
        _count(session, review, 1)
        _changed(session)
    return review


def get_review(session: Session, review_id: Any, member_id: int | None = None) -> Review:
    review = None
    if isinstance(review_id, int) and not isinstance(review_id, bool):
        query = select(Review).where(Review.id == review_id)
        if member_id is not None:
            query = query.where(Review.member_id == member_id)
        review = session.scalar(query.execution_options(populate_existing=True))
    if review is None:
        raise review_not_found(review_id)
    return review


def add_followup(session: Session, member_id: int, review_id: int,
                 data: dict[str, Any]) -> Review:
    """The member's one follow-up (追评) to their review, within ``followup_days``."""
    review = get_review(session, review_id, member_id)
    errors = FieldErrors()
    errors.unknown(data, ("content", "images"))
    content = _text(errors, data, "content", required=True)
    images = _images(session, errors, member_id, data.get("images"), "/images")
    errors.raise_if_any()
    if review.followup_at is not None:
        raise FollowupExists(f"review {review.id} already has its follow-up")
    days = review_settings(session).followup_days
    if utcnow() > review.created_at + timedelta(days=days):
        raise FollowupClosed(f"a follow-up is added within {days} days of the review",
                             extra={"followup_days": days})
    now = utcnow()
    has_images = review.has_images or bool(images)
    changed = session.execute(update(Review).where(
        Review.id == review.id, Review.followup_at.is_(None)).values(
        followup_content=content, followup_images=images, followup_at=now,
        has_images=has_images, updated_at=now).execution_options(synchronize_session=False))
    if not changed.rowcount:
        raise FollowupExists(f"review {review.id} already has its follow-up")
    if review.visible and has_images != review.has_images:
        _count(session, review, -1)
        review = get_review(session, review.id)
        _count(session, review, 1)
    _changed(session)
    return get_review(session, review.id)


def member_reviews(session: Session, member_id: int, limit: int = 50) -> list[Review]:
    """The member's reviews, newest first, found through their claimed slots (the slots'
    member index; reviews has none)."""
    claimed = select(ReviewSlot.review_id).where(ReviewSlot.member_id == member_id,
                                                 ReviewSlot.review_id.is_not(None))
    return list(session.scalars(select(Review).where(Review.id.in_(claimed),
                                                     Review.member_id == member_id)
                                .order_by(Review.id.desc()).limit(limit)))


def lines_to_review(session: Session, member_id: int, limit: int = 50) -> list[ReviewSlot]:
    """The member's completed lines still waiting for a review."""
    return list(session.scalars(select(ReviewSlot).where(
        ReviewSlot.member_id == member_id, ReviewSlot.review_id.is_(None))
        .order_by(ReviewSlot.completed_at.desc(), ReviewSlot.id.desc()).limit(limit)))


# --- public listing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPage:
    items: list[Review]
    total: int
    page: int
    per_page: int


def _filtered(query: Any, kind: str) -> Any:
    if kind == "images":
        return query.where(Review.has_images.is_(True))
    if kind == "good":
        return query.where(Review.stars >= GOOD_MIN)
    if kind == "bad":
        return query.where(Review.stars <= BAD_MAX)
    return query


def _pinned_first(query: Any) -> Any:
    return query.order_by(case((Review.pinned_at.is_(None), 1), else_=0),
                          Review.pinned_at.desc(), Review.created_at.desc(), Review.id.desc())


def product_reviews(session: Session, product_id: int, *, kind: str = "all", page: int = 1,
                    per_page: int = 10) -> ReviewPage:
    """The shown reviews of a product, pinned first, then newest."""
    query = _filtered(select(Review).where(Review.product_id == product_id, _visible()), kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(_pinned_first(query).offset((page - 1) * per_page)
                                 .limit(per_page)))
    return ReviewPage(items, int(total), page, per_page)


def latest_for_products(session: Session, product_ids: list[int], per_product: int
                        ) -> dict[int, list[Review]]:
    """The first ``per_product`` shown reviews of each product (pinned first), one query."""
    if not product_ids:
        return {}
    rank = func.row_number().over(
        partition_by=Review.product_id,
        order_by=(case((Review.pinned_at.is_(None), 1), else_=0), Review.pinned_at.desc(),
                  Review.created_at.desc(), Review.id.desc())).label("rank")
    ranked = select(Review.id, rank).where(Review.product_id.in_(product_ids),
                                           _visible()).subquery()
    ids = select(ranked.c.id).where(ranked.c.rank <= per_product)
    out: dict[int, list[Review]] = {pid: [] for pid in product_ids}
    for review in session.scalars(_pinned_first(select(Review).where(Review.id.in_(ids)))):
        out[review.product_id].append(review)
    return out


def masked(nickname: str) -> str:
    """An anonymous reviewer's name: first and last character around ``***``."""
    name = nickname.strip()
    if not name:
        return "匿名用户"
    return f"{name[0]}***{name[-1]}" if len(name) > 1 else f"{name}***"


# --- merchant moderation --------------------------------------------------------------------------


def _conditional(session: Session, review_id: int, where: Any, **values: Any) -> bool:
    result = session.execute(update(Review).where(Review.id == review_id, where).values(
        updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def set_hidden(session: Session, review_id: Any, hidden: bool) -> Review:
    """Hide a review from shoppers (and the rating), or show it again; repeating is a no-op."""
    review = get_review(session, review_id)
    if _conditional(session, review.id, Review.hidden.is_(not hidden), hidden=hidden):
        if review.status == ReviewStatus.PUBLISHED:
            _count(session, review, -1 if hidden else 1)
        _changed(session)
    return get_review(session, review.id)


def approve(session: Session, review_id: Any) -> Review:
    """Publish a review waiting for approval."""
    review = get_review(session, review_id)
    if _conditional(session, review.id, Review.status == ReviewStatus.PENDING.value,
                    status=ReviewStatus.PUBLISHED.value):
        if not review.hidden:
            _count(session, review, 1)
        _changed(session)
    return get_review(session, review.id)


def set_pinned(session: Session, review_id: Any, pinned: bool) -> Review:
    review = get_review(session, review_id)
    review.pinned_at = utcnow() if pinned else None
    session.flush()
    _changed(session)
    return review


def reply(session: Session, review_id: Any, data: dict[str, Any]) -> Review:
    """The merchant's reply (replacing an earlier one; an empty reply removes it)."""
    review = get_review(session, review_id)
    errors = FieldErrors()
    text = _text(errors, data, "reply", required=False)
    errors.raise_if_any()
    review.reply = text
    review.replied_at = utcnow() if text else None
    session.flush()
    _changed(session)
    return review


@dataclass(frozen=True)
class ConsoleFilter:
    product_id: int | None = None
    stars: int | None = None
    has_images: bool | None = None
    hidden: bool | None = None
    pending: bool | None = None


def console_reviews(session: Session, flt: ConsoleFilter, page: int = 1, per_page: int = 20
                    ) -> ReviewPage:
    query = select(Review)
    if flt.product_id is not None:
        query = query.where(Review.product_id == flt.product_id)
    if flt.stars is not None:
        query = query.where(Review.stars == flt.stars)
    if flt.has_images is not None:
        query = query.where(Review.has_images.is_(flt.has_images))
    if flt.hidden is not None:
        query = query.where(Review.hidden.is_(flt.hidden))
    if flt.pending is not None:
        query = query.where((Review.status == ReviewStatus.PENDING.value) == flt.pending)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(_pinned_first(query).offset((page - 1) * per_page)
                                 .limit(per_page)))
    return ReviewPage(items, int(total), page, per_page)


# --- automatic good reviews ----------------------------------------------------------------


def write_automatic_reviews(session: Session, now: datetime | None = None, *,
                            order_id: int | None = None, batch: int = AUTO_REVIEW_BATCH) -> int:
    """Write the automatic good review of up to ``batch`` slots due at ``now`` (of one order,
    or of the shop), set-based whatever the batch: the due slots chosen (on PostgreSQL locked,
    skipping those another sweep holds), their reviews inserted (a line reviewed meanwhile is
    skipped by its unique key), what was written added to the products' counters, the slots
    claimed. Nothing travels through Python but counts. Returns how many were written."""
    now = now or utcnow()
    shop_id = _shop_id(session)
    due = [ReviewSlot.shop_id == shop_id, ReviewSlot.review_id.is_(None),
           ReviewSlot.auto_due_at <= now]
    if order_id is not None:
        due.append(ReviewSlot.order_id == order_id)
    values = _automatic_review_values(review_settings(session), now)
    if session.get_bind().dialect.name == "postgresql":
        written, chosen = _write_batch_postgresql(session, due, values, now, batch)
    else:
        written, chosen = _write_batch_sqlite(session, due, values, now, batch)
    if written < chosen:  # lines reviewed meanwhile: their slots take that review
        review_of_line = select(Review.id).where(
            Review.shop_id == shop_id, Review.line_id == ReviewSlot.line_id).scalar_subquery()
        session.execute(update(ReviewSlot).where(
            *due, select(Review.id).where(Review.shop_id == shop_id,
                                          Review.line_id == ReviewSlot.line_id).exists())
            .values(review_id=review_of_line, updated_at=now)
            .execution_options(synchronize_session=False))
    if written:
        _changed(session)
    return written


_REVIEW_COLUMNS = ("shop_id", "order_id", "line_id", "product_id", "member_id", "spec_text",
                   "stars", "content", "images", "has_images", "anonymous", "nickname",
                   "avatar_url", "automatic", "status", "hidden", "reply", "followup_content",
                   "followup_images", "created_at", "updated_at")


def _automatic_review_values(settings: ReviewSettings, now: datetime) -> tuple[Any, ...]:
    """What every automatic review says, after the slot's own six columns."""
    stamp = Review.__table__.c.created_at.type
    return (literal(5), literal(settings.auto_review_text), literal([], JSON),
            literal(False), literal(True), literal(""), literal(""), literal(True),
            literal(ReviewStatus.PUBLISHED.value), literal(False), literal(""),
            literal(""), literal([], JSON), literal(now, stamp), literal(now, stamp))


def _slot_columns(slots: Any) -> tuple[Any, ...]:
    return (slots.c.shop_id, slots.c.order_id, slots.c.line_id, slots.c.product_id,
            slots.c.member_id, slots.c.spec_text)


def _write_batch_postgresql(session: Session, due: list[Any], values: tuple[Any, ...],
                            now: datetime, batch: int) -> tuple[int, int]:
    """One statement: the batch locked (``FOR UPDATE SKIP LOCKED``, materialised), its reviews
    inserted, each slot pointed at the review its insert returned (joined by the slots' unique
    (shop, line) key), and the products' counters raised by what was written. Returns
    (written, chosen)."""
    slots = ReviewSlot.__table__
    picked = (select(slots.c.id, *_slot_columns(slots)).where(*due).order_by(slots.c.id)
              .limit(batch).with_for_update(skip_locked=True)
              .cte("picked").prefix_with("MATERIALIZED"))
    written = (pg_insert(Review.__table__)
               .from_select(_REVIEW_COLUMNS, select(*_slot_columns(picked), *values))
               .on_conflict_do_nothing(index_elements=["shop_id", "line_id"])
               .returning(Review.shop_id, Review.line_id, Review.product_id, Review.id)
               .cte("written"))
    claimed = (update(slots)
               .where(slots.c.shop_id == written.c.shop_id,
                      slots.c.line_id == written.c.line_id)
               .values(review_id=written.c.id, updated_at=now)
               .returning(slots.c.id).cte("claimed"))
    n = func.count()
    counted = _count_good_reviews(pg_insert, select(
        written.c.shop_id, written.c.product_id, n, n * 5, n, literal(0), literal(0),
        *_stats_stamps(now)).group_by(written.c.shop_id, written.c.product_id)
    ).returning(ReviewProductStats.product_id).cte("counted")
    count_of = lambda cte: select(func.count()).select_from(cte).scalar_subquery()  # noqa: E731
    chosen, claimed_count, _ = session.execute(
        select(count_of(picked), count_of(claimed), count_of(counted))).one()
    return int(claimed_count), int(chosen)


def _write_batch_sqlite(session: Session, due: list[Any], values: tuple[Any, ...],
                        now: datetime, batch: int) -> tuple[int, int]:
    """SQLite (writers serialised): the batch is the id range of the first ``batch`` due slots;
    its reviews inserted, the counters raised by what was written, the written slots claimed.
    Returns (written, chosen)."""
    batch_ids = select(ReviewSlot.id).where(*due).order_by(ReviewSlot.id).limit(batch).subquery()
    first, last, count = session.connection().execute(
        select(func.min(batch_ids.c.id), func.max(batch_ids.c.id), func.count())).one()
    if not count:
        return 0, 0
    chosen = (*due, ReviewSlot.id.between(first, last))
    slots = ReviewSlot.__table__
    written = session.execute(
        sqlite_insert(Review.__table__)
        .from_select(_REVIEW_COLUMNS, select(*_slot_columns(slots), *values).where(*chosen))
        .on_conflict_do_nothing(index_elements=["shop_id", "line_id"])
        .execution_options(preserve_rowcount=True)).rowcount
    if not written:
        return 0, int(count)
    r = Review.__table__.alias("written")
    mine = and_(r.c.shop_id == ReviewSlot.shop_id, r.c.line_id == ReviewSlot.line_id,
                r.c.automatic.is_(True), r.c.created_at == now)
    n = func.count()
    session.execute(_count_good_reviews(sqlite_insert, select(
        ReviewSlot.shop_id, r.c.product_id, n, n * 5, n, literal(0), literal(0),
        *_stats_stamps(now)).join(r, mine).where(*chosen)
        .group_by(ReviewSlot.shop_id, r.c.product_id)))
    session.execute(update(ReviewSlot).where(*chosen, select(r.c.id).where(mine).exists())
                    .values(review_id=select(r.c.id).where(mine).scalar_subquery(),
                            updated_at=now)
                    .execution_options(synchronize_session=False))
    return int(written), int(count)


def _stats_stamps(now: datetime) -> tuple[Any, Any]:
    stats = ReviewProductStats.__table__
    return literal(now, stats.c.created_at.type), literal(now, stats.c.updated_at.type)


def _count_good_reviews(make: Any, rows: Any) -> Any:
    """The INSERT ... ON CONFLICT DO UPDATE adding ``rows`` (shop, product, count, stars, good,
    bad, images, stamps) to the products' review counters."""
    stats = ReviewProductStats.__table__
    insert = make(stats).from_select(
        ("shop_id", "product_id", "review_count", "stars_sum", "good_count", "bad_count",
         "image_count", "created_at", "updated_at"), rows)
    return insert.on_conflict_do_update(
        index_elements=["shop_id", "product_id"],
        set_={"review_count": stats.c.review_count + insert.excluded.review_count,
              "stars_sum": stats.c.stars_sum + insert.excluded.stars_sum,
              "good_count": stats.c.good_count + insert.excluded.good_count,
              "updated_at": insert.excluded.updated_at})


def shops_with_due_reviews(session: Session, now: datetime | None = None) -> list[int]:
    """Shops having automatic reviews due (platform-wide read: pass a platform session)."""
    return sorted(set(session.scalars(select(ReviewSlot.shop_id).where(
        ReviewSlot.review_id.is_(None), ReviewSlot.auto_due_at <= (now or utcnow()))
        .distinct())))


def media_references(session: Session, asset_ids: list[int]) -> dict[int, list[Any]]:
    """Photos members uploaded for reviews are theirs: the library keeps them in use."""
    from runtime.media.service import Reference

    found: dict[int, list[Any]] = {}
    for upload in session.scalars(select(ReviewUpload).where(
            ReviewUpload.media_id.in_(asset_ids))):
        found.setdefault(upload.media_id, []).append(
            Reference("review_photo", upload.id, "买家评价图片"))
    return found


def upload_photo(session: Session, member_id: int, data: bytes, filename: str) -> Any:
    """A member's photo for a review: the media library's checks (decoded as an image,
    re-encoded without metadata, size caps); anything but a photo is 422 at ``/file``."""
    from runtime.media.errors import MediaErrorCode, MediaRejected
    from runtime.media.service import upload

    try:
        result = upload(session, data, filename, folder="评价图片")
    except MediaRejected as error:
        if error.code != MediaErrorCode.UNSUPPORTED_MEDIA:
            raise
        raise MediaRejected(MediaErrorCode.UNSUPPORTED_MEDIA, error.detail,
                            status=422) from None
    if result.asset.kind != "image":
        raise MediaRejected(MediaErrorCode.UNSUPPORTED_MEDIA,
                            "a review photo is a JPEG, PNG, WebP or GIF image", status=422)
    record_upload(session, member_id, result.asset.id)
    return result.asset


def review_progress(session: Session, order_id: int) -> dict[str, int]:
    """How many of a completed order's lines still wait for a review, and how many have one
    (lines of an order completed while the module was off count as waiting)."""
    from runtime.modules.orders.service import order_lines

    lines = order_lines(session, [order_id])[order_id]
    reviewed = session.scalar(select(func.count(Review.id)).where(
        Review.order_id == order_id)) or 0
    return {"to_review": max(len(lines) - int(reviewed), 0), "reviewed": int(reviewed)}


def stop_auto_review(session: Session, line_id: int) -> bool:
    """The line gets no automatic review (it stays open for the member's own); True when a
    pending one was called off."""
    result = session.execute(update(ReviewSlot).where(
        ReviewSlot.line_id == line_id, ReviewSlot.review_id.is_(None),
        ReviewSlot.auto_due_at.is_not(None)).values(auto_due_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)
