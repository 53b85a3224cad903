"""Cursor pages: Page[T], and cursors that name the query they belong to.

A cursor is URL-safe base64 of a small JSON document: where the last item returned
stands (its sort key; in an index, its index sort key and table key, as DynamoDB's
LastEvaluatedKey holds them) and a fingerprint of the query (index, partition,
condition, direction). A cursor that does
not decode, or that belongs to another partition or query, is InvalidQueryError.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import astuple, dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel

from ._conditions import KeyQuery, SortKeyCondition, key_query
from ._errors import InvalidQueryError
from ._item import KeyValueItem
from ._limits import key_problem, sort_key_problem

if TYPE_CHECKING:
    from ._indexes import IndexQuery, Position

T = TypeVar("T", bound=KeyValueItem)

DEFAULT_PAGE_SIZE = 100
MAX_CURSOR_CHARS = 65_536
"""Far above any cursor this store issues (an index's keys and the table's, escaped, in base64)."""
_CURSOR_VERSION = 1


class Page(BaseModel, Generic[T]):
    """One page of a query.

    Attributes:
        items: At most `page_size` items, in the query's order; empty only when the
            whole result is.
        cursor: Pass it back to get the next page; None on the last page. Opaque and
            URL-safe.
    """

    items: list[T]
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A validated page request: the query, the page size, and where to resume."""

    query: KeyQuery
    page_size: int
    after: Position | None
    """Where the previous page's last item stands; the page starts past it."""


def page_query(  # noqa: PLR0913 - mirrors the port's keywords one to one
    operation: str,
    pk: str,
    *,
    equals: str | None = None,
    begins_with: str | None = None,
    between: tuple[str, str] | None = None,
    lt: str | None = None,
    lte: str | None = None,
    gt: str | None = None,
    gte: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    descending: bool = False,
    index: IndexQuery | None = None,
    consistent: bool | None = None,
) -> PageQuery:
    """Validate the port's page arguments.

    Raises:
        InvalidQueryError: For what `key_query` refuses, a `page_size` that is not an
            integer of at least 1, or a cursor that is garbled or belongs to another
            partition or query.
    """
    query = key_query(
        operation, pk, equals=equals, begins_with=begins_with, between=between,
        lt=lt, lte=lte, gt=gt, gte=gte, descending=descending,
    )  # fmt: skip
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        reason = f"page_size must be an integer >= 1, got {page_size!r}"
        raise InvalidQueryError(operation, pk, reason)
    if index is not None or consistent is not None:
        query = replace(query, index=index, consistent=consistent)
    after = None if cursor is None else _resume_point(operation, query, cursor)
    return PageQuery(query=query, page_size=page_size, after=after)


def next_cursor(query: KeyQuery, last: Position) -> str:
    """The cursor that resumes `query` after the item standing at `last`."""
    document: dict[str, object] = {"v": _CURSOR_VERSION, "q": _fingerprint(query)}
    if isinstance(last, str):
        document["sk"] = last
    else:
        document["at"] = list(last)
    return _cursor_text(document)


def _resume_point(operation: str, query: KeyQuery, cursor: object) -> Position:
    garbled = InvalidQueryError(operation, query.pk, "the cursor is not one this store issued")
    if not isinstance(cursor, str) or not cursor.isascii() or len(cursor) > MAX_CURSOR_CHARS:
        raise garbled
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise garbled from None
    if not isinstance(document, dict) or document.get("v") != _CURSOR_VERSION:
        raise garbled
    # A cursor is checked whole: a changed character is refused, not resumed elsewhere.
    claimed = document.pop("c", None)
    if claimed != _checksum(document) or _cursor_text(document) != cursor:
        raise garbled
    if document.get("q") != _fingerprint(query):
        reason = (
            "the cursor belongs to another index, partition or query: pass a cursor only "
            "to the query that issued it, or start this one again without a cursor"
        )
        raise InvalidQueryError(operation, query.pk, reason)
    if query.index is None:
        last_sk = document.get("sk")
        if not isinstance(last_sk, str) or sort_key_problem(last_sk) is not None:
            raise garbled
        return last_sk
    at = document.get("at")
    if not isinstance(at, list) or len(at) != 3 or not all(isinstance(part, str) for part in at):  # noqa: PLR2004
        raise garbled
    index_sk, pk, sk = at
    if key_problem(pk, sk) is not None:
        raise garbled
    return (index_sk, pk, sk)


def _cursor_text(document: dict[str, object]) -> str:
    """The text of a cursor document (with its checksum added)."""
    whole = {**document, "c": _checksum(document)}
    text = json.dumps(whole, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def _checksum(document: dict[str, object]) -> str:
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=True, sort_keys=True)
    return hashlib.blake2b(text.encode("ascii"), digest_size=8).hexdigest()


def _fingerprint(query: KeyQuery) -> str:
    shape: list[object] = [query.pk, _condition_shape(query.condition), query.descending]
    if query.index is not None:
        shape.append(query.index.spec.name)
    digest = hashlib.blake2b(json.dumps(shape).encode("utf-8"), digest_size=8)
    return digest.hexdigest()


def _condition_shape(condition: SortKeyCondition | None) -> list[str] | None:
    if condition is None:
        return None
    return [type(condition).__name__, *astuple(condition)]
