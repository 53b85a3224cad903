"""One row of docs/fidelity.md: a documented behaviour, its two probes, and the outcomes.

The in-memory store is probed through the port; an engine raw, through its own
client. Each backend's recorded outcome is what the probes gave when they last ran;
``test_fidelity.py`` requires it still.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    from differential._raw import RawTable
    from lvrgd.common.services.kvstore import KeyValueStore

    Probes: TypeAlias = tuple[Callable[[KeyValueStore], str], Callable[[RawTable], str]]
    """A behaviour's two probes: the in-memory store's, and an engine's."""

DEV = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide"
API = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference"
SIZES = f"{DEV}/CapacityUnitCalculations.html"
KEY_LIMITS = f"{DEV}/Constraints.html#limits-partition-sort-keys"
DATA_TYPE_LIMITS = f"{DEV}/Constraints.html#limits-data-types"
ITEM_LIMITS = f"{DEV}/Constraints.html#limits-items"
ATTRIBUTE_LIMITS = f"{DEV}/Constraints.html#limits-attributes"
EXPRESSION_LIMITS = f"{DEV}/Constraints.html#limits-expression-parameters"
NUMBERS = f"{DEV}/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number"
SETS = f"{DEV}/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.SetTypes"
NAMING = f"{DEV}/HowItWorks.NamingRulesDataTypes.html#HowItWorks.NamingRules"
KEY_CONDITIONS = f"{DEV}/Query.KeyConditionExpressions.html"
PAGINATION = f"{DEV}/Query.Pagination.html"
NAMES = f"{DEV}/Expressions.ExpressionAttributeNames.html"
CONDITIONS = f"{DEV}/Expressions.ConditionExpressions.html"
OPERATORS_AND_FUNCTIONS = f"{DEV}/Expressions.OperatorsAndFunctions.html"
COMPARISONS = f"{OPERATORS_AND_FUNCTIONS}#Expressions.OperatorsAndFunctions.Comparators"
FUNCTIONS = f"{OPERATORS_AND_FUNCTIONS}#Expressions.OperatorsAndFunctions.Functions"
UPDATES = f"{DEV}/Expressions.UpdateExpressions.html"
IF_NOT_EXISTS = f"{UPDATES}#Expressions.UpdateExpressions.SET.PreventingAttributeOverwrites"
CONSISTENCY = f"{DEV}/HowItWorks.ReadConsistency.html"
PUT_ITEM = f"{API}/API_PutItem.html"
UPDATE_ITEM = f"{API}/API_UpdateItem.html"
DELETE_ITEM = f"{API}/API_DeleteItem.html"
GET_ITEM = f"{API}/API_GetItem.html"
QUERY = f"{API}/API_Query.html"
QUERY_CONSISTENT = f"{QUERY}#DDB-Query-request-ConsistentRead"
QUERY_SELECT = f"{QUERY}#DDB-Query-request-Select"
QUERY_LAST_KEY = f"{QUERY}#DDB-Query-response-LastEvaluatedKey"
QUERY_ERRORS = f"{QUERY}#API_Query_Errors"
PROJECTION = f"{API}/API_Projection.html"
GSI_DOC = f"{DEV}/GSI.html"
GSI_SCENARIO = f"{GSI_DOC}#GSI.scenario"
GSI_WRITES = f"{GSI_DOC}#GSI.Writes"
LSI_DOC = f"{DEV}/LSI.html"
LSI_QUERYING = f"{LSI_DOC}#LSI.Querying"
LSI_WRITES = f"{LSI_DOC}#LSI.Writes"
INDEX_KEY_VIOLATIONS = f"{DEV}/GSI.OnlineOps.ViolationDetection.html"
SPARSE = f"{DEV}/bp-indexes-general-sparse-indexes.html"

BACKENDS = ("memory", "moto", "dynalite", "ministack")
LIMIT = 409_600
MIB = 1_048_576


@dataclass(frozen=True)
class Behaviour:
    """One documented behaviour, its probes, and what each backend did.

    Attributes:
        anchor: The row's id in docs/fidelity.md, and the probe's test id.
        title: The behaviour, in a few words.
        documented: What DynamoDB's documentation says, with the link (markdown).
        expected: The outcome the documentation implies, in the probes' words; None
            where the documentation is silent.
        on_memory: The probe of the in-memory store (a fresh one).
        on_engine: The probe of an engine (a table shared by the probes).
        recorded: The outcome each backend gave: memory, moto, dynalite, ministack.
        why: Why the in-memory cell cannot read `expected`, where it does not.
        indexed: The probes need the secondary indexes: the in-memory store declares
            them (``_steps_indexes.index_specs``), an engine's probe gets the indexed
            probe table (``_raw.create_indexed_table``).
    """

    anchor: str
    title: str
    documented: str
    expected: str | None
    on_memory: Callable[[KeyValueStore], str]
    on_engine: Callable[[RawTable], str]
    recorded: dict[str, str]
    why: str = ""
    indexed: bool = False

    def deviates(self, backend: str) -> bool:
        """Whether `backend`'s recorded outcome differs from the documented one."""
        return self.expected is not None and self.recorded[backend] != self.expected


def recorded_as(outcome: str, **exceptions: str) -> dict[str, str]:
    """`outcome` for every backend, but those given as keywords."""
    return {backend: exceptions.get(backend, outcome) for backend in BACKENDS}
