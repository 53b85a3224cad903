"""Collecting the shipped contract suite under its one module name.

pytest names a test module after the directories above it that hold an
``__init__.py``. ``lvrgd`` and ``lvrgd.common`` are namespace packages (they have
none), so without help pytest would import the suite as ``services.testing.
contracts.test_create``, and ``lvrgd.common.services`` a second time under the name
``services``, with classes of its own. These hooks collect the suite's directory
as a plain directory and its modules by their real names, wherever the package lies:
site-packages, or a checkout's ``contracts/`` directory.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from types import ModuleType

    from lvrgd.common.services.kvstore import KeyValueStore

CONTRACTS = "lvrgd.common.services.testing.contracts"


@pytest.fixture(name="store")
def contract_store(kvstore: KeyValueStore) -> KeyValueStore:
    """The contract cases' name for ``kvstore``."""
    return kvstore


class ContractModule(pytest.Module):
    """A module of the contract suite, imported by its package name, with ``store``."""

    def _getobj(self) -> ModuleType:
        module = importlib.import_module(f"{CONTRACTS}.{self.path.stem}")
        module.__dict__.setdefault("store", contract_store)
        return module


@cache
def _contracts_dir() -> Path:
    package = importlib.import_module(CONTRACTS)
    return Path(str(package.__file__)).parent.resolve()


@cache
def _package_dirs() -> frozenset[Path]:
    """The suite's directory and the packages above it, up to ``lvrgd.common.services``."""
    contracts = importlib.import_module(CONTRACTS)
    here = Path(str(contracts.__file__)).parent
    return frozenset(path.resolve() for path in (here, here.parent, here.parent.parent))


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect the suite's directory, and the packages above it, as plain directories."""
    if path.resolve() in _package_dirs():
        return pytest.Dir.from_parent(parent, path=path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    """Collect a module of the suite as a ContractModule."""
    if module_path.resolve().parent == _contracts_dir():
        return ContractModule.from_parent(parent, path=module_path)
    return None
