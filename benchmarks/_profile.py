"""Where a call's time goes: cProfile on the canned engine, and what-if runs.

The profile runs DynamoDBService and the raw client under cProfile and sums each
function's own time (tottime) into categories: botocore's steps, our codec,
pydantic, logging, stdlib JSON... cProfile inflates Python-heavy code, so the
shares are approximate; the what-if runs are not profiled: they time raw clients
with one botocore step changed, interleaved like every other suite, to show what
skipping that step saves while signing, retries, error parsing and the CRC32
check still run.
"""

from __future__ import annotations

import cProfile
import json
import pstats
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from ._items import (
    ACCESS_KEY,
    CREATE_PK,
    GET_PK,
    QUERY_PKS,
    REGION,
    SECRET_KEY,
    TABLE,
    order,
    order_sort_key,
    raw_item,
    raw_key,
)
from ._plan import QUERY_SIZES
from ._timing import Workload, expect, interleaved

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import _canned
    from ._plan import Counts, Plan

PROFILED_VARIANTS = ("service", "raw")
PROFILED_OPERATIONS = ("create", "get_one", "query_1000")
WHAT_IF_OPERATIONS = ("create", "get_one", "query_1000")
WHAT_IFS = {
    "default": "raw client, boto3's defaults (the baseline of this table)",
    "no_validation": "`Config(parameter_validation=False)`",
    "fixed_user_agent": "`Config(user_agent=...)`: a fixed User-Agent, not rebuilt per request",
    "raw_json": "2xx bodies left to `json.loads` (a `before-parse` handler), not botocore's parser",
    "all_three": "the three above together",
    "standard_retries": "`retries={'mode': 'standard'}` (DynamoDBService's setting)",
}
"""Raw clients with one botocore step changed; all keep signing, retries, CRC32, errors."""
FIXED_USER_AGENT = "lvrgd-common-benchmark"

# (category, substrings of "file:function"); the first match wins. A builtin that
# matches none (str.join, isinstance, dict.get...) counts for the categories of the
# functions that called it, in proportion to the time each call site spent in it.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("benchmark harness (canned responder, loops)", ("benchmarks/",)),
    ("logging (loguru + LoggingService)", ("loguru/", "services/logging/")),
    ("our codec and limits (kvstore)", ("services/kvstore/",)),
    ("our adapter (requests, boundary)", ("services/dynamodb/",)),
    ("our in-memory store", ("services/memory/",)),
    ("pydantic (dump, validate)", ("pydantic", "annotated_types")),
    ("botocore: parameter validation", ("botocore/validate.py",)),
    ("botocore: request serialization", ("botocore/serialize.py",)),
    ("botocore: response parsing", ("botocore/parsers.py",)),
    ("botocore: User-Agent header (built twice per call)", ("botocore/useragent.py",)),
    ("botocore: endpoint resolution", ("botocore/regions.py", "botocore/endpoint_provider.py")),
    ("botocore: SigV4 signing", ("botocore/auth.py", "botocore/signers.py", "hashlib", "hmac")),
    (
        "botocore: request object and headers (email.message)",
        ("botocore/awsrequest.py", "email/", "http/client"),
    ),
    (
        "botocore: retries and CRC32",
        ("botocore/retries/", "botocore/retryhandler.py", "binascii.crc32"),
    ),
    ("botocore: event dispatch", ("botocore/hooks.py",)),
    ("boto3: resource layer", ("boto3/",)),
    ("stdlib json (dumps, loads)", ("json/", "_json")),
    ("botocore: client, endpoint and the rest", ("botocore/",)),
)
OTHER = "other (stdlib, builtins)"
_BUILTIN = "~"


def category_of(filename: str, function: str) -> str:
    """The category a profiled function belongs to."""
    where = f"{filename}:{function}".replace("\\", "/")
    for category, needles in CATEGORIES:
        if any(needle in where for needle in needles):
            return category
    return OTHER


_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent).replace("\\", "/") + "/"


def _short(filename: str, function: str) -> str:
    path = filename.replace("\\", "/").removeprefix(_PROJECT_ROOT)
    for marker in ("site-packages/", "src/", "lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{function}" if filename != "~" else function


def _attributed(
    filename: str, function: str, tottime: float, callers: dict[tuple[str, int, str], Any]
) -> dict[str, float]:
    """A function's own time by category; an uncategorised builtin's goes to its callers."""
    category = category_of(filename, function)
    if category != OTHER or filename != _BUILTIN or not callers:
        return {category: tottime}
    spent = {caller: timing[2] for caller, timing in callers.items()}  # (cc, nc, tt, ct)
    total = sum(spent.values())
    if total <= 0:
        return {category: tottime}
    shares: dict[str, float] = {}
    for (caller_file, _line, caller_function), seconds in spent.items():
        name = category_of(caller_file, caller_function)
        shares[name] = shares.get(name, 0.0) + tottime * seconds / total
    return shares


def profile_calls(run: Callable[[], None], calls: int) -> dict[str, Any]:
    """Profile `run`, which makes `calls` calls: per-call µs by category, top functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_category: dict[str, float] = {}
    functions: list[tuple[float, float, str]] = []
    raw_stats: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, tottime, cumtime, callers) in raw_stats.items():
        for category, seconds in _attributed(filename, function, tottime, callers).items():
            by_category[category] = by_category.get(category, 0.0) + seconds
        functions.append((tottime, cumtime, _short(filename, function)))
    functions.sort(reverse=True)
    total: float = stats.total_tt  # type: ignore[attr-defined]
    return {
        "total_us": total / calls * 1e6,
        "categories_us": {k: v / calls * 1e6 for k, v in by_category.items()},
        "top": [
            {"function": name, "tottime_us": tt / calls * 1e6, "cumtime_us": ct / calls * 1e6}
            for tt, ct, name in functions[:15]
        ],
    }


def run(
    wire: _canned.Wire,
    recordings: dict[str, dict[str, list[_canned.Recorded]]],
    plan: Plan,
    workload: Callable[[str, str, int], Workload],
) -> dict[str, Any]:
    """Profile DynamoDBService and the raw client, then time the what-ifs.

    Args:
        wire: The canned engine.
        recordings: Each variant's canned responses, by operation.
        plan: How many calls to profile and to time.
        workload: Builds a batch of (variant, operation, count).
    """
    counts = plan.profile_counts
    profiles: dict[str, dict[str, Any]] = {}
    for name in PROFILED_VARIANTS:
        profiles[name] = {}
        for operation in PROFILED_OPERATIONS:
            count = counts[operation]
            wire.play(recordings[name][operation])
            workload(name, operation, max(1, count // 10)).run()  # warm caches first
            profiles[name][operation] = profile_calls(workload(name, operation, count).run, count)
    what_ifs = _what_ifs(wire, recordings["raw"], plan.what_if_counts, plan.repetitions)
    return {"profiles": profiles, "what_ifs": what_ifs}


def _raw_json(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """Hand botocore's parser an empty object; the body's JSON goes out as it is."""
    if response_dict["status_code"] < 300:  # noqa: PLR2004 - errors keep botocore's parsing
        customized_response_dict.update(json.loads(response_dict["body"]))
        response_dict["body"] = b"{}"


def _what_if_client(what_if: str) -> Any:
    options: dict[str, Any] = {}
    if what_if in ("no_validation", "all_three"):
        options["parameter_validation"] = False
    if what_if in ("fixed_user_agent", "all_three"):
        options["user_agent"] = FIXED_USER_AGENT
    if what_if == "standard_retries":
        options["retries"] = {"mode": "standard"}
    config = Config(**options) if options else None
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )
    client = session.client("dynamodb", endpoint_url="http://127.0.0.1:9", config=config)
    if what_if in ("raw_json", "all_three"):
        client.meta.events.register("before-parse.dynamodb", _raw_json)
    return client


def _what_ifs(
    wire: _canned.Wire,
    recordings: dict[str, list[_canned.Recorded]],
    counts: Counts,
    repetitions: int,
) -> dict[str, Any]:
    clients = {name: _what_if_client(name) for name in WHAT_IFS}
    item = raw_item(order(CREATE_PK, "what-if"))
    key = raw_key(GET_PK, order_sort_key(0))
    query = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": QUERY_PKS["query_1000"]}},
        "ConsistentRead": True,
    }

    def prepare(name: str, operation: str, _batch: int) -> Workload:
        client = clients[name]
        count = counts[operation]
        size = QUERY_SIZES["query_1000"]
        wire.play(recordings[operation])

        def run() -> None:
            for _ in range(count):
                if operation == "create":
                    client.put_item(
                        TableName=TABLE, Item=item, ConditionExpression="attribute_not_exists(pk)"
                    )
                elif operation == "get_one":
                    client.get_item(TableName=TABLE, Key=key, ConsistentRead=True)
                else:
                    expect(len(client.query(**query)["Items"]) == size, f"{size} items")

        return Workload(run, count)

    samples = interleaved(
        list(WHAT_IFS),
        WHAT_IF_OPERATIONS,
        warmup=1,
        repetitions=repetitions,
        prepare=prepare,
        label="what-if",
    )
    for client in clients.values():
        client.close()
    return {"labels": WHAT_IFS, "operations": list(WHAT_IF_OPERATIONS), "samples": samples}
