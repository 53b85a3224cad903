"""The optional extra the async form needs, and the error that names it when it is missing."""

from __future__ import annotations

ASYNC_EXTRA = "lvrgd-common[async]"
"""The optional extra that brings anyio (and httpx, for the async DynamoDB adapter)."""


def missing_async_extra(
    exc: ImportError, needed_by: str = "the async DynamoDB adapter"
) -> ImportError:
    """The ImportError to raise when httpx or anyio is missing: it names the extra.

    Args:
        exc: The failed import.
        needed_by: What needs the missing package, as the message says it.
    """
    missing = exc.name or "httpx or anyio"
    return ImportError(
        f"{needed_by} needs {missing}, which the optional extra "
        f"{ASYNC_EXTRA} brings: pip install '{ASYNC_EXTRA}'",
        name=exc.name,
    )
