"""LoggingService: loguru underneath, context as structured extra, sinks left alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from loguru import logger as loguru_logger

from lvrgd.common.services.logging import LoggingService

if TYPE_CHECKING:
    from collections.abc import Iterator

    from loguru import Message, Record

LEVELS = ["trace", "debug", "info", "warning", "error"]


class _Sink:
    """A loguru sink the test adds: every record, and every formatted line."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.lines: list[str] = []

    def write(self, message: Message) -> None:
        self.records.append(message.record)
        self.lines.append(str(message))


@pytest.fixture
def sink() -> Iterator[_Sink]:
    collected = _Sink()
    handler_id = loguru_logger.add(collected.write, level="TRACE", format="{message}")
    yield collected
    loguru_logger.remove(handler_id)


def _handler_count() -> int:
    core: Any = loguru_logger._core  # type: ignore[attr-defined]
    return len(core.handlers)


@pytest.mark.parametrize("level", LEVELS)
def test_logging_service_each_level_reaches_the_sink_with_context(sink: _Sink, level: str) -> None:
    service = LoggingService()
    getattr(service, level)("stored", op="create", pk="customer#1", ms=1.5)
    (record,) = sink.records
    assert record["level"].name == level.upper()
    assert record["message"] == "stored"
    assert record["extra"]["op"] == "create"
    assert record["extra"]["pk"] == "customer#1"
    assert record["extra"]["ms"] == 1.5


def test_logging_service_tags_lines_with_its_name(sink: _Sink) -> None:
    LoggingService("orders").info("hello")
    LoggingService().info("hello")
    assert [record["extra"]["service"] for record in sink.records] == ["orders", "lvrgd"]


def test_logging_service_context_does_not_leak_into_later_calls(sink: _Sink) -> None:
    service = LoggingService()
    service.info("first", pk="p")
    service.info("second")
    assert "pk" not in sink.records[1]["extra"]


def test_logging_service_records_the_callers_location(sink: _Sink) -> None:
    LoggingService().warning("here")
    (record,) = sink.records
    assert record["function"] == "test_logging_service_records_the_callers_location"
    assert record["name"] == __name__


def test_logging_service_construction_adds_and_removes_no_sinks() -> None:
    before = _handler_count()
    LoggingService()
    LoggingService("other")
    assert _handler_count() == before


def test_logging_service_two_instances_one_line_per_call(sink: _Sink) -> None:
    first, second = LoggingService("a"), LoggingService("b")
    first.info("one")
    second.info("two")
    first.debug("three")
    assert sink.lines == ["one\n", "two\n", "three\n"]


def test_logging_service_sink_added_before_construction_keeps_receiving() -> None:
    early = _Sink()
    handler_id = loguru_logger.add(early.write, level="TRACE", format="{message}")
    try:
        LoggingService().info("after construction")
    finally:
        loguru_logger.remove(handler_id)
    assert early.lines == ["after construction\n"]


def test_logging_service_exception_records_the_traceback(sink: _Sink) -> None:
    service = LoggingService()
    try:
        raise ValueError("boom")  # noqa: TRY301 - the exception being logged
    except ValueError:
        service.exception("failed", op="create")
    (record,) = sink.records
    assert record["level"].name == "ERROR"
    assert record["extra"]["op"] == "create"
    exception = record["exception"]
    assert exception is not None
    assert exception.type is ValueError
    assert exception.traceback is not None
    assert "Traceback" in sink.lines[0]
    assert "ValueError: boom" in sink.lines[0]


def test_logging_service_error_records_no_traceback(sink: _Sink) -> None:
    service = LoggingService()
    try:
        raise ValueError("boom")  # noqa: TRY301 - an exception being handled
    except ValueError:
        service.error("failed")
    assert sink.records[0]["exception"] is None
    assert "Traceback" not in sink.lines[0]


def test_logging_service_message_with_braces_is_kept_as_written(sink: _Sink) -> None:
    LoggingService().info("refused {pk} and {}", pk="customer#1")
    (record,) = sink.records
    assert record["message"] == "refused {pk} and {}"
    assert record["extra"]["pk"] == "customer#1"


def test_logging_service_debug_is_dropped_only_while_no_sink_takes_it() -> None:
    records: list[Record] = []
    handler_id = loguru_logger.add(lambda message: records.append(message.record), level="INFO")
    service = LoggingService()
    try:
        service.debug("below every sink")
        service.info("taken")
        debug_id = loguru_logger.add(lambda message: records.append(message.record), level="DEBUG")
        service.debug("now taken", op="get_one")
        loguru_logger.remove(debug_id)
        service.debug("dropped again")
    finally:
        loguru_logger.remove(handler_id)
    assert [record["message"] for record in records] == ["taken", "now taken"]
    assert records[1]["extra"]["op"] == "get_one"
