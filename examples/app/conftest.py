"""The one line that gives the tests a store: the testing kit's pytest plugin.

``pytest`` runs them on the in-memory store; ``pytest --kvstore-backend moto`` on
moto's server, ``--kvstore-backend memory,moto,ministack`` on each in turn.
"""

pytest_plugins = ["lvrgd.common.services.testing.plugin"]
