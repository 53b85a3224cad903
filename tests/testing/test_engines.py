"""The testing kit on a real engine: its table pool, its shared engines, its clean-up.

The engine is the run's own moto, which the kit starts once for the whole run
(``backend_for``); under CI it must start.
"""

from __future__ import annotations

import http.client
import json
import textwrap
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from lvrgd.common.services import create_table, delete_table
from lvrgd.common.services.dynamodb._table import new_client
from lvrgd.common.services.testing import empty_table
from lvrgd.common.services.testing.adapters._dynamodb import local_config
from lvrgd.common.services.testing.adapters._tables import TablePool
from lvrgd.common.services.testing.plugin import backend_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from mypy_boto3_dynamodb import DynamoDBClient

    from lvrgd.common.services import DynamoDBConfig

ITEMS = 60  # more than two BatchWriteItem requests' worth
BIG_NUMBER = "1.2345678901234567890123456789012345678E+125"  # moto cannot project it


@pytest.fixture(scope="module")
def moto_url(request: pytest.FixtureRequest) -> str:
    """Where the run's moto answers."""
    url = backend_for(request.config, "moto").endpoint_url
    assert url is not None
    return url


@pytest.fixture
def prefix() -> str:
    return f"kit-{uuid.uuid4().hex[:8]}-"


@pytest.fixture
def client(moto_url: str) -> Iterator[DynamoDBClient]:
    client = new_client(local_config(moto_url, "any-table"))
    yield client
    client.close()


def tables(client: DynamoDBClient, prefix: str) -> list[str]:
    names = client.list_tables()["TableNames"]
    return [name for name in names if name.startswith(prefix)]


def fill(client: DynamoDBClient, table: str, count: int = ITEMS) -> None:
    for index in range(count):
        item = {"pk": {"S": f"p{index % 7}"}, "sk": {"S": f"s{index}"}, "n": {"N": BIG_NUMBER}}
        client.put_item(TableName=table, Item=item)


def count(client: DynamoDBClient, table: str) -> int:
    return int(client.scan(TableName=table, Select="COUNT", ConsistentRead=True)["Count"])


def answers(url: str) -> bool:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=1)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def test_pool_hands_a_table_back_out_emptied_and_deletes_its_tables(
    moto_url: str, client: DynamoDBClient, prefix: str
) -> None:
    pool = TablePool(lambda table: local_config(moto_url, table), prefix)
    first = pool.lease()
    fill(client, first.table_name)
    pool.give_back(first)

    again = pool.lease()

    assert again.table_name == first.table_name
    assert count(client, again.table_name) == 0
    other = pool.lease()
    assert other.table_name != again.table_name
    assert len(tables(client, prefix)) == 2
    pool.close()
    assert tables(client, prefix) == []


def test_empty_table_deletes_every_item_and_keeps_the_table(
    moto_url: str, client: DynamoDBClient, prefix: str
) -> None:
    config = local_config(moto_url, f"{prefix}table")
    create_table(config)
    fill(client, config.table_name)

    assert empty_table(config) == ITEMS

    assert count(client, config.table_name) == 0
    assert empty_table(config) == 0
    delete_table(config)


def test_delete_table_removes_it_and_leaves_a_missing_one_alone(
    moto_url: str, client: DynamoDBClient, prefix: str
) -> None:
    config: DynamoDBConfig = local_config(moto_url, f"{prefix}table")
    create_table(config)
    fill(client, config.table_name, 3)

    delete_table(config)

    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.describe_table(TableName=config.table_name)
    delete_table(config)


def test_workers_share_one_engine_which_is_stopped_at_the_end(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makeconftest('pytest_plugins = ["lvrgd.common.services.testing.plugin"]\n')
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import json, os, pytest

            @pytest.mark.parametrize("n", range(8))
            def test_x(kvstore, kvstore_backend, n):
                record = {{"url": kvstore_backend.endpoint_url, "pid": os.getpid()}}
                with open({str(tmp_path)!r} + f"/{{n}}.json", "w") as out:
                    json.dump(record, out)
            """
        )
    )

    result = pytester.runpytest_subprocess("-n", "2", "--kvstore-backend", "moto")

    result.assert_outcomes(passed=8)
    records = [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]
    assert len(records) == 8
    assert len({record["pid"] for record in records}) == 2
    (url,) = {record["url"] for record in records}
    assert not answers(url)


def test_endpoint_backend_reuses_one_table_per_process_and_deletes_it(
    pytester: pytest.Pytester, moto_url: str, client: DynamoDBClient, prefix: str
) -> None:
    pytester.makeconftest('pytest_plugins = ["lvrgd.common.services.testing.plugin"]\n')
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import pytest
            from lvrgd.common.services import KeyValueItem
            from lvrgd.common.services.dynamodb._table import new_client
            from lvrgd.common.services.testing.adapters._dynamodb import local_config

            def tables(url):
                client = new_client(local_config(url, "any-table"))
                names = client.list_tables()["TableNames"]
                client.close()
                return [name for name in names if name.startswith({prefix!r})]

            @pytest.mark.parametrize("n", range(3))
            def test_x(kvstore, kvstore_backend, n):
                assert kvstore.get_one("a", "b", KeyValueItem) is None
                kvstore.create(KeyValueItem(pk="a", sk="b"))
                assert len(tables(kvstore_backend.endpoint_url)) == 1
            """
        )
    )

    result = pytester.runpytest_subprocess(
        "-p",
        "no:xdist",
        "--kvstore-backend",
        "endpoint",
        "--kvstore-endpoint",
        moto_url,
        "--kvstore-table-prefix",
        prefix,
    )

    result.assert_outcomes(passed=3)
    assert tables(client, prefix) == []
