"""The testing kit's pytest plugin: the kvstore fixtures on any backend, chosen by flag.

Opt in with one line in your ``conftest.py`` (nothing happens in a run without it)::

    pytest_plugins = ["lvrgd.common.services.testing.plugin"]

or for one run with ``pytest -p lvrgd.common.services.testing.plugin``.

Fixtures:
    kvstore: An empty KeyValueStore, closed after the test.
    kvstore_factory: ``kvstore_factory(logger=None, *, indexes=(), table_indexes=None)``
        builds such a store, declaring `indexes` (engines lease a table that has them,
        or `table_indexes` when given: a table that drifted from the declarations);
        each call gives another empty store, shared with no other.
    kvstore_eventually: ``kvstore_eventually(check)`` runs `check` (which raises
        AssertionError until it holds) once the test's writes show in the global
        indexes: the in-memory store releases its waiting changes, local engines are
        current at once, and the endpoint backend is polled for up to 10 seconds.
    kvstore_backend: The backend's name and what it lacks (BackendInfo), e.g.
        ``kvstore_backend.require(Feature.TRANSACTIONS)`` skips a test on dynalite.
    async_kvstore: An empty AsyncKeyValueStore, closed after the test, for async tests
        run by anyio's pytest plugin (``@pytest.mark.anyio``); a backend without an
        async form skips the test, saying so.

A test that takes any of them runs once per chosen backend, its id the backend's name.
A test marked with a feature (``@pytest.mark.transactions``...) that the backend
lacks skips, saying why; so does a test whose call the engine does not implement
(UnsupportedOperationError), naming the engine and the call.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from lvrgd.common.services.kvstore import UnsupportedOperationError

from ._backends import DEFAULT_LOGGER, BackendInfo, Backends, BackendUnavailableError
from ._collect import pytest_collect_directory, pytest_pycollect_makemodule
from ._options import Choice, add_options, chosen
from .adapters import BackendOptions, Feature
from .adapters._shared import SharedEngines

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Sequence

    from lvrgd.common.services.kvstore import AsyncKeyValueStore, IndexSpec, KeyValueStore
    from lvrgd.common.services.logging import LoggingService

FIXTURES = frozenset(
    {"kvstore", "kvstore_factory", "kvstore_backend", "kvstore_eventually", "async_kvstore"}
)
"""A test that takes one of these runs once per chosen backend."""
PARAMETER = "kvstore_backend_name"
_RUN_DIR = "kvstore_run_dir"
_STORES = pytest.StashKey[list["KeyValueStore"]]()
T = TypeVar("T")


class _Run:
    """What a run chose, its shared engines, and this process's started backends."""

    def __init__(self, config: pytest.Config) -> None:
        self.choice: Choice = chosen(config)
        worker_input: dict[str, Any] | None = getattr(config, "workerinput", None)
        if worker_input is not None and _RUN_DIR in worker_input:
            self.engines = SharedEngines(Path(worker_input[_RUN_DIR]), owner=False)
        else:
            run_dir = Path(tempfile.mkdtemp(prefix="kvstore-engines-"))
            self.engines = SharedEngines(run_dir, owner=True)
        options = BackendOptions(
            endpoint_url=config.getoption("--kvstore-endpoint"),
            region=config.getoption("--kvstore-region"),
            table_prefix=config.getoption("--kvstore-table-prefix"),
            dynamodb_local_image=config.getoption("--kvstore-dynamodb-local-image"),
            engines=self.engines,
        )
        self.backends = Backends(options, self.choice.custom)


_KEY = pytest.StashKey[_Run]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--kvstore-*`` options."""
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Check the chosen backends, and register one mark per feature."""
    for feature in Feature:
        config.addinivalue_line(
            "markers", f"{feature.value}: the test needs {feature.value}; skips where lacking"
        )
    config.stash[_KEY] = _Run(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Under pytest-xdist, tell each worker the run's directory of shared engines."""
    node.workerinput[_RUN_DIR] = str(node.config.stash[_KEY].engines.run_dir)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes a kvstore fixture once per chosen backend."""
    if FIXTURES.intersection(metafunc.fixturenames):
        names = metafunc.config.stash[_KEY].choice.names
        metafunc.parametrize(PARAMETER, names, ids=names, scope="session")


def backend_for(config: pytest.Config, name: str) -> BackendInfo:
    """The run's backend `name`, started on first use; for suites that pick their own.

    Skips the calling test, saying why, when the backend cannot start; fails it
    instead when the run requires its backends (``--kvstore-require``, or ``CI``).

    Args:
        config: The run's config (``request.config``).
        name: A built-in backend's name, or one the run chose.
    """
    run = config.stash[_KEY]
    try:
        return run.backends.get(name)
    except BackendUnavailableError as exc:
        if run.choice.required:
            pytest.fail(f"{exc} (required: --kvstore-require, or CI is set)", pytrace=False)
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def kvstore_backend(kvstore_backend_name: str, request: pytest.FixtureRequest) -> BackendInfo:
    """The backend this test runs on: its name, and the features it lacks."""
    return backend_for(request.config, kvstore_backend_name)


@pytest.fixture
def kvstore_factory(
    kvstore_backend: BackendInfo, request: pytest.FixtureRequest
) -> Iterator[Callable[..., KeyValueStore]]:
    """Builds empty stores on this test's backend: ``kvstore_factory(logger=None)``.

    Each call gives a store that shares nothing with the others; all are closed
    after the test. A test marked with a feature the backend lacks skips first.
    """
    _skip_lacking(kvstore_backend, request)
    made: list[KeyValueStore] = request.node.stash.setdefault(_STORES, [])

    def factory(
        logger: LoggingService | None = None,
        *,
        indexes: Sequence[IndexSpec] = (),
        table_indexes: Sequence[IndexSpec] | None = None,
    ) -> KeyValueStore:
        store = kvstore_backend.new_store(
            logger or DEFAULT_LOGGER,
            tuple(indexes),
            table_indexes=None if table_indexes is None else tuple(table_indexes),
        )
        made.append(store)
        return store

    yield factory
    while made:
        kvstore_backend.release(made.pop())


@pytest.fixture
def kvstore_eventually(
    kvstore_backend: BackendInfo, request: pytest.FixtureRequest
) -> Callable[[Callable[[], T]], T]:
    """``kvstore_eventually(check)``: `check()` once the test's writes show in global indexes.

    Read a global index after a write through it, as DynamoDB shows a write there
    later (the in-memory store can too: ``memory-manual``, ``memory-random``).
    """
    made: list[KeyValueStore] = request.node.stash.setdefault(_STORES, [])

    def eventually(check: Callable[[], T]) -> T:
        return kvstore_backend.eventually(check, made)

    return eventually


@pytest.fixture
def kvstore(kvstore_factory: Callable[..., KeyValueStore]) -> KeyValueStore:
    """An empty KeyValueStore on this test's backend, closed after the test."""
    return kvstore_factory()


@pytest.fixture
async def async_kvstore(
    kvstore_backend: BackendInfo, anyio_backend: object, request: pytest.FixtureRequest
) -> AsyncIterator[AsyncKeyValueStore]:
    """An empty AsyncKeyValueStore on this test's backend, closed after the test.

    Runs under anyio's pytest plugin, on the test's own event loop (`anyio_backend`).
    A test marked with a feature the backend lacks skips first, as with ``kvstore``.
    """
    del anyio_backend  # asked for so that anyio's plugin runs this fixture on the test's loop
    _skip_lacking(kvstore_backend, request)
    store = kvstore_backend.new_async_store(DEFAULT_LOGGER)
    try:
        yield store
    finally:
        await kvstore_backend.release_async(store)


def _skip_lacking(backend: BackendInfo, request: pytest.FixtureRequest) -> None:
    """Skip a test marked with a feature `backend` lacks, saying why."""
    for feature, reason in backend.lacks.items():
        if request.node.get_closest_marker(feature.value) is not None:
            pytest.skip(f"{backend.name} lacks {feature.value}: {reason}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Skip, naming engine and call, a test whose engine lacks a call it made."""
    try:
        return (yield)
    except UnsupportedOperationError as exc:
        backend = getattr(item, "funcargs", {}).get("kvstore_backend")
        if not isinstance(backend, BackendInfo):
            raise
        pytest.skip(
            f"{backend.name} does not implement {exc.api_call} (needed by {exc.operation}); "
            "run this test on an engine that does, such as moto or ministack"
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop this process's backends: their tables are deleted."""
    session.config.stash[_KEY].backends.stop_all()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the run's engines, in the process that owns the run."""
    run = config.stash.get(_KEY, None)
    if run is not None:
        run.engines.stop_all()


__all__ = [
    "async_kvstore",
    "backend_for",
    "kvstore",
    "kvstore_backend",
    "kvstore_eventually",
    "kvstore_factory",
    "pytest_collect_directory",
    "pytest_pycollect_makemodule",
]
