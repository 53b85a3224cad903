"""The DynamoDB side on one engine: five variants, five operations, interleaved.

For the canned engine, a real engine (dynalite, else moto's server) is started only
to record each variant's responses to each operation once; it is stopped before
anything is timed, and every timed request is answered inside botocore.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, create_table
from lvrgd.common.services.testing.adapters._engines import start_dynalite, start_moto
from lvrgd.common.services.testing.adapters._process import EngineUnavailableError

from . import _canned, _profile, _variants
from ._items import (
    ACCESS_KEY,
    CREATE_PK,
    GET_PK,
    QUERY_PKS,
    REGION,
    SECRET_KEY,
    TABLE,
    UPDATE_PK,
    order,
    order_sort_key,
    raw_item,
)
from ._plan import OPERATIONS, QUERY_SIZES
from ._timing import Workload, interleaved

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lvrgd.common.services.testing.adapters._process import RunningEngine

    from ._plan import Plan

_BATCH_WRITE_SIZE = 25
_EXTRA = itertools.count()
"""Numbers the batches run outside the timed repetitions (recording, profiling)."""


def run(engine: str, plan: Plan) -> dict[str, Any]:
    """Time every variant and operation on `engine` ("canned", "dynalite" or "moto")."""
    wire = _canned.install() if engine == "canned" else None  # before any client exists
    running = _start(engine)
    variants: dict[str, _variants.Variant] = {}
    try:
        _prepare_table(running.endpoint_url)
        names = [cls.name for cls in _variants.VARIANTS]
        variants = _variants.build(names, running.endpoint_url)
        recordings: dict[str, dict[str, list[_canned.Recorded]]] = {}
        if wire is not None:
            recordings = _record(wire, variants)
            running.stop()  # from here on, nothing leaves the process
        counts = plan.engine_counts[engine]

        def prepare(variant: str, operation: str, batch: int) -> Workload:
            if wire is not None:
                wire.play(recordings[variant][operation])
            return _workload(variants[variant], operation, counts[operation], batch)

        samples = interleaved(
            names,
            OPERATIONS,
            warmup=plan.warmup,
            repetitions=plan.engine_repetitions[engine],
            prepare=prepare,
            label=engine,
        )
        result: dict[str, Any] = {
            "engine": engine,
            "served_by": running.name,
            "variants": {name: variant.label for name, variant in variants.items()},
            "operations": list(OPERATIONS),
            "counts": counts,
            "samples": samples,
        }
        if wire is not None:
            result["recorded"] = {
                variant: {op: [r.operation for r in scenario] for op, scenario in ops.items()}
                for variant, ops in recordings.items()
            }
            result["profile"] = _profile.run(
                wire,
                recordings,
                plan,
                lambda name, op, count: _workload(variants[name], op, count, -1),
            )
        return result
    finally:
        for variant in variants.values():
            variant.close()
        running.stop()


def _start(engine: str) -> RunningEngine:
    if engine == "moto":
        return start_moto()
    try:
        return start_dynalite()
    except EngineUnavailableError:
        if engine == "dynalite":
            raise
        return start_moto()  # the canned engine records from whichever engine starts


def _prepare_table(endpoint_url: str) -> None:
    config = DynamoDBConfig(
        table_name=TABLE,
        region=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SecretStr(SECRET_KEY),
    )
    create_table(config)
    seed = [order(GET_PK, order_sort_key(0)), order(UPDATE_PK, order_sort_key(0))]
    for operation, pk in QUERY_PKS.items():
        seed.extend(order(pk, order_sort_key(i)) for i in range(QUERY_SIZES[operation]))
    raw = _variants.RawClient(endpoint_url)
    try:
        for start in range(0, len(seed), _BATCH_WRITE_SIZE):
            chunk = seed[start : start + _BATCH_WRITE_SIZE]
            requests = [{"PutRequest": {"Item": raw_item(item)}} for item in chunk]
            pending: dict[str, Any] = {TABLE: requests}
            while pending:
                pending = raw.client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
    finally:
        raw.close()


def _workload(variant: _variants.Variant, operation: str, count: int, batch: int) -> Workload:
    """A batch of `operation`; `batch` makes the keys of new items unique."""
    if operation == "create":
        tag = f"{variant.name}#{batch}" if batch >= 0 else f"{variant.name}#x{next(_EXTRA)}"
        items = [order(CREATE_PK, f"{tag}#{i:06d}") for i in range(count)]
        return Workload(variant.create(items), count)
    if operation == "get_one":
        return Workload(variant.get_one(GET_PK, order_sort_key(0), count), count)
    if operation == "update":
        items = [order(UPDATE_PK, order_sort_key(0), batch + i) for i in range(count)]
        return Workload(variant.update(items), count)
    return Workload(variant.query(QUERY_PKS[operation], QUERY_SIZES[operation], count), count)


def _record(
    wire: _canned.Wire,
    variants: dict[str, _variants.Variant],
    operations: Sequence[str] = OPERATIONS,
) -> dict[str, dict[str, list[_canned.Recorded]]]:
    """Each variant's responses to one of each of `operations`, from the real engine."""
    recordings: dict[str, dict[str, list[_canned.Recorded]]] = {}
    for name, variant in variants.items():
        recordings[name] = {}
        for operation in operations:
            scenario = wire.record()
            _workload(variant, operation, 1, -1).run()
            wire.stop()
            if not scenario or any(r.status >= 300 for r in scenario):  # noqa: PLR2004
                msg = f"recording {name} {operation}: {[(r.operation, r.status) for r in scenario]}"
                raise RuntimeError(msg)
            recordings[name][operation] = scenario
    return recordings
