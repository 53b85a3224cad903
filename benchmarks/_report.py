"""docs/benchmarks.md from the suites' results: tables, goals, profile, findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._items import item_bytes
from ._peer_rows import Row, row_of, table
from ._plan import ENGINES, MEMORY_OPERATIONS, QUERY_SIZES
from ._profile import CATEGORIES, OTHER, PROFILED_OPERATIONS
from ._stats import cell, spread

if TYPE_CHECKING:
    from ._plan import Plan
    from ._stats import Spread

FINDINGS = Path(__file__).with_name("findings.md")
PEERS = ("resource", "pynamodb", "dyntastic")
SERVICE = "service"
BASELINE = "raw"
ENGINE_TITLES = {
    "canned": "canned (answered inside botocore, no socket): the primary figure",
    "dynalite": "dynalite on loopback",
    "moto": "moto's server on loopback",
}
OPERATION_TITLES = {
    "create": "create",
    "get_one": "get_one",
    "update": "update",
    "query_100": "query_by_pk, 100 items",
    "query_1000": "query_by_pk, 1,000 items",
    "query_window": "100-item query",
}
SECTION_TITLES = (
    "Goals",
    "Earlier goals",
    "Peers and the floor",
    "Async form",
    "Ratios against the raw client (canned engine)",
    "DynamoDBService against each peer (canned engine)",
    "Every engine in detail",
    "In-memory store against moto's mock_aws",
    "In-memory scaling",
    "Memory per stored item",
    "Cold start",
    "Where the time goes (cProfile, canned engine)",
    "What skipping botocore steps saves (what-if runs, canned engine)",
    "Findings",
    "How it was measured",
)


@dataclass(frozen=True)
class Run:
    """What the report needs besides the results."""

    plan: Plan
    command: str
    machine: dict[str, str]
    versions: dict[str, str]
    plots: list[str]
    elapsed_s: float
    reference: str | None = None
    """The commit the import-time goal compares with (``--reference``), if any."""


TIMES = "\u00d7"
DASH = "\u2013"
AT_MOST = "\u2264"
AT_LEAST = "\u2265"
CREATE_GOAL = 0.90
GET_ONE_GOAL = 0.95
QUERY_GOAL = 0.35
"""DynamoDBService's ratio to the raw client on the canned engine (per item for queries)."""
PEER_GOAL = 1 / 3
"""DynamoDBService's query ratio to each of the Table resource, PynamoDB and dyntastic."""
SPEEDUP_GOALS = {"create": 100, "get_one": 250, "query_100": 250}
"""How many times faster than moto's mock_aws the in-memory store must be."""
MEMORY_GOAL_BYTES = 1_500
"""The in-memory store's memory per stored benchmark item (191 bytes as DynamoDB counts it)."""
IMPORT_STATEMENT = "service"
"""The cold-start statement of the import-time goal: the package with the DynamoDB adapter."""
SCALING_GOAL = 2.0
"""The largest partition's 100-item query over the smallest's."""
_MS_FROM_US = 10_000
_DECIMALS_BELOW_US = 100
_DECIMALS_BELOW_RATIO = 10


def _us(seconds: float) -> str:
    micro = seconds * 1e6
    if micro >= _MS_FROM_US:
        return f"{micro / 1000:,.1f} ms"
    return f"{micro:,.1f} µs" if micro < _DECIMALS_BELOW_US else f"{micro:,.0f} µs"


def _ratio(value: float) -> str:
    return f"{value:.3f}{TIMES}" if value < _DECIMALS_BELOW_RATIO else f"{value:,.0f}{TIMES}"


def _ratio_iqr(s: Spread) -> str:
    return f"{_ratio(s.median)} ({_ratio(s.q1)}{DASH}{_ratio(s.q3)})"


def _time_iqr(s: Spread) -> str:
    return f"{_us(s.median)} (IQR {s.relative_iqr * 100:.0f} %)"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _result(results: dict[str, Any], suite: str) -> dict[str, Any] | None:
    """A suite's result, or None when it was not run or its engine was unavailable."""
    result = results.get(suite)
    return None if result is None or "unavailable" in result else result


def _not_run(name: str, result: dict[str, Any] | None) -> list[str]:
    reason = "not requested" if result is None else result.get("unavailable", "")
    return [f"*{name}: not run ({reason}).*", ""]


# --- goals ----------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """One line of the issue's goal table, as measured."""

    what: str
    target: str
    measured: str
    met: bool
    share: float | None = None
    """The measure over its limit, or the limit over the measure for an at-least goal:
    at most 1 when met (None where the goal has no number)."""


def _at_most(what: str, value: float, limit: float, target: str | None = None) -> Goal:
    target = target or f"{AT_MOST} {_ratio(limit)}"
    return Goal(what, target, _ratio(value), value <= limit, value / limit)


def _row_goal(row: Row) -> Goal:
    """A peers row's goal: its ratio against the number its goal names."""
    limit = float(row.goal.strip(f"{AT_MOST}{AT_LEAST} {TIMES}").replace(",", ""))
    value = row.ratio.median
    share = value / limit if row.goal.startswith(AT_MOST) else limit / value
    return Goal(f"{row.measure}, {row.compared}", row.goal, _ratio(value), bool(row.met), share)


def _dynamodb_goals(canned: dict[str, Any]) -> list[Goal]:
    samples = canned["samples"]
    found = [
        _at_most(f"{op} vs raw client", cell(samples, SERVICE, op, BASELINE).ratio.median, limit)
        for op, limit in (("create", CREATE_GOAL), ("get_one", GET_ONE_GOAL))
    ]
    for operation in QUERY_SIZES:
        title = OPERATION_TITLES[operation]
        ratio = cell(samples, SERVICE, operation, BASELINE).ratio.median
        found.append(_at_most(f"{title}, per item, vs raw client", ratio, QUERY_GOAL))
        for peer in PEERS:
            ratio = cell(samples, SERVICE, operation, peer).ratio.median
            found.append(_at_most(f"{title} vs {canned['variants'][peer]}", ratio, PEER_GOAL))
    return found


def goals(results: dict[str, Any]) -> list[Goal]:
    """The goals of the performance issue (#16), each with its measured value."""
    found: list[Goal] = []
    peers = _result(results, "peers")
    if peers is not None:
        found += [_row_goal(row) for row in map(row_of, peers["rows"]) if row.met is not None]
    memory = _result(results, "memory")
    if memory is not None:
        for operation, limit in SPEEDUP_GOALS.items():
            speedup = cell(memory["samples"], "moto", operation, "memory").ratio.median
            what = f"in-memory suite: {OPERATION_TITLES[operation]}, times faster than moto"
            target = f"{AT_LEAST} {limit}{TIMES}"
            found.append(Goal(what, target, _ratio(speedup), speedup >= limit, limit / speedup))
    scaling = _result(results, "scaling:memory")
    if scaling is not None:
        ours = scaling["bytes_per_item"]
        found.append(
            Goal(
                f"in-memory store, memory per {item_bytes()}-byte item",
                f"{AT_MOST} {MEMORY_GOAL_BYTES:,} B",
                f"{ours:,.0f} B",
                ours <= MEMORY_GOAL_BYTES,
                ours / MEMORY_GOAL_BYTES,
            )
        )
    cold = _result(results, "coldstart")
    if cold is not None and f"reference:{IMPORT_STATEMENT}" in cold["import_s"]:
        today = spread(cold["import_s"][IMPORT_STATEMENT]).median
        before = spread(cold["import_s"][f"reference:{IMPORT_STATEMENT}"]).median
        found.append(
            Goal(
                f"import time, {cold['labels'][IMPORT_STATEMENT]}",
                f"{AT_MOST} the reference commit's",
                f"{_us(today)} vs {_us(before)} ({_ratio(today / before)})",
                today <= before,
                today / before,
            )
        )
    return found


def earlier_goals(results: dict[str, Any]) -> list[Goal]:
    """The goals of the issues before, on the canned engine's suite, as measured now."""
    found: list[Goal] = []
    canned = _result(results, "engine:canned")
    if canned is not None:
        found += _dynamodb_goals(canned)
    scaling = _result(results, "scaling:memory")
    if scaling is not None:
        large, small = str(scaling["sizes"][-1]), str(scaling["sizes"][0])
        growth = cell(scaling["samples"], large, "query_window", small).ratio.median
        what = f"in-memory 100-item query, {int(large):,} vs {int(small):,} items"
        found.append(_at_most(what, growth, SCALING_GOAL))
    moto_scaling = _result(results, "scaling:moto")
    if scaling is not None and moto_scaling is not None:
        ours, theirs = scaling["bytes_per_item"], moto_scaling["bytes_per_item"]
        measured = f"{ours:,.0f} B vs {theirs:,.0f} B"
        found.append(
            Goal("memory per item, in-memory vs moto", "below moto's", measured, ours < theirs)
        )
    return found


def _goal_section(found: list[Goal]) -> list[str]:
    rows = []
    for goal in found:
        status = "met" if goal.met else "**not met**"
        rows.append([goal.what, goal.target, goal.measured, status])
    return _table(["goal", "target", "measured (median)", "met?"], rows)


def _peers_section(peers: dict[str, Any]) -> list[str]:
    return [
        (
            "`benchmarks/peers.py`, as the harness's `peers` suite: client CPU per operation"
            " (this process's), medians of the kept repetitions, every variant of a"
            " comparison interleaved. dynalite runs in its own process, so its rows are the"
            " client's work alone; the canned engine replays answers recorded from dynalite"
            " at DynamoDBService's transport and in botocore (no socket); the in-memory rows"
            " run the twin, pydynox's MemoryBackend and DynamoDBService on moto's mock_aws"
            " side by side. The floor is `json.loads` of the recorded answers plus"
            " `Order.model_validate` of plain dicts. A ratio is taken per repetition; its"
            " median and interquartile range are shown. For the twin, the ratio is the"
            " peer's CPU over the twin's (how many times faster the twin is)."
        ),
        "",
        *table([row_of(row) for row in peers["rows"]]),
        "",
    ]


# --- DynamoDB side --------------------------------------------------------


def _ratio_section(canned: dict[str, Any]) -> list[str]:
    samples, labels = canned["samples"], canned["variants"]
    others = [v for v in labels if v != BASELINE]
    rows = [
        [
            OPERATION_TITLES[op],
            _us(cell(samples, BASELINE, op, BASELINE).cpu.median),
            *[_ratio_iqr(cell(samples, v, op, BASELINE).ratio) for v in others],
        ]
        for op in canned["operations"]
    ]
    header = ["operation", f"{labels[BASELINE]} (CPU/op)", *[f"{labels[v]} ÷ raw" for v in others]]
    return [
        (
            "Client CPU per operation of each variant divided by the raw client's, repetition"
            " by repetition: the median, and the interquartile range in brackets. Below 1 is"
            " cheaper than the raw client. A query's ratio is also its ratio per item."
        ),
        "",
        *_table(header, rows),
    ]


def _peer_section(canned: dict[str, Any]) -> list[str]:
    samples, labels = canned["samples"], canned["variants"]
    others = [BASELINE, *PEERS]
    rows = [
        [OPERATION_TITLES[op], *[_ratio_iqr(cell(samples, SERVICE, op, v).ratio) for v in others]]
        for op in canned["operations"]
    ]
    return [
        (
            "DynamoDBService's client CPU divided by each other variant's (median of"
            " per-repetition ratios, IQR in brackets)."
        ),
        "",
        *_table(["operation", *[f"÷ {labels[v]}" for v in others]], rows),
    ]


def _engine_detail(engine: str, result: dict[str, Any]) -> list[str]:
    samples, labels, counts = result["samples"], result["variants"], result["counts"]
    rows = []
    for op in result["operations"]:
        items = QUERY_SIZES.get(op, 1)
        for variant, label in labels.items():
            c = cell(samples, variant, op, BASELINE)
            rows.append(
                [
                    OPERATION_TITLES[op],
                    label,
                    _time_iqr(c.cpu),
                    _us(c.cpu.median / items) if items > 1 else "",
                    _us(c.wall.median),
                    _ratio_iqr(c.ratio),
                ]
            )
    served = f" (recorded from {result['served_by']})" if engine == "canned" else ""
    batch = ", ".join(f"{OPERATION_TITLES[op]} {n}" for op, n in counts.items())
    repetitions = len(next(iter(samples.values()))[result["operations"][0]])
    return [
        f"### {ENGINE_TITLES[engine]}{served}",
        "",
        f"{repetitions} repetitions; operations per batch: {batch}.",
        "",
        *_table(
            ["operation", "variant", "CPU/op (IQR)", "CPU/item", "wall/op", "CPU ÷ raw (IQR)"],
            rows,
        ),
    ]


# --- in-memory side -------------------------------------------------------


def _memory_section(memory: dict[str, Any]) -> list[str]:
    samples = memory["samples"]
    rows = []
    for op in MEMORY_OPERATIONS:
        ours = cell(samples, "memory", op, "memory")
        theirs = cell(samples, "moto", op, "memory")
        rows.append(
            [
                OPERATION_TITLES[op],
                _time_iqr(ours.cpu),
                _time_iqr(theirs.cpu),
                _ratio_iqr(theirs.ratio),
            ]
        )
    labels = memory["variants"]
    return [
        (
            f"{labels['memory']} against {labels['moto']}; CPU per operation (in-process,"
            " so CPU is also wall time)."
        ),
        "",
        *_table(["operation", "in-memory", "moto mock_aws", "times faster (IQR)"], rows),
    ]


def _scaling_section(results: dict[str, Any]) -> list[str]:
    rows = []
    for backend in ("memory", "moto"):
        result = _result(results, f"scaling:{backend}")
        if result is None:
            rows.append([backend, "not run", "", ""])
            continue
        smallest = str(result["sizes"][0])
        for size in result["sizes"]:
            c = cell(result["samples"], str(size), "query_window", smallest)
            rows.append([result["label"], f"{size:,}", _time_iqr(c.cpu), _ratio_iqr(c.ratio)])
    return [
        (
            "A query of the 100 items in the middle of a partition (`between`), from"
            " partitions of each size."
        ),
        "",
        *_table(["store", "partition size", "CPU/query", "÷ smallest partition (IQR)"], rows),
    ]


def _memory_per_item_section(results: dict[str, Any]) -> list[str]:
    rows = []
    for backend in ("memory", "moto"):
        result = _result(results, f"scaling:{backend}")
        if result is not None:
            size = result["sizes"][-1]
            rows.append([result["label"], f"{size:,}", f"{result['bytes_per_item']:,.0f} B"])
    return [
        (
            "RSS growth while one partition of the largest size is filled, divided by its"
            f" items (each {item_bytes()} bytes as DynamoDB counts it), after a garbage"
            " collection."
        ),
        "",
        *_table(["store", "items", "RSS per item"], rows),
    ]


def _coldstart_section(cold: dict[str, Any]) -> list[str]:
    rows = []
    for name, label in cold["labels"].items():
        imported = cold["facts"][name]["imported"]
        rows.append(
            [
                label,
                _time_iqr(spread(cold["import_s"][name])),
                _us(spread(cold["process_cpu_s"][name]).median),
                _us(spread(cold["process_wall_s"][name]).median),
                str(cold["facts"][name]["modules"]),
                "yes" if "botocore" in imported else "no",
            ]
        )
    baseline = _us(spread(cold["process_cpu_s"]["baseline"]).median)
    return [
        (
            "`python -X importtime -c STATEMENT` in a fresh interpreter: *import time* is the"
            " sum of the cumulative times of the top-level imports the statement triggers"
            " (wall time: a busy machine inflates it); *process CPU* is the interpreter's"
            " user + system time (from `getrusage`), steadier, and includes its start"
            f" (`python -c pass`: {baseline} of CPU) and `-X importtime`'s own overhead."
        ),
        "",
        *_table(
            ["statement", "import time", "process CPU", "process wall", "modules", "botocore"],
            rows,
        ),
    ]


# --- profile ---------------------------------------------------------------


def _profile_section(profile: dict[str, Any], memory: dict[str, Any] | None) -> list[str]:
    profiles = profile["profiles"]
    columns = [(v, op) for v in ("service", "raw") for op in PROFILED_OPERATIONS]
    header = ["category", *[f"{'service' if v == 'service' else 'raw'} {op}" for v, op in columns]]
    rows = []
    for category in [name for name, _ in CATEGORIES] + [OTHER]:
        cells = []
        for variant, op in columns:
            p = profiles[variant][op]
            value = p["categories_us"].get(category, 0.0)
            per = value / QUERY_SIZES.get(op, 1)
            cells.append(f"{per:,.1f} ({value / p['total_us'] * 100:.0f} %)" if value else "")
        if any(cells):
            rows.append([category, *cells])
    totals = [f"{profiles[v][op]['total_us'] / QUERY_SIZES.get(op, 1):,.1f}" for v, op in columns]
    rows.append(["**total (profiled)**", *totals])
    lines = [
        (
            "Own time (cProfile `tottime`) summed by category, in µs per call (per item for"
            " the query), and as a share of the call. Profiling inflates Python-heavy code"
            " about 3 to 4 times; read the shares, not the absolute values."
        ),
        "",
        *_table(header, rows),
    ]
    for op in PROFILED_OPERATIONS:
        top = profiles["service"][op]["top"][:12]
        per = QUERY_SIZES.get(op, 1)
        lines += [
            (
                f"DynamoDBService {OPERATION_TITLES[op]}: the functions with the most own time"
                " (µs per call):"
            ),
            "",
            *_table(
                ["function", "own", "cumulative"],
                [
                    [
                        f"`{t['function']}`",
                        f"{t['tottime_us'] / per:,.1f}",
                        f"{t['cumtime_us'] / per:,.1f}",
                    ]
                    for t in top
                ],
            ),
        ]
    if memory is not None and "profile" in memory:
        mem = memory["profile"]
        ops = list(mem)
        rows = []
        for category in [name for name, _ in CATEGORIES] + [OTHER]:
            cells = [
                f"{mem[op]['categories_us'].get(category, 0.0):,.1f}"
                if mem[op]["categories_us"].get(category)
                else ""
                for op in ops
            ]
            if any(cells):
                rows.append([category, *cells])
        rows.append(["**total (profiled)**", *[f"{mem[op]['total_us']:,.1f}" for op in ops]])
        lines += [
            "InMemoryKeyValueStore, for comparison (µs per call, profiled):",
            "",
            *_table(["category", *[OPERATION_TITLES[op] for op in ops]], rows),
        ]
    return lines


def _what_if_section(profile: dict[str, Any]) -> list[str]:
    what = profile["what_ifs"]
    samples, labels = what["samples"], what["labels"]
    rows = []
    for name, label in labels.items():
        cells = []
        for op in what["operations"]:
            c = cell(samples, name, op, "default")
            cells += [_us(c.cpu.median), _ratio_iqr(c.ratio)]
        rows.append([label, *cells])
    header = [
        "raw client with",
        *[h for op in what["operations"] for h in (f"{op} CPU", "÷ default")],
    ]
    return [
        (
            "The raw client's own CPU per call with one botocore step changed, interleaved"
            " and rotated like the main run. Signing, retries (with the CRC32 check of every"
            " body) and error parsing run in every row."
        ),
        "",
        *_table(header, rows),
    ]


# --- the whole page --------------------------------------------------------


def render(results: dict[str, Any], run: Run) -> str:
    """The Markdown page."""
    lines = [
        "# Benchmarks",
        "",
        (
            "Generated by `benchmarks/run.py`; do not edit by hand (the findings come from"
            " `benchmarks/findings.md`)."
        ),
        "",
        "```sh",
        run.command,
        "```",
        "",
        (
            f"Plan **{run.plan.name}**: {run.plan.warmup} warm-up repetition, then"
            f" {run.plan.repetitions} repetitions kept ({run.plan.engine_repetitions['canned']}"
            " on the canned engine, with shorter batches), every variant interleaved and"
            f" rotated in each; the whole run took {run.elapsed_s / 60:.1f} minutes."
        ),
        "",
        *[f"![{name}]({name})" for name in run.plots],
        "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in run.machine.items()) + ".",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in run.versions.items()) + ".",
        "",
        (
            "The item: 10 attributes (str, int, Decimal, bool, list, map, string set),"
            f" {item_bytes()} bytes as DynamoDB counts them."
        ),
        "",
    ]
    for title, body in _sections(results, run).items():
        lines += [f"## {title}", "", *(body or ["*Not run.*", ""])]
    return "\n".join(lines).rstrip() + "\n"


def _sections(results: dict[str, Any], run: Run) -> dict[str, list[str]]:
    canned = _result(results, "engine:canned")
    memory = _result(results, "memory")
    sections: dict[str, list[str]] = {title: [] for title in SECTION_TITLES}
    reference = (
        f" The import time is compared with commit {run.reference}'s, measured interleaved"
        " in the same run."
        if run.reference
        else ""
    )
    sections["Goals"] = [
        (
            "The goals of the performance issue (#16): client CPU, medians, every ratio from"
            f" variants measured side by side in the same run, by `{run.command}`."
            f"{reference} Where a goal is not met, the profiles below (`Where the time"
            " goes`) show what is left."
        ),
        "",
        *_goal_section(goals(results)),
    ]
    sections["Earlier goals"] = _goal_section(earlier_goals(results))
    peers = _result(results, "peers")
    if peers is not None:
        sections["Peers and the floor"] = _peers_section(peers)
    async_form = _result(results, "async")
    if async_form is not None:
        sections["Async form"] = async_form["markdown"]
    if canned is not None:
        sections["Ratios against the raw client (canned engine)"] = _ratio_section(canned)
        sections["DynamoDBService against each peer (canned engine)"] = _peer_section(canned)
        sections["Where the time goes (cProfile, canned engine)"] = _profile_section(
            canned["profile"], memory
        )
        sections["What skipping botocore steps saves (what-if runs, canned engine)"] = (
            _what_if_section(canned["profile"])
        )
    for engine in ENGINES:
        result = _result(results, f"engine:{engine}")
        sections["Every engine in detail"] += (
            _engine_detail(engine, result)
            if result is not None
            else [
                f"### {ENGINE_TITLES[engine]}",
                "",
                *_not_run(engine, results.get(f"engine:{engine}")),
            ]
        )
    if memory is not None:
        sections["In-memory store against moto's mock_aws"] = _memory_section(memory)
    sections["In-memory scaling"] = _scaling_section(results)
    sections["Memory per stored item"] = _memory_per_item_section(results)
    cold = _result(results, "coldstart")
    if cold is not None:
        sections["Cold start"] = _coldstart_section(cold)
    sections["Findings"] = [FINDINGS.read_text(encoding="utf-8").strip(), ""]
    sections["How it was measured"] = _method()
    return sections


def _method() -> list[str]:
    return [
        (
            "- One command runs every suite, each in a fresh interpreter (`benchmarks/_worker.py`),"
            " one after the other: the canned engine, dynalite, moto's server, in-memory vs"
            " mock_aws, the two scaling runs, cold start."
        ),
        (
            "- A batch is N calls of one operation by one variant, timed with"
            " `time.process_time` (client CPU: the process's user and system time, which"
            " leaves out the engine's own process) and `time.perf_counter` (wall), with the"
            " garbage collector off after a collection, as `timeit` does."
        ),
        (
            "- Each repetition runs every (operation, variant) batch once, the variants in an"
            " order rotated by one per repetition and per operation. The warm-up repetition is"
            " dropped. Medians are over repetitions; a ratio is computed per repetition (both"
            " batches ran side by side) and its median reported, with the interquartile range."
        ),
        (
            "- Variants: (a) the raw low-level client with hand-written AttributeValue dicts and"
            " no conversion of what comes back; (b) the Table resource with the same pydantic"
            " model (`model_dump()` in, `model_validate()` out); (c) PynamoDB; (d) dyntastic"
            " (`update(..., refresh=False)`: no read-back); (e) DynamoDBService. All use"
            " conditional writes (`attribute_not_exists(pk)` for create, `attribute_exists(pk)`"
            " for update, which sets every non-key attribute) and strongly consistent reads."
            " Clients keep their library's own configuration: boto3's defaults for (a), (b),"
            " (d); PynamoDB's (standard retries, parameter validation off) for (c);"
            " DynamoDBService's (standard retries, 3 attempts) for (e)."
        ),
        (
            "- The canned engine: each variant's response to each operation is recorded once"
            " from a real engine, then replayed from a `before-send` handler that every botocore"
            " client carries (as moto's mock_aws does), so that serialization, signing, retry"
            " checks with CRC32, parsing and error handling all run, and no socket is opened."
        ),
        "- Loguru is configured as an application would: warnings and up.",
        (
            "- The in-memory side runs in one process: the store against DynamoDBService on a"
            " mock_aws table (a boto3 client with the same codec). For the scaling run, moto's"
            " partitions are filled through its backend (the stored form is the same; going"
            " through HTTP emulation would take minutes)."
        ),
    ]
