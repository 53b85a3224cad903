"""LoggingService: structured logging on loguru, injected into every store."""

from __future__ import annotations

from typing import Any

from loguru import logger as _loguru


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

    def trace(self, message: str, **context: Any) -> None:
        """Log at TRACE."""
        self._logger.opt(depth=1).bind(**context).trace(message)

    def debug(self, message: str, **context: Any) -> None:
        """Log at DEBUG."""
        self._logger.opt(depth=1).bind(**context).debug(message)

    def info(self, message: str, **context: Any) -> None:
        """Log at INFO."""
        self._logger.opt(depth=1).bind(**context).info(message)

    def warning(self, message: str, **context: Any) -> None:
        """Log at WARNING."""
        self._logger.opt(depth=1).bind(**context).warning(message)

    def error(self, message: str, **context: Any) -> None:
        """Log at ERROR."""
        self._logger.opt(depth=1).bind(**context).error(message)

    def exception(self, message: str, **context: Any) -> None:
        """Log at ERROR with the exception being handled and its traceback."""
        self._logger.opt(depth=1, exception=True).bind(**context).error(message)
