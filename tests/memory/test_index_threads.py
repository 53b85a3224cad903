"""The in-memory store's indexes under threads: every write path keeps them in its locked step."""

from __future__ import annotations

import random
import threading

import pytest

from lvrgd.common.services import InMemoryKeyValueStore, KeyValueItem, LoggingService
from lvrgd.common.services.kvstore import (
    IndexSpec,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    TransactionCanceledError,
)

INDEXES = (
    IndexSpec(name="by_colour", pk="colour", sk="size"),
    IndexSpec(name="by_colour_keys", pk="colour", projection="keys_only"),
    IndexSpec(name="by_size", pk="pk", sk="size", local=True),
)
COLOURS = ("red", "green", None)
THREADS = 8
OPERATIONS = 300


class Sock(KeyValueItem, entity="tests.memory.test_index_threads.Sock"):
    """An item in or out of the indexes, by its colour."""

    colour: str | None = None
    size: str = "m"


class SockKey(KeyValueItem, entity=Sock):
    """What the keys-only index holds."""

    colour: str | None = None


def _work(store: InMemoryKeyValueStore, seed: int) -> None:
    draw = random.Random(seed)  # noqa: S311 - a replayable workload
    for _ in range(OPERATIONS):
        sock = Sock(
            pk=f"drawer#{draw.randrange(3)}",
            sk=f"sock#{draw.randrange(12)}",
            colour=draw.choice(COLOURS),
            size=draw.choice("sml"),
        )
        action = draw.randrange(5)
        try:
            if action == 0:
                store.create(sock)
            elif action == 1:
                store.update(sock)
            elif action == 2:
                store.delete(sock.pk, sock.sk)
            elif action == 3:
                store.put_many([sock])
            else:
                with store.transaction() as tx:
                    tx.update(sock)
        except (ItemAlreadyExistsError, ItemNotFoundError, TransactionCanceledError):
            pass


@pytest.mark.parametrize("mode", ["immediate", "manual"])
def test_indexes_match_the_table_after_concurrent_writes_of_every_kind(mode: str) -> None:
    store = InMemoryKeyValueStore(
        LoggingService("threads"),
        indexes=INDEXES,
        index_propagation=mode,  # type: ignore[arg-type]
    )
    threads = [threading.Thread(target=_work, args=(store, seed)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.propagate_indexes()

    table = [
        sock for pk in ("drawer#0", "drawer#1", "drawer#2") for sock in store.query_by_pk(pk, Sock)
    ]
    for colour in ("red", "green"):
        expected = sorted((sock.size, sock.pk, sock.sk) for sock in table if sock.colour == colour)
        found = store.query_by_pk(colour, Sock, index="by_colour")
        assert [(sock.size, sock.pk, sock.sk) for sock in found] == expected
        keys = store.query_by_pk(colour, SockKey, index="by_colour_keys")
        assert sorted((sock.pk, sock.sk) for sock in keys) == sorted((p, s) for _, p, s in expected)
    for pk in ("drawer#0", "drawer#1", "drawer#2"):
        in_drawer = sorted((sock.size, sock.sk) for sock in table if sock.pk == pk)
        by_size = store.query_by_pk(pk, Sock, index="by_size")
        assert [(sock.size, sock.sk) for sock in by_size] == in_drawer
