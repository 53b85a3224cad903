"""Secrets and privacy: what a run of operations, and of failures, lets out.

A sample of every operation, succeeding and failing (taken and missing keys, version
conflicts, invalid items, items that do not validate, canceled transactions, a
throttled engine, a dead endpoint, a closed store, a refused config), runs with loguru
capturing at TRACE and the standard library's logging at DEBUG, under a config holding
a known secret key. Then:

- the secret appears in no log line (ours or botocore's), repr, str, exception message
  or formatted traceback, locals included;
- an item payload (a unique marker in a field) appears in none of our log lines, nor in
  any exception message;
- keys are identifiers, not payloads: a failure's log line names its key at whatever
  level the failure is logged (DEBUG, INFO or ERROR), so that an operator can find it.
"""

from __future__ import annotations

import json
import logging
import math
import traceback
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from loguru import logger as loguru_logger
from pydantic import SecretStr, ValidationError

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    InMemoryKeyValueStore,
    KeyValueItem,
    KeyValueStore,
    KeyValueStoreError,
    LoggingService,
    VersionedItem,
)

from ._figures import FIGURES
from ._proxy import Fault, closed_port_url
from .conftest import KEY_ID, REGION

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from loguru import Message

    from ._proxy import FaultProxy

SECRET_KEY = SecretStr(f"SECRET-{uuid.uuid4().hex}")
"""Held as a SecretStr: a plain str in a test's frame would show in its own tracebacks."""
PAYLOAD = f"PAYLOAD-{uuid.uuid4().hex}"
PK = f"KEYPK-{uuid.uuid4().hex[:12]}"
SK = f"KEYSK-{uuid.uuid4().hex[:12]}"
INFO = 20


class Profile(VersionedItem, entity="tests.reliability.test_secrets.Profile"):
    """Personal data: `note` holds the payload marker."""

    note: str
    score: float = 0.0


class Strict(KeyValueItem):
    """Reads a Profile's `note` as a number: the stored item does not validate."""

    note: int


@dataclass
class Capture:
    """Every loguru record (serialized) and standard-library record of the run."""

    caplog: pytest.LogCaptureFixture
    loguru: list[tuple[int, str, str]] = field(default_factory=list)
    """(level number, the logging module's name, the serialized record) of each line."""
    errors: list[BaseException] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """reprs, strs and formatted tracebacks produced on purpose."""

    @property
    def stdlib(self) -> list[tuple[int, str, str]]:
        """(level number, logger name, message) of each standard-library record so far."""
        return [(r.levelno, r.name, r.getMessage()) for r in self.caplog.records]

    def sink(self, message: Message) -> None:
        record = message.record
        self.loguru.append((record["level"].no, record["name"] or "", str(message)))


@pytest.fixture
def capture(caplog: pytest.LogCaptureFixture) -> Iterator[Capture]:
    """Loguru at TRACE (serialized: message, extra, exception), stdlib logging at DEBUG."""
    captured = Capture(caplog)
    handler = loguru_logger.add(
        captured.sink, level="TRACE", serialize=True, backtrace=True, diagnose=True
    )
    caplog.set_level(logging.DEBUG)
    yield captured
    loguru_logger.remove(handler)


def _attempt(capture: Capture, call: Callable[[], object]) -> None:
    """Run `call`; keep its error, and log it as an application would (with a traceback)."""
    try:
        call()
    except (KeyValueStoreError, ValidationError) as exc:
        capture.errors.append(exc)
        loguru_logger.opt(exception=exc).error("the application logs the failure")


def _operations(store: KeyValueStore, capture: Capture) -> None:
    """A sample of every operation, succeeding and failing, on `store`."""
    profile = Profile(pk=PK, sk=SK, note=PAYLOAD)
    store.create(profile)
    _attempt(capture, lambda: store.create(Profile(pk=PK, sk=SK, note=PAYLOAD)))
    assert store.get_one(PK, SK, Profile) == profile
    stale = profile.model_copy()
    profile.note = f"{PAYLOAD}-2"
    store.update(profile)
    _attempt(capture, lambda: store.update(stale))
    _attempt(capture, lambda: store.get_one(PK, SK, Strict))
    _attempt(capture, lambda: store.create(Profile(pk=PK, sk="nan", note=PAYLOAD, score=math.nan)))
    _attempt(capture, lambda: store.create(Profile(pk=PK, sk="big", note=PAYLOAD * 20_000)))
    store.query_by_pk(PK, Profile)
    page = store.query_page(PK, Profile, page_size=1)
    _attempt(capture, lambda: store.query_page(PK, Profile, cursor=f"{page.cursor}x"))
    _attempt(capture, lambda: store.query_by_pk(PK, Profile, lt="a", gt="b"))
    store.get_many([(PK, SK), (PK, "absent")], Profile)
    store.put_many([KeyValueItem(pk=PK, sk="plain")])

    def canceled() -> None:
        with store.transaction() as tx:
            tx.create(Profile(pk=PK, sk=SK, note=PAYLOAD))
            tx.delete(PK, "absent")

    _attempt(capture, canceled)
    store.delete(PK, SK)
    _attempt(capture, lambda: store.delete(PK, SK))
    _attempt(capture, lambda: store.update(Profile(pk=PK, sk=SK, note=PAYLOAD)))
    assert store.ping() is True
    store.close()
    _attempt(capture, lambda: store.get_one(PK, SK, Profile))
    assert store.ping() is False


def _config(endpoint_url: str, table_name: str, **fields: Any) -> DynamoDBConfig:
    return DynamoDBConfig(
        table_name=table_name,
        region=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET_KEY,
        **fields,
    )


def _engine_operations(
    proxy: FaultProxy, table: DynamoDBConfig, capture: Capture
) -> list[DynamoDBConfig]:
    config = _config(proxy.endpoint_url, table.table_name, read_timeout=1.0, max_attempts=2)
    service = DynamoDBService(LoggingService("secrets"), config)
    capture.texts += [
        repr(config),
        str(config),
        repr(service),
        str(service),
        repr(config.model_dump()),
    ]
    capture.texts.append(config.model_dump_json())
    proxy.inject(Fault.THROTTLE, operation="GetItem", times=2)
    _attempt(capture, lambda: service.get_one(PK, SK, Profile))
    _operations(service, capture)

    dead = _config(closed_port_url(), table.table_name, connect_timeout=0.2, max_attempts=1)
    with DynamoDBService(LoggingService("secrets"), dead) as unreachable:
        assert unreachable.ping() is False
        _attempt(capture, lambda: unreachable.create(Profile(pk=PK, sk=SK, note=PAYLOAD)))
    _attempt(capture, lambda: _config("not a url", table.table_name))
    _attempt(capture, lambda: DynamoDBConfig(table_name="t", aws_secret_access_key=SECRET_KEY))
    _attempt(
        capture,
        lambda: DynamoDBConfig.model_validate(
            {"table_name": "x", "aws_secret_access_key": SECRET_KEY.get_secret_value()}
        ),
    )
    return [config, dead]


def _formatted(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, ValidationError):
        # The frames of a validation hold the caller's own input: only what pydantic
        # says about it is checked (DynamoDBConfig hides input in its errors).
        return [*texts, json.dumps(error.errors(), default=str)]
    with_locals = traceback.TracebackException.from_exception(error, capture_locals=True)
    return [*texts, "".join(with_locals.format())]


def _check(capture: Capture, *, secret: bool) -> None:
    ours = [(level, line) for level, name, line in capture.loguru if name.startswith("lvrgd.")]
    assert ours, "no log line of ours was captured: the check would prove nothing"
    everything = [line for _, _, line in capture.loguru]  # the application's tracebacks too
    everything += [f"{name}: {message}" for _, name, message in capture.stdlib]
    everything += capture.texts
    for error in capture.errors:
        everything += _formatted(error)
    if secret:
        plain = SECRET_KEY.get_secret_value()
        leaks = [
            text[max(0, text.index(plain) - 300) :][:400] for text in everything if plain in text
        ]
        assert leaks == [], "the secret key leaked"
    payload_in_our_lines = [line[:300] for _, line in ours if PAYLOAD in line]
    assert payload_in_our_lines == [], "an item payload reached a log line"
    payload_in_messages = [str(error)[:300] for error in capture.errors if PAYLOAD in str(error)]
    assert payload_in_messages == [], "an item payload reached an exception message"
    assert any(PK in line for level, line in ours if level < INFO), "keys are logged at DEBUG"
    assert any(PK in line for level, line in ours if level >= INFO), "failures name their key"

    FIGURES.add("secrets.log_lines_checked", len(capture.loguru) + len(capture.stdlib))
    FIGURES.add("secrets.errors_checked", len(capture.errors))
    FIGURES.add("secrets.leaks", 0)
    botocore_payload = sum(
        PAYLOAD in message for _, name, message in capture.stdlib if name.startswith("botocore")
    )
    FIGURES.add("secrets.botocore_debug_lines_with_payload", botocore_payload)


def test_memory_store_logs_no_payload_and_names_keys(capture: Capture) -> None:
    _operations(InMemoryKeyValueStore(LoggingService("secrets")), capture)
    assert len(capture.errors) >= 10
    _check(capture, secret=False)


def test_dynamodb_service_leaks_no_secret_or_payload(
    capture: Capture, proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    configs = _engine_operations(proxy, new_table(), capture)
    assert len(capture.errors) >= 15
    assert all(
        SECRET_KEY.get_secret_value() not in json.dumps(c.model_dump(mode="json")) for c in configs
    )
    _check(capture, secret=True)
