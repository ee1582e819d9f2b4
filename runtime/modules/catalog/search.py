"""Keyword search over title, subtitle, tags and code, on SQLite (FTS5) and PostgreSQL.

Chinese has no spaces, so text is cut into runs: a run of CJK characters is indexed as its
single characters and its character bigrams, a run of letters/digits as one lower-cased word.
A query must match all of its bigrams (or its single character) and every word as a prefix,
so "连衣" finds "法式碎花连衣裙" and "iph" finds "iPhone 15". SQLite matches the tokens with
FTS5; PostgreSQL with its term index (one B-tree row per shop, term and product, see catalog
migration 0017), which row-level security does not keep the planner from using.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    column,
    delete,
    intersect,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.modules.catalog.models import Product, SearchDocument

_RUN = re.compile(
    r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+)|([0-9a-z]+)")
MAX_QUERY_TERMS = 16


def _normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").lower()


def document_tokens(*texts: str) -> list[str]:
    """The distinct index tokens of some texts, in first-seen order."""
    seen: dict[str, None] = {}
    for value in texts:
        for cjk, word in _RUN.findall(_normalise(value)):
            if word:
                seen.setdefault(word, None)
                continue
            for i, char in enumerate(cjk):
                seen.setdefault(char, None)
                if i + 1 < len(cjk):
                    seen.setdefault(cjk[i:i + 2], None)
    return list(seen)


def query_terms(keyword: str) -> list[tuple[str, bool]]:
    """``(term, is_prefix)`` pairs that a document must all match; empty means no filter."""
    terms: dict[tuple[str, bool], None] = {}
    for cjk, word in _RUN.findall(_normalise(keyword)):
        if word:
            terms.setdefault((word, True), None)
        elif len(cjk) == 1:
            terms.setdefault((cjk, False), None)
        else:
            for i in range(len(cjk) - 1):
                terms.setdefault((cjk[i:i + 2], False), None)
    return list(terms)[:MAX_QUERY_TERMS]


def index_product(session: Session, product: Product, tag_names: Iterable[str]) -> None:
    """Write (or remove, for a deleted product) the product's search document."""
    if product.deleted_at is not None:
        session.execute(delete(SearchDocument).where(SearchDocument.product_id == product.id))
        return
    tokens = " ".join(document_tokens(product.title, product.subtitle, *tag_names,
                                      product.code or ""))
    doc = session.scalar(select(SearchDocument).where(SearchDocument.product_id == product.id))
    if doc is None:
        session.add(SearchDocument(product_id=product.id, tokens=tokens))
    elif doc.tokens != tokens:
        doc.tokens = tokens
    session.flush()


def _fts5_query(terms: list[tuple[str, bool]]) -> str:
    return " AND ".join(f'"{term}"' + ("*" if prefix else "") for term, prefix in terms)


# PostgreSQL's term index (catalog migration 0017): one row per (shop, term, product), kept
# by a trigger on catalog_search; matched with LEAKPROOF operators only, so row-level security
# leaves its B-tree usable.
_TERMS = table("catalog_search_terms", column("shop_id"), column("term"), column("product_id"))


def _term_rows(shop_id: int | None, term: str, prefix: bool) -> Any:
    """The products having ``term`` (or, for a prefix, any term starting with it)."""
    match = (and_(_TERMS.c.term >= term, _TERMS.c.term < term[:-1] + chr(ord(term[-1]) + 1))
             if prefix else _TERMS.c.term == term)
    query = select(_TERMS.c.product_id).where(match)
    return query if shop_id is None else query.where(_TERMS.c.shop_id == shop_id)


def matching_product_ids(session: Session, keyword: str) -> ColumnElement[bool] | None:
    """A condition ``Product.id IN (...matching documents...)``, or None for a blank keyword.

    Every term is made of ``[0-9a-z]`` or CJK characters only, so the FTS5 query built here
    cannot carry operators from the keyword (PostgreSQL's terms are bound parameters).
    """
    terms = query_terms(keyword)
    if not terms:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        shop_id = current_shop_id(session)
        parts = [_term_rows(shop_id, term, prefix) for term, prefix in terms]
        return Product.id.in_(intersect(*parts) if len(parts) > 1 else parts[0])
    fts = (select(literal_column("rowid")).select_from(text("catalog_search_fts"))
           .where(text("catalog_search_fts MATCH :catalog_fts")
                  .bindparams(catalog_fts=_fts5_query(terms))))
    return Product.id.in_(select(SearchDocument.product_id)
                          .where(SearchDocument.id.in_(fts)))
