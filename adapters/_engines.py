# Copyright 2026 lvrgd-common contributors. SPDX-License-Identifier: MIT
"""Launchers for the local DynamoDB engines: moto's server, dynalite, ministack.

Each starts its engine as a child process on a free loopback port, with dummy
AWS credentials in that process's environment only, and returns a
:class:`RunningEngine` once the endpoint answers HTTP. Stop it with
``engine.stop()``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from adapters._process import (
    LOOPBACK,
    EngineUnavailableError,
    RunningEngine,
    engine_env,
    free_port,
    launch,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DYNALITE_BIN = PROJECT_ROOT / "node_modules" / ".bin" / "dynalite"
START_TIMEOUT_S = 30.0
NPM_CI_TIMEOUT_S = 300.0
_OUTPUT_TAIL_CHARS = 2000
_DYNALITE = "dynalite"

# ministack serves 60-odd AWS services on every interface by default; keep it to
# DynamoDB on loopback, in memory, and away from Docker and its side listeners.
_MINISTACK_ENV = {
    "BIND_HOST": LOOPBACK,
    "SERVICES": "dynamodb",
    "PERSIST_STATE": "0",
    "USE_SSL": "0",
    "IOT_MTLS_ENABLED": "0",
    "SFTP_ENABLED": "0",
    "LOG_LEVEL": "WARNING",
    "DOCKER_HOST": "unix:///nonexistent/ministack-has-no-docker.sock",
}


def start_moto(timeout_s: float = START_TIMEOUT_S) -> RunningEngine:
    """Start moto's server (``python -m moto.server``) on a free loopback port.

    Args:
        timeout_s: How long it may take to start serving.

    Raises:
        EngineUnavailableError: If it does not start serving in time.
    """
    port = free_port()
    argv = [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)]
    return launch("moto", argv, port=port, env=engine_env(), timeout_s=timeout_s)


def start_dynalite(timeout_s: float = START_TIMEOUT_S) -> RunningEngine:
    """Start dynalite, in memory, on a free loopback port.

    dynalite is the npm package pinned in ``package.json``; when
    ``node_modules`` lacks it, ``npm ci`` installs it from ``package-lock.json``
    first. Tables skip the CREATING and DELETING states, so that a fresh table
    per test costs no waiting.

    Args:
        timeout_s: How long it may take to start serving (after any install).

    Raises:
        EngineUnavailableError: If node or npm is missing, the install fails, or
            dynalite does not start serving in time.
    """
    node = _require_tool(_DYNALITE, "node")
    if not DYNALITE_BIN.exists():
        _npm_ci()
    port = free_port()
    argv = [
        node,
        str(DYNALITE_BIN),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--createTableMs",
        "0",
        "--deleteTableMs",
        "0",
        "--updateTableMs",
        "0",
    ]
    return launch(_DYNALITE, argv, port=port, env=engine_env(), timeout_s=timeout_s)


def start_ministack(timeout_s: float = START_TIMEOUT_S) -> RunningEngine:
    """Start ministack with DynamoDB only, in memory, on a free loopback port.

    Args:
        timeout_s: How long it may take to start serving.

    Raises:
        EngineUnavailableError: If it does not start serving in time.
    """
    port = free_port()
    env = engine_env({**_MINISTACK_ENV, "GATEWAY_PORT": str(port)})
    argv = [sys.executable, "-m", "ministack"]
    return launch("ministack", argv, port=port, env=env, timeout_s=timeout_s)


def _require_tool(engine: str, tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"`{tool}` is not on PATH; install Node.js 20 or later (with npm)"
        raise EngineUnavailableError(engine, reason)
    return path


def _npm_ci() -> None:
    npm = _require_tool(_DYNALITE, "npm")
    argv = [npm, "ci", "--no-audit", "--no-fund"]
    try:
        result = subprocess.run(  # noqa: PLW1510 - the return code is checked below
            argv,
            cwd=PROJECT_ROOT,
            env=engine_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=NPM_CI_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        reason = f"`npm ci` did not finish in {NPM_CI_TIMEOUT_S:.0f}s"
        raise EngineUnavailableError(_DYNALITE, reason) from exc
    if result.returncode != 0 or not DYNALITE_BIN.exists():
        output = (result.stdout + result.stderr).decode("utf-8", errors="replace").strip()
        reason = f"`npm ci` in {PROJECT_ROOT} failed ({result.returncode}): "
        raise EngineUnavailableError(_DYNALITE, reason + output[-_OUTPUT_TAIL_CHARS:])
