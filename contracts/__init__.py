r"""The contract suite: the behaviour every KeyValueStore must have.

It ships as ``lvrgd.common.services.testing.contracts`` and runs through the testing
kit's pytest plugin, on any backend, one of your own included::

    python -m pytest -p lvrgd.common.services.testing.plugin \
        --pyargs lvrgd.common.services.testing.contracts \
        --kvstore-backend mypackage.testing:MyBackend

Every case takes the ``store`` fixture: the plugin's ``kvstore``, an empty store
that skips, saying why, the cases marked with a feature the backend lacks.
"""

PACKAGE = "lvrgd.common.services.testing.contracts"
if __name__ != PACKAGE:  # a checkout's top-level name: refused before anything runs
    msg = f"import the contract suite as {PACKAGE}, not as {__name__}: one module, one name"
    raise ImportError(msg)
