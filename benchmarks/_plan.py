"""How much each suite runs: the full plan (about 10 minutes on 2 cores) and the smoke plan."""

from __future__ import annotations

from dataclasses import dataclass

ENGINES = ("canned", "dynalite", "moto")
"""The DynamoDB-side engines, the primary one first."""
VARIANT_LABELS = {
    "raw": "raw client",
    "resource": "Table resource + pydantic",
    "pynamodb": "PynamoDB",
    "dyntastic": "dyntastic",
    "service": "DynamoDBService",
}
"""The DynamoDB-side variants, the baseline (boto3's low-level client) first."""
OPERATIONS = ("create", "get_one", "update", "query_100", "query_1000")
"""The DynamoDB-side operations."""
QUERY_SIZES = {"query_100": 100, "query_1000": 1000}
MEMORY_OPERATIONS = ("create", "get_one", "update", "query_100")
"""The in-memory side's operations."""
MEMORY_VARIANTS = ("memory", "moto")
"""InMemoryKeyValueStore, and DynamoDBService on moto's mock_aws."""
SCALING_WINDOW = 100
"""Items each scaling query returns."""

Counts = dict[str, int]
"""Operations per batch, by operation."""


@dataclass(frozen=True)
class Plan:
    """Repetitions and batch sizes of one run."""

    name: str
    warmup: int
    repetitions: int
    engine_counts: dict[str, Counts]
    """DynamoDB side: engine -> operation -> operations per batch."""
    engine_repetitions: dict[str, int]
    """DynamoDB side: engine -> repetitions kept (the canned engine's batches are short)."""
    memory_counts: dict[str, Counts]
    """In-memory side: variant -> operation -> operations per batch."""
    scaling_sizes: tuple[int, ...]
    scaling_queries: Counts
    """Scaling: backend -> queries per batch."""
    import_runs: int
    import_warmup: int
    """Cold start: runs of each statement dropped first (the first one compiles)."""
    profile_counts: Counts
    """cProfile of DynamoDBService on the canned engine: operation -> calls."""
    what_if_counts: Counts
    """The what-if runs on the canned engine: operation -> calls per batch."""


FULL = Plan(
    name="full",
    warmup=1,
    repetitions=7,
    engine_counts={
        "canned": {
            "create": 150,
            "get_one": 150,
            "update": 150,
            "query_100": 10,
            "query_1000": 2,
        },
        "dynalite": {"create": 60, "get_one": 60, "update": 60, "query_100": 6, "query_1000": 1},
        "moto": {"create": 15, "get_one": 15, "update": 15, "query_100": 2, "query_1000": 1},
    },
    engine_repetitions={"canned": 15, "dynalite": 7, "moto": 7},
    memory_counts={
        "memory": {"create": 2000, "get_one": 2000, "update": 2000, "query_100": 100},
        "moto": {"create": 60, "get_one": 60, "update": 60, "query_100": 3},
    },
    scaling_sizes=(1_000, 10_000, 100_000),
    scaling_queries={"memory": 200, "moto": 1},
    import_runs=15,
    import_warmup=1,
    profile_counts={"create": 1000, "get_one": 1000, "query_1000": 10},
    what_if_counts={"create": 150, "get_one": 150, "query_1000": 2},
)

SMOKE = Plan(
    name="smoke",
    warmup=1,
    repetitions=2,
    engine_counts={
        engine: {"create": 3, "get_one": 3, "update": 3, "query_100": 1, "query_1000": 1}
        for engine in ENGINES
    },
    engine_repetitions=dict.fromkeys(ENGINES, 2),
    memory_counts={
        "memory": {"create": 5, "get_one": 5, "update": 5, "query_100": 1},
        "moto": {"create": 2, "get_one": 2, "update": 2, "query_100": 1},
    },
    scaling_sizes=(200, 400, 800),
    scaling_queries={"memory": 2, "moto": 1},
    import_runs=1,
    import_warmup=0,
    profile_counts={"create": 5, "get_one": 5, "query_1000": 1},
    what_if_counts={"create": 2, "get_one": 2, "query_1000": 1},
)

PLANS = {plan.name: plan for plan in (FULL, SMOKE)}
