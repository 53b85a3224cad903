"""Importing the package costs no boto3: the DynamoDB names load on first use."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# One fresh interpreter takes the steps in order and reports, after each, whether
# boto3 and botocore are in sys.modules.
STEPS = {
    "from_import_in_memory_store": "from lvrgd.common.services import InMemoryKeyValueStore",
    "import_package": "import lvrgd.common.services",
    "use_memory_store": (
        "from lvrgd.common.services import LoggingService\n"
        "InMemoryKeyValueStore(LoggingService()).ping()"
    ),
    "access_dynamodb_service": "lvrgd.common.services.DynamoDBService",
}
PROBE = textwrap.dedent(
    """
    import json, sys
    seen = {}
    for name, step in json.loads(sys.argv[1]).items():
        exec(step)
        seen[name] = {module: module in sys.modules for module in ("boto3", "botocore")}
    print(json.dumps(seen))
    """
)


@pytest.fixture(scope="module")
def boto_loaded() -> dict[str, dict[str, bool]]:
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", PROBE, json.dumps(STEPS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, dict[str, bool]] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "step", ["from_import_in_memory_store", "import_package", "use_memory_store"]
)
def test_import_without_dynamodb_names_loads_no_boto(
    step: str, boto_loaded: dict[str, dict[str, bool]]
) -> None:
    assert boto_loaded[step] == {"boto3": False, "botocore": False}


def test_import_accessing_dynamodb_service_loads_boto(
    boto_loaded: dict[str, dict[str, bool]],
) -> None:
    assert boto_loaded["access_dynamodb_service"] == {"boto3": True, "botocore": True}
