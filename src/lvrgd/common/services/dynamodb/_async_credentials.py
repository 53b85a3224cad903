"""The async driver's credentials: botocore's, frozen, and refreshed off the event loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.credentials import RefreshableCredentials

from ._async_transport import missing_async_extra

try:
    import anyio
except ImportError as exc:
    raise missing_async_extra(exc) from exc

if TYPE_CHECKING:
    from botocore.credentials import Credentials, ReadOnlyCredentials


class AsyncCredentials:
    """botocore's credentials, kept frozen until botocore says a refresh is due.

    Safe to share between the tasks of one event loop. A due refresh (or a first
    resolution) runs in one worker thread while concurrent callers wait for it; while
    the credentials are fresh, asking for them takes no thread.

    Args:
        credentials: botocore's credentials, or None when the chain found none.
        frozen: Their frozen form if already resolved (in a worker thread), else None.
    """

    def __init__(
        self, credentials: Credentials | None, frozen: ReadOnlyCredentials | None = None
    ) -> None:
        """Keep the credentials; nothing is resolved here."""
        self._credentials = credentials
        self._frozen = frozen
        self._refreshes = 0
        self._lock = anyio.Lock()

    async def frozen(self) -> ReadOnlyCredentials | None:
        """The frozen credentials to sign with (None without any), refreshed first if due."""
        credentials = self._credentials
        if credentials is None:
            return None
        if self._frozen is not None and not _refresh_due(credentials):
            return self._frozen
        seen = self._refreshes
        async with self._lock:
            # Callers that waited for another's refresh take its result.
            if self._refreshes == seen or self._frozen is None:
                self._frozen = await anyio.to_thread.run_sync(credentials.get_frozen_credentials)
                self._refreshes += 1
        return self._frozen


def _refresh_due(credentials: Credentials) -> bool:
    """Whether botocore would refresh now (its advisory window), read without refreshing."""
    return isinstance(credentials, RefreshableCredentials) and credentials.refresh_needed()
