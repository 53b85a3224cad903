"""The repository's test run: the testing kit's plugin, as a user's run has it.

The kit (``lvrgd.common.services.testing.plugin``) gives the contract suite its
``store`` on every backend chosen with ``--kvstore-backend``; pyproject.toml's
``kvstore_backends`` names every backend but ``endpoint`` (which needs the user's
endpoint). A backend that cannot start fails the run under CI (``CI`` set) or with
``--kvstore-require``, and skips, saying why, elsewhere.

Two spellings stay from before the kit: ``--backend NAME`` is ``--kvstore-backend``,
and ``--require-backends`` (whatever its value) or ``KVSTORE_REQUIRED`` is
``--kvstore-require``.
"""

from __future__ import annotations

import os

import pytest

# pytester runs the kit's own tests (tests/testing/) in pytest runs of their own.
pytest_plugins = ["lvrgd.common.services.testing.plugin", "pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--backend`` and ``--require-backends``, the kit's options by other names."""
    group = parser.getgroup("kvstore")
    group.addoption("--backend", action="append", default=[], help="= --kvstore-backend")
    group.addoption("--require-backends", default=None, help="= --kvstore-require")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Hand the older spellings to the kit's options, before the kit reads them."""
    config.option.kvstore_backend = [*config.option.kvstore_backend, *config.option.backend]
    if config.option.require_backends or os.environ.get("KVSTORE_REQUIRED"):
        config.option.kvstore_require = True
