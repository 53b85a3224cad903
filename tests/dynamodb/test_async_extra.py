"""The optional extra: the base install imports neither httpx nor anyio, and says what is missing.

Each check runs in a fresh interpreter. Where the extra is "not installed", an import
hook refuses httpx and anyio as an interpreter without them would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

ASYNC_LIBRARIES = ("httpx", "anyio", "httpcore", "sniffio")

WITHOUT_THE_EXTRA = textwrap.dedent(
    """
    import importlib.abc, sys

    class Missing(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("httpx", "anyio"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Missing())
    """
)


def _run(script: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", script, *ASYNC_LIBRARIES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_package_and_the_sync_adapter_import_no_async_library() -> None:
    found = _run(
        textwrap.dedent(
            """
            import json, sys
            import lvrgd.common.services as services
            from pydantic import SecretStr
            config = services.DynamoDBConfig(
                table_name="things", aws_access_key_id="a", aws_secret_access_key=SecretStr("b")
            )
            services.DynamoDBService(services.LoggingService(), config).close()
            print(json.dumps({name: name in sys.modules for name in sys.argv[1:]}))
            """
        )
    )

    assert found == dict.fromkeys(ASYNC_LIBRARIES, False)


def test_without_the_extra_the_async_modules_name_it_and_the_rest_works() -> None:
    found = _run(
        WITHOUT_THE_EXTRA
        + textwrap.dedent(
            """
            import importlib, json
            from lvrgd.common.services import DynamoDBService, InMemoryKeyValueStore
            from lvrgd.common.services.dynamodb._async_transport import AsyncTransport
            errors = {}
            for module in ("_async_driver", "_async_credentials", "_async_parts", "_httpx"):
                try:
                    importlib.import_module(f"lvrgd.common.services.dynamodb.{module}")
                except ImportError as exc:
                    errors[module] = [type(exc).__name__, str(exc), exc.name]
            print(json.dumps(errors))
            """
        )
    )

    assert set(found) == {"_async_driver", "_async_credentials", "_async_parts", "_httpx"}
    for kind, message, name in found.values():
        assert kind == "ImportError"
        assert "lvrgd-common[async]" in message
        assert name in {"httpx", "anyio"}
        assert f"needs {name}" in message


def test_without_the_extra_each_public_async_name_raises_an_error_naming_it() -> None:
    found = _run(
        WITHOUT_THE_EXTRA
        + textwrap.dedent(
            """
            import importlib, json
            errors = {}
            for module, name in (
                ("lvrgd.common.services", "AsyncDynamoDBService"),
                ("lvrgd.common.services", "AsyncInMemoryKeyValueStore"),
                ("lvrgd.common.services.dynamodb", "AsyncDynamoDBService"),
                ("lvrgd.common.services.memory", "AsyncInMemoryKeyValueStore"),
            ):
                try:
                    getattr(importlib.import_module(module), name)
                except ImportError as exc:
                    errors[f"{module}.{name}"] = [type(exc).__name__, str(exc)]
            print(json.dumps(errors))
            """
        )
    )

    assert len(found) == 4
    for kind, message in found.values():
        assert kind == "ImportError"
        assert "pip install 'lvrgd-common[async]'" in message
