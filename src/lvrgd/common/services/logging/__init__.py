"""LoggingService: the structured logger every store takes."""

from ._service import LoggingService

__all__ = ["LoggingService"]
