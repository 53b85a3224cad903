"""The testing kit's plugin, in pytest runs of its own (pytester), on stores that need no engine."""

from __future__ import annotations

import importlib.util
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

OPT_IN = 'pytest_plugins = ["lvrgd.common.services.testing.plugin"]\n'
EVENT_LOOPS = 2 if importlib.util.find_spec("trio") else 1
"""anyio's pytest plugin runs each async test on asyncio, and on trio where it is installed."""

BACKENDS = textwrap.dedent(
    """
    from lvrgd.common.services import InMemoryKeyValueStore, UnsupportedOperationError
    from lvrgd.common.services.testing import Feature, StoreBackend
    from lvrgd.common.services.testing.adapters import EngineUnavailableError

    RELEASED = []


    def counting(logger):
        return InMemoryKeyValueStore(logger)


    class NoTransactions(StoreBackend):
        name = "no-tx"
        lacks = {Feature.TRANSACTIONS: "it has none"}

        def new_store(self, logger):
            return InMemoryKeyValueStore(logger)

        def release(self, store):
            RELEASED.append(store)
            store.close()


    class _Refusing(InMemoryKeyValueStore):
        def transaction(self):
            raise UnsupportedOperationError("transaction", "http://x", "TransactWriteItems")


    class Refusing(StoreBackend):
        name = "refusing"

        def new_store(self, logger):
            return _Refusing(logger)


    class Broken(StoreBackend):
        name = "broken"

        def start(self):
            raise EngineUnavailableError("broken", "no engine here")
    """
)


@pytest.fixture
def kit(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest run of its own that opted in, with backends of its own importable."""
    for variable in ("CI", "KVSTORE_REQUIRE", "KVSTORE_BACKENDS"):
        monkeypatch.delenv(variable, raising=False)
    pytester.makeconftest(OPT_IN)
    pytester.makepyfile(mybackends=BACKENDS)
    pytester.syspathinsert()
    return pytester


def test_plugin_without_the_opt_in_line_changes_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(kvstore):\n    pass\n")

    result = pytester.runpytest()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'kvstore' not found*"])
    assert "--kvstore-backend" not in pytester.runpytest("--help").stdout.str()


def test_plugin_kvstore_is_an_empty_in_memory_store_by_default(kit: pytest.Pytester) -> None:
    kit.makepyfile(
        """
        from lvrgd.common.services import InMemoryKeyValueStore, KeyValueItem

        def test_first(kvstore):
            assert isinstance(kvstore, InMemoryKeyValueStore)
            kvstore.create(KeyValueItem(pk="a", sk="b"))

        def test_second(kvstore):
            assert kvstore.get_one("a", "b", KeyValueItem) is None
            kvstore.create(KeyValueItem(pk="a", sk="b"))
        """
    )

    result = kit.runpytest("-v")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_first?memory? PASSED*", "*test_second?memory? PASSED*"])


def test_plugin_runs_each_test_once_per_chosen_backend(kit: pytest.Pytester) -> None:
    kit.makepyfile(
        """
        def test_x(kvstore, kvstore_backend):
            assert kvstore.ping()

        def test_without_the_fixtures():
            pass
        """
    )

    result = kit.runpytest("-v", "--kvstore-backend", "memory,mybackends:counting")

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_x?memory? PASSED*",
            "*test_x?counting? PASSED*",
            "*test_without_the_fixtures PASSED*",
        ]
    )


def test_plugin_takes_the_backends_from_the_ini_when_no_option_names_them(
    kit: pytest.Pytester,
) -> None:
    kit.makeini("[pytest]\nkvstore_backends = mybackends:counting memory\n")
    kit.makepyfile("def test_x(kvstore):\n    pass\n")

    result = kit.runpytest("-v")

    result.stdout.fnmatch_lines(["*test_x?counting? PASSED*", "*test_x?memory? PASSED*"])


def test_plugin_refuses_an_unknown_backend(kit: pytest.Pytester) -> None:
    result = kit.runpytest("--kvstore-backend", "mongo")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            (
                "*unknown kvstore backend 'mongo'; known: memory, memory-manual, memory-random, "
                "memory-async, moto*"
            )
        ]
    )


def test_plugin_skips_a_marked_test_on_a_backend_lacking_the_feature(kit: pytest.Pytester) -> None:
    kit.makepyfile(
        """
        import pytest

        @pytest.mark.transactions
        def test_needs_transactions(kvstore):
            pass

        def test_needs_nothing(kvstore):
            pass
        """
    )

    result = kit.runpytest("-rs", "--kvstore-backend", "memory,mybackends:NoTransactions")

    result.assert_outcomes(passed=3, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*no-tx lacks transactions: it has none"])


def test_plugin_backend_require_skips_saying_what_is_lacking(kit: pytest.Pytester) -> None:
    kit.makepyfile(
        """
        from lvrgd.common.services.testing import Feature

        def test_x(kvstore_backend):
            assert kvstore_backend.has(Feature.FULL_SIZE_ITEMS)
            kvstore_backend.require(Feature.TRANSACTIONS)
        """
    )

    result = kit.runpytest("-rs", "--kvstore-backend", "mybackends:NoTransactions,memory")

    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*no-tx lacks transactions: it has none"])


def test_plugin_skips_a_call_the_engine_does_not_implement_naming_both(
    kit: pytest.Pytester,
) -> None:
    kit.makepyfile(
        """
        def test_x(kvstore):
            with kvstore.transaction():
                pass
        """
    )

    result = kit.runpytest("-rs", "--kvstore-backend", "mybackends:Refusing")

    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED*refusing does not implement TransactWriteItems (needed by transaction)*"]
    )


def test_plugin_leaves_the_error_of_a_test_outside_the_kit_alone(kit: pytest.Pytester) -> None:
    kit.makepyfile(
        """
        from lvrgd.common.services import UnsupportedOperationError

        def test_x():
            raise UnsupportedOperationError("transaction", "http://x", "TransactWriteItems")
        """
    )

    kit.runpytest().assert_outcomes(failed=1)


def test_plugin_skips_every_test_of_a_backend_that_cannot_start(kit: pytest.Pytester) -> None:
    kit.makepyfile("def test_a(kvstore):\n    pass\n\ndef test_b(kvstore):\n    pass\n")

    result = kit.runpytest("-rs", "--kvstore-backend", "mybackends:Broken,memory")

    result.assert_outcomes(passed=2, skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED*backend 'broken' cannot start: no engine here"])


@pytest.mark.parametrize("how", [("--kvstore-require",), ("CI", "true"), ("KVSTORE_REQUIRE", "1")])
def test_plugin_fails_on_a_backend_that_cannot_start_when_required(
    kit: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: tuple[str, ...]
) -> None:
    kit.makepyfile("def test_a(kvstore):\n    pass\n")
    arguments = list(how) if len(how) == 1 else []
    if len(how) == 2:
        monkeypatch.setenv(*how)

    result = kit.runpytest("--kvstore-backend", "mybackends:Broken", *arguments)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*backend 'broken' cannot start: no engine here (required*"])


def test_plugin_factory_gives_separate_stores_released_after_the_test(
    kit: pytest.Pytester,
) -> None:
    kit.makepyfile(
        """
        from lvrgd.common.services import KeyValueItem, LoggingService
        import mybackends

        def test_two_stores(kvstore_factory):
            first = kvstore_factory(LoggingService("first"))
            second = kvstore_factory()
            first.create(KeyValueItem(pk="a", sk="b"))
            assert second.get_one("a", "b", KeyValueItem) is None
            assert mybackends.RELEASED == []

        def test_afterwards():
            assert len(mybackends.RELEASED) == 2
            assert not any(store.ping() for store in mybackends.RELEASED)
        """
    )

    result = kit.runpytest("--kvstore-backend", "mybackends:NoTransactions")

    result.assert_outcomes(passed=2)


def test_plugin_runs_the_contract_suite_against_a_backend_of_ones_own(
    kit: pytest.Pytester, tmp_path: Path
) -> None:
    seen = tmp_path / "modules.txt"
    kit.makeconftest(
        OPT_IN
        + textwrap.dedent(
            f"""
            import sys

            def pytest_sessionfinish(session):
                with open({str(seen)!r}, "w") as out:
                    out.write("\\n".join(sys.modules))
            """
        )
    )

    result = kit.runpytest(
        "-rs",
        "--pyargs",
        "lvrgd.common.services.testing.contracts",
        "--kvstore-backend",
        "mybackends:NoTransactions",
        "-k",
        "test_transactions or test_create",
    )

    outcomes = result.parseoutcomes()
    assert outcomes["passed"] > 0
    assert outcomes["skipped"] > 0
    assert "failed" not in outcomes
    assert "errors" not in outcomes
    result.stdout.fnmatch_lines(["SKIPPED*no-tx lacks transactions: it has none"])
    modules = seen.read_text().split()
    assert "lvrgd.common.services.testing.contracts.test_create" in modules
    roots = {name.split(".")[0] for name in modules}
    assert not roots & {"services", "testing", "contracts", "adapters"}


def test_plugin_async_kvstore_is_an_empty_async_store_on_each_backend_with_an_async_form(
    kit: pytest.Pytester,
) -> None:
    kit.makepyfile(
        """
        import pytest
        from lvrgd.common.services import AsyncInMemoryKeyValueStore, KeyValueItem

        pytestmark = pytest.mark.anyio

        async def test_first(async_kvstore):
            assert isinstance(async_kvstore, AsyncInMemoryKeyValueStore)
            await async_kvstore.create(KeyValueItem(pk="a", sk="b"))

        async def test_second(async_kvstore):
            assert await async_kvstore.get_one("a", "b", KeyValueItem) is None
        """
    )

    result = kit.runpytest(
        "-v", "-rs", "-p", "anyio", "--kvstore-backend", "memory,memory-async,mybackends:counting"
    )

    result.assert_outcomes(passed=4 * EVENT_LOOPS, skipped=2 * EVENT_LOOPS)
    result.stdout.fnmatch_lines(
        [
            "*test_first?asyncio-memory? PASSED*",
            "*test_first?asyncio-memory-async? PASSED*",
            "SKIPPED*backend 'counting' has no async form*",
        ]
    )


def test_plugin_async_kvstore_closes_the_store_after_the_test(kit: pytest.Pytester) -> None:
    kit.makepyfile(
        """
        import pytest

        STORES = []

        @pytest.mark.anyio
        async def test_keep(async_kvstore):
            STORES.append(async_kvstore)
            assert await async_kvstore.ping()

        @pytest.mark.anyio
        async def test_closed():
            assert await STORES[0].ping() is False
        """
    )

    kit.runpytest("-p", "anyio", "-p", "no:randomly").assert_outcomes(passed=2 * EVENT_LOOPS)


def test_plugin_runs_sync_tests_on_the_async_form_of_a_backend_of_your_own(
    kit: pytest.Pytester,
) -> None:
    kit.makepyfile(
        asyncbackends="""
        from lvrgd.common.services import AsyncInMemoryKeyValueStore
        from lvrgd.common.services.testing import AsyncForm, StoreBackend

        class Mine(StoreBackend):
            name = "mine"

            def new_async_store(self, logger, indexes=()):
                return AsyncInMemoryKeyValueStore(logger, indexes=indexes)

        MINE_ASYNC = AsyncForm(Mine(), "mine-async")
        """
    )
    kit.makepyfile(
        """
        from lvrgd.common.services import KeyValueItem, KeyValueStore
        from lvrgd.common.services.testing.adapters._blocking import BlockingKeyValueStore

        def test_x(kvstore):
            assert isinstance(kvstore, KeyValueStore)
            assert isinstance(kvstore, BlockingKeyValueStore)
            kvstore.create(KeyValueItem(pk="a", sk="b"))
            assert kvstore.get_one("a", "b", KeyValueItem) is not None
        """
    )

    result = kit.runpytest("-v", "--kvstore-backend", "asyncbackends:MINE_ASYNC")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_x?mine-async? PASSED*"])
