"""LoggingService: structured logging on loguru, injected into every store."""

from __future__ import annotations

from typing import Any

from loguru import logger as _loguru

_TRACE, _DEBUG = 5, 10
"""loguru's numbers of the two levels every store operation may log at."""


class LoggingService:
    """A thin, injectable wrapper over loguru's global logger.

    Building one adds no sink and removes none: output goes wherever the application
    configured loguru (by default, stderr), so two instances never duplicate a line.
    Context travels as keyword arguments, bound as structured ``extra`` fields.

    Args:
        name: Recorded on every line as ``extra["service"]``.
    """

    def __init__(self, name: str = "lvrgd") -> None:
        """Bind a logger that tags its lines with `name`."""
        self._logger = _loguru.bind(service=name)
        # Built once: a call passes its context as keyword arguments, which loguru
        # captures into ``extra`` only once a sink takes the level. Binding per call
        # cost two logger objects even when nothing is written (every store operation
        # logs at debug). The message goes in as an argument of "{}", so that braces
        # in it are never read as a format string.
        self._at_caller = self._logger.opt(depth=1)
        # loguru drops a record below the lowest level any sink takes; reading that level
        # (a private attribute, read defensively: absent, every line goes to loguru) lets
        # a debug line nobody takes cost one comparison.
        self._core: Any = getattr(_loguru, "_core", None)

    def _drops(self, level: int) -> bool:
        """Whether loguru would drop a record at `level` (no sink takes it)."""
        return getattr(self._core, "min_level", 0) > level

    def trace(self, message: str, **context: Any) -> None:
        """Log at TRACE."""
        if self._drops(_TRACE):
            return
        self._at_caller.trace("{}", message, **context)

    def debug(self, message: str, **context: Any) -> None:
        """Log at DEBUG."""
        if self._drops(_DEBUG):
            return
        self._at_caller.debug("{}", message, **context)

    def info(self, message: str, **context: Any) -> None:
        """Log at INFO."""
        self._at_caller.info("{}", message, **context)

    def warning(self, message: str, **context: Any) -> None:
        """Log at WARNING."""
        self._at_caller.warning("{}", message, **context)

    def error(self, message: str, **context: Any) -> None:
        """Log at ERROR."""
        self._at_caller.error("{}", message, **context)

    def exception(self, message: str, **context: Any) -> None:
        """Log at ERROR with the exception being handled and its traceback."""
        self._logger.opt(depth=1, exception=True).bind(**context).error(message)
