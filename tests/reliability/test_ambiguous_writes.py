"""The ambiguous write: the engine applied it, the answer was lost, botocore resent it.

The proxy forwards a write and then drops the connection (or answers 500 in place of
the engine's answer), so the engine has applied it when botocore resends. The resend
meets the write's own result: a create meets its own item, a delete no item, a
versioned update its own next version. Each must succeed, once, with the state the
caller asked for: no duplicate, no false error, no lost write. A request dropped
before it reaches the engine is the control: the resend is then the only write.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from pydantic import Field

from lvrgd.common.services import (
    DynamoDBService,
    KeyValueItem,
    KeyValueStoreError,
    VersionedItem,
)

from ._figures import FIGURES
from ._profile import engine_name
from ._proxy import FORWARDED, Fault
from .conftest import CountingLogger

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services import DynamoDBConfig

    from ._profile import Profile
    from ._proxy import FaultProxy

PK = "ambiguous"
LOSSES = (Fault.DROP_AFTER, Fault.APPLY_THEN_500, Fault.DROP_BEFORE)
"""How the answer (or, for DROP_BEFORE, the request) is lost on the first attempt."""
WORKERS = 8
"""Cases run side by side, so that botocore's backoff waits overlap."""


class Note(KeyValueItem, entity="tests.reliability.test_ambiguous_writes.Note"):
    """A plain item."""

    body: str
    tags: set[str] = Field(default_factory=set)


class Account(VersionedItem, entity="tests.reliability.test_ambiguous_writes.Account"):
    """An item under optimistic locking."""

    balance: int


@dataclass(frozen=True)
class Case:
    """One write whose first attempt loses its answer (or its request)."""

    kind: str
    loss: Fault
    sk: str


@dataclass(frozen=True)
class Run:
    """The service under test and the proxy in front of its engine."""

    service: DynamoDBService
    proxy: FaultProxy


@dataclass(frozen=True)
class Outcome:
    """What a case saw: an error the caller got, a final state that is wrong, a resend."""

    false_error: str | None
    wrong_state: str | None
    resent: bool


def _create(run: Run, case: Case) -> str | None:
    service = run.service
    note = Note(pk=PK, sk=case.sk, body="created", tags={"a", "b"})
    _lose_first(run, case, lambda: service.create(note))
    found = service.query_by_pk(PK, Note, equals=case.sk)
    return None if found == [note] else f"stored {found!r}"


def _update(run: Run, case: Case) -> str | None:
    service = run.service
    service.create(Note(pk=PK, sk=case.sk, body="before", tags={"a"}))
    note = Note(pk=PK, sk=case.sk, body="after", tags={"b", "c"})
    _lose_first(run, case, lambda: service.update(note))
    found = service.get_one(PK, case.sk, Note)
    return None if found == note else f"stored {found!r}"


def _delete(run: Run, case: Case) -> str | None:
    service = run.service
    service.create(Note(pk=PK, sk=case.sk, body="doomed"))
    _lose_first(run, case, lambda: service.delete(PK, case.sk))
    found = service.get_one(PK, case.sk, Note)
    return None if found is None else f"still stored: {found!r}"


def _versioned_create(run: Run, case: Case) -> str | None:
    service = run.service
    account = Account(pk=PK, sk=case.sk, balance=10)
    _lose_first(run, case, lambda: service.create(account))
    found = service.get_one(PK, case.sk, Account)
    if account.version != 1 or found != account:
        return f"version {account.version}, stored {found!r}"
    return None


def _versioned_update(run: Run, case: Case) -> str | None:
    service = run.service
    account = Account(pk=PK, sk=case.sk, balance=10)
    service.create(account)
    account.balance = 20
    _lose_first(run, case, lambda: service.update(account))
    found = service.get_one(PK, case.sk, Account)
    if account.version != 2 or found != account:
        return f"version {account.version}, stored {found!r}"
    account.balance = 30
    service.update(account)  # the version the caller holds is the stored one
    found = service.get_one(PK, case.sk, Account)
    return None if found == account and account.version == 3 else f"then stored {found!r}"


def _put_many(run: Run, case: Case) -> str | None:
    service = run.service
    notes = [Note(pk=PK, sk=f"{case.sk}-{index}", body=str(index)) for index in range(3)]
    _lose_first(run, case, lambda: service.put_many(notes))
    found = service.query_by_pk(PK, Note, begins_with=case.sk)
    return None if found == notes else f"stored {found!r}"


def _transaction(run: Run, case: Case) -> str | None:
    service = run.service
    existing = Account(pk=PK, sk=f"{case.sk}-old", balance=5)
    service.create(existing)
    created = Account(pk=PK, sk=f"{case.sk}-new", balance=1)
    existing.balance = 4

    def commit() -> None:
        with service.transaction() as tx:
            tx.update(existing)
            tx.create(created)

    _lose_first(run, case, commit)
    found = service.query_by_pk(PK, Account, begins_with=case.sk)
    expected = [created, existing]  # "-new" sorts before "-old"
    if (existing.version, created.version) != (2, 1) or found != expected:
        return f"versions {(existing.version, created.version)}, stored {found!r}"
    return None


KINDS: dict[str, tuple[str, Callable[[Run, Case], str | None]]] = {
    "create": ("PutItem", _create),
    "update": ("UpdateItem", _update),
    "delete": ("DeleteItem", _delete),
    "versioned_create": ("PutItem", _versioned_create),
    "versioned_update": ("UpdateItem", _versioned_update),
    "put_many": ("BatchWriteItem", _put_many),
    "transaction": ("TransactWriteItems", _transaction),
}
"""Each kind of write: the DynamoDB operation that carries it, and the case that checks it."""


class _FalseError(Exception):
    """The write raised although it was applied (or could be resent)."""


def _lose_first(run: Run, case: Case, write: Callable[[], None]) -> None:
    operation = KINDS[case.kind][0]
    run.proxy.inject(case.loss, operation=operation, marker=case.sk.encode(), times=1)
    try:
        write()
    except KeyValueStoreError as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise _FalseError(message) from exc


def _run(run: Run, case: Case) -> Outcome:
    operation, check = KINDS[case.kind]
    try:
        wrong = check(run, case)
    except _FalseError as exc:
        return Outcome(str(exc), None, resent=False)
    attempts = [seen.fault for seen in run.proxy.seen(operation, marker=case.sk.encode())]
    return Outcome(None, wrong, resent=attempts[:2] == [case.loss, Fault.PASS])


@pytest.mark.parametrize("kind", list(KINDS))
def test_write_whose_answer_is_lost_succeeds_once_with_its_own_result(
    kind: str,
    profile: Profile,
    proxy: FaultProxy,
    new_table: Callable[..., DynamoDBConfig],
) -> None:
    if kind == "transaction" and engine_name() == "moto":
        pytest.skip("moto ignores TransactWriteItems' ClientRequestToken (DynamoDB honours it)")
    logger = CountingLogger()
    cases = [
        Case(kind, loss, f"{kind}#{loss.value}#{uuid.uuid4().hex}")
        for loss in LOSSES
        for _ in range(profile.ambiguous_cases)
    ]
    with DynamoDBService(logger, new_table(via=proxy.endpoint_url)) as service:
        run = Run(service, proxy)
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            outcomes = list(pool.map(lambda case: _run(run, case), cases))

    ambiguous = [(c, o) for c, o in zip(cases, outcomes, strict=True) if c.loss in FORWARDED]
    FIGURES.add("ambiguous.cases", len(ambiguous))
    FIGURES.add("ambiguous.control_cases", len(cases) - len(ambiguous))
    FIGURES.add("ambiguous.resends_seen", sum(o.resent for _, o in ambiguous))
    FIGURES.add("ambiguous.false_errors", sum(o.false_error is not None for o in outcomes))
    FIGURES.add("ambiguous.wrong_final_states", sum(o.wrong_state is not None for o in outcomes))
    # The adapter's debug line for a condition that failed on the write's own result.
    met_own = sum(count for message, count in logger.counts.items() if "resent" in message)
    FIGURES.add("ambiguous.resend_met_own_write", met_own)
    problems = [
        f"{case.loss.value} {case.sk}: {outcome.false_error or outcome.wrong_state}"
        for case, outcome in zip(cases, outcomes, strict=True)
        if outcome.false_error or outcome.wrong_state
    ]
    assert problems == []
    not_resent = [
        case.sk for case, outcome in zip(cases, outcomes, strict=True) if not outcome.resent
    ]
    assert not_resent == [], "botocore did not resend these (the case proves nothing)"


RETRY_QUOTA = 500
"""botocore's retry quota per client (botocore.retries.quota.RetryQuota.INITIAL_CAPACITY)."""
RETRY_COST = 5
"""What one retry of a non-timeout error takes from it (a timeout's retry takes 10)."""


def test_lost_answer_once_the_retry_quota_is_spent_is_an_error_though_applied(
    proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    """A documented limit: botocore stops retrying when its retry quota is spent.

    Each retry takes from a per-client quota that only successful calls refill. After
    an outage that spent it, a write whose answer is lost is not resent: the caller
    gets a KeyValueStoreError although the engine applied the write.
    """
    calls = RETRY_QUOTA // (2 * RETRY_COST) + 10  # each failing call spends two retries
    config = new_table(via=proxy.endpoint_url, max_pool_connections=calls)
    with DynamoDBService(CountingLogger(), config) as service:
        proxy.inject(Fault.THROTTLE, operation="GetItem", times=3 * calls)
        with ThreadPoolExecutor(max_workers=calls) as pool:
            failed = list(
                pool.map(lambda _: _raises(lambda: service.get_one(PK, "x", Note)), range(calls))
            )
        assert all(failed)
        attempts = len(proxy.seen("GetItem"))
        assert attempts < 3 * calls  # the quota ran out: fewer retries than max_attempts allows
        FIGURES.note(
            "ambiguous.after_spent_quota",
            f"{calls} throttled calls made {attempts} attempts (up to {3 * calls} allowed); "
            "a lost answer after that was a KeyValueStoreError although applied",
        )
        proxy.clear()

        note = Note(pk=PK, sk=f"spent#{uuid.uuid4().hex}", body="applied")
        proxy.inject(Fault.DROP_AFTER, operation="PutItem", marker=note.sk.encode())
        with pytest.raises(KeyValueStoreError):
            service.create(note)
        assert service.get_one(PK, note.sk, Note) == note  # applied all the same

        for _ in range(RETRY_COST):  # successful calls refill the quota, one unit each
            service.ping()
        again = Note(pk=PK, sk=f"refilled#{uuid.uuid4().hex}", body="applied")
        proxy.inject(Fault.DROP_AFTER, operation="PutItem", marker=again.sk.encode())
        service.create(again)
        assert service.get_one(PK, again.sk, Note) == again


def _raises(call: Callable[[], object]) -> bool:
    try:
        call()
    except KeyValueStoreError:
        return True
    return False
