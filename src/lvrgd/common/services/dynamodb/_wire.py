"""The store's calls (`kvstore._steps`) in DynamoDB's terms: requests, replies, errors.

Pure functions of values, shared by every DynamoDB adapter whatever its form: a sync
or async adapter's primitive builds the request of a call here, sends it through its
driver, and reads the answer (or the error) here. Each call is one request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from lvrgd.common.services.kvstore._steps import (
    CONDITION_FAILED,
    NO_FAILURE,
    TRANSACTION_CANCELED,
    BatchRead,
    EngineError,
    Op,
    Reason,
    Selected,
)
from lvrgd.common.services.kvstore._writes import Create, Delete, Update

from ._errors import error_code
from ._requests import (
    batch_get_request,
    batch_write_request,
    get_request,
    patch_item_request,
    query_request,
    start_key,
    transact_item,
    write_request,
)
from ._schema import index_problems

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

    from lvrgd.common.services.kvstore._batches import Key
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._indexes import IndexSpec, Position
    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.kvstore._patch import Patch
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.kvstore._writes import Write

Request = dict[str, Any]
Answer = Mapping[str, Any]

_ENGINE_CODES = {
    "ConditionalCheckFailedException": CONDITION_FAILED,
    "TransactionCanceledException": TRANSACTION_CANCELED,
}


@dataclass(frozen=True, slots=True)
class Wire:
    """One table's calls in DynamoDB's JSON protocol.

    Attributes:
        table: The table's name.
        consistent_reads: What a read that leaves consistency to the store asks for.
        indexes: The declared indexes, which `ping` finds on the table.
        entity_attribute: Where items store their entity name.
    """

    table: str
    consistent_reads: bool
    indexes: tuple[IndexSpec, ...]
    entity_attribute: str

    def request(self, call: Call) -> tuple[str, Request]:
        """The DynamoDB operation that takes `call`'s step, and its parameters."""
        build: Callable[..., tuple[str, Request]] = _REQUESTS[call.operation]
        return build(self, **call.params)

    def reply(self, call: Call, answer: Answer) -> Any:
        """What `call` replies, read from DynamoDB's `answer` (None for a write or commit)."""
        read = _REPLIES.get(call.operation)
        return None if read is None else read(self, answer)

    def _write(self, operation: str, write: Create | Update | Delete) -> tuple[str, Request]:
        del operation  # named in the port's errors, not in the request
        return _WRITES[type(write)], write_request(self.table, write)

    def _patch(self, operation: str, patch: Patch) -> tuple[str, Request]:
        del operation
        return "UpdateItem", patch_item_request(self.table, patch)

    def _get(self, pk: str, sk: str, *, consistent: bool | None) -> tuple[str, Request]:
        chosen = self.consistent_reads if consistent is None else consistent
        return "GetItem", get_request(self.table, pk, sk, consistent=chosen)

    def _batch_get(self, keys: list[Key]) -> tuple[str, Request]:
        return "BatchGetItem", batch_get_request(self.table, keys, consistent=self.consistent_reads)

    def _batch_put(self, items: dict[Key, Item]) -> tuple[str, Request]:
        return "BatchWriteItem", batch_write_request(self.table, list(items.values()))

    def _commit(self, operation: str, writes: list[Write]) -> tuple[str, Request]:
        del operation
        return "TransactWriteItems", {
            "TransactItems": [transact_item(self.table, write) for write in writes]
        }

    def _describe(self) -> tuple[str, Request]:
        return "DescribeTable", {"TableName": self.table}

    def _read_query(self, answer: Answer) -> Selected:
        return Selected(list(answer["Items"]), answer.get("LastEvaluatedKey"))

    def _read_patch(self, answer: Answer) -> Item | None:
        after: Item | None = answer.get("Attributes")
        return after

    def _read_item(self, answer: Answer) -> Item | None:
        found: Item | None = answer.get("Item")
        return found

    def _read_put(self, answer: Answer) -> list[Key]:
        left = answer.get("UnprocessedItems", {}).get(self.table) or []
        return [_key_of(put["PutRequest"]["Item"]) for put in left]

    def _read_describe(self, answer: Answer) -> str | None:
        return self._unusable(answer["Table"])

    def _query(
        self, query: KeyQuery, after: Position | None, resume: object, limit: int | None
    ) -> tuple[str, Request]:
        index = query.index
        start = resume
        if start is None and after is not None:
            start = start_key(query.pk, index, after)
        consistent = query.consistent
        if consistent is None and (index is None or index.spec.local):
            consistent = self.consistent_reads
        return "Query", query_request(
            self.table, query.pk, query.condition, descending=query.descending,
            consistent=consistent, limit=limit, start_key=start, index=index,  # type: ignore[arg-type]
        )  # fmt: skip

    def _batch_read(self, answer: Answer) -> BatchRead:
        found = list(answer.get("Responses", {}).get(self.table, []))
        left = answer.get("UnprocessedKeys", {}).get(self.table) or {}
        return BatchRead(found, [_key_of(key) for key in left.get("Keys", [])])

    def _unusable(self, table: Mapping[str, Any]) -> str | None:
        """Why the described table does not serve the store, or None when it does."""
        status = table.get("TableStatus")
        problems = index_problems(dict(table), self.indexes, self.entity_attribute)
        if status == "ACTIVE" and not problems:
            return None
        return "; ".join(problems) if status == "ACTIVE" else f"the table is {status}"


def raise_engine_error(error: ClientError) -> NoReturn:
    """Raise what a plan reads for `error`: its EngineError (``from`` it), or `error` itself.

    Every DynamoDB adapter's primitive calls this on a ClientError of its driver.
    """
    engine = engine_error(error)
    if engine is None:
        raise error
    raise engine from error


def engine_error(error: ClientError) -> EngineError | None:
    """The EngineError a plan reads for DynamoDB's `error`; None for any other error.

    A failed condition (ConditionalCheckFailedException, with the item met when ALL_OLD
    returned it) and a canceled transaction (with its CancellationReasons).
    """
    code = _ENGINE_CODES.get(error_code(error))
    if code is None:
        return None
    response: Mapping[str, Any] = error.response
    message = str(response.get("Error", {}).get("Message", ""))
    attempts = response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
    reasons = tuple(_reason(each) for each in response.get("CancellationReasons", []))
    return EngineError(
        code, message, reasons=reasons, item=response.get("Item"), has_item="Item" in response,
        attempts=attempts,
    )  # fmt: skip


def _reason(reason: Mapping[str, Any]) -> Reason:
    return Reason(
        str(reason.get("Code", NO_FAILURE)),
        str(reason.get("Message", "")),
        reason.get("Item"),
        has_item="Item" in reason,
    )


_WRITES = {Create: "PutItem", Update: "UpdateItem", Delete: "DeleteItem"}
_REQUESTS: dict[Op, Callable[..., tuple[str, Request]]] = {
    Op.WRITE: Wire._write,  # noqa: SLF001 - the class's own table of its requests
    Op.PATCH: Wire._patch,  # noqa: SLF001
    Op.GET: Wire._get,  # noqa: SLF001
    Op.QUERY: Wire._query,  # noqa: SLF001
    Op.BATCH_GET: Wire._batch_get,  # noqa: SLF001
    Op.BATCH_PUT: Wire._batch_put,  # noqa: SLF001
    Op.COMMIT: Wire._commit,  # noqa: SLF001
    Op.DESCRIBE: Wire._describe,  # noqa: SLF001
}
_REPLIES: dict[Op, Callable[[Wire, Answer], Any]] = {
    Op.PATCH: Wire._read_patch,  # noqa: SLF001
    Op.GET: Wire._read_item,  # noqa: SLF001
    Op.QUERY: Wire._read_query,  # noqa: SLF001
    Op.BATCH_GET: Wire._batch_read,  # noqa: SLF001
    Op.BATCH_PUT: Wire._read_put,  # noqa: SLF001
    Op.DESCRIBE: Wire._read_describe,  # noqa: SLF001
}


def _key_of(item: Item) -> Key:
    return item["pk"]["S"], item["sk"]["S"]
