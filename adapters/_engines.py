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
from typing import TYPE_CHECKING

from ._process import (
    LOOPBACK,
    EngineUnavailableError,
    RunningEngine,
    engine_env,
    launch_on_free_port,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The repository's root when run from a checkout (its package.json pins dynalite)."""
DYNALITE_BIN = PROJECT_ROOT / "node_modules" / ".bin" / "dynalite"
DYNALITE_VERSION = "4.0.0"
"""The dynalite that ``npx`` runs where no ``node_modules`` has one (package.json's pin)."""
START_TIMEOUT_S = 30.0
NPX_START_TIMEOUT_S = 180.0
"""npx may first download dynalite from the npm registry."""
NPM_CI_TIMEOUT_S = 300.0
_OUTPUT_TAIL_CHARS = 2000
_DYNALITE = "dynalite"
_DYNALITE_FLAGS = ("--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")

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


def start_moto(timeout_s: float = START_TIMEOUT_S, log_dir: Path | None = None) -> RunningEngine:
    """Start moto's server (``python -m moto.server``) on a free loopback port.

    Args:
        timeout_s: How long it may take to start serving.
        log_dir: Where its log file goes; the system's temporary directory if None.

    Raises:
        EngineUnavailableError: If it does not start serving in time.
    """

    def command(port: int) -> tuple[Sequence[str], Mapping[str, str]]:
        argv = [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)]
        return argv, engine_env()

    return launch_on_free_port("moto", command, timeout_s=timeout_s, log_dir=log_dir)


def start_dynalite(
    timeout_s: float = START_TIMEOUT_S, log_dir: Path | None = None
) -> RunningEngine:
    """Start dynalite, in memory, on a free loopback port.

    The dynalite run is the first found of: ``node_modules/.bin/dynalite`` in the
    current directory; the repository's, installed by ``npm ci`` from its
    ``package-lock.json`` when missing; else ``npx dynalite@DYNALITE_VERSION``.
    Tables skip the CREATING and DELETING states, so that a new table costs no waiting.

    Args:
        timeout_s: How long it may take to start serving (after any install); at
            least NPX_START_TIMEOUT_S through npx.
        log_dir: Where its log file goes; the system's temporary directory if None.

    Raises:
        EngineUnavailableError: If node (or npm, npx) is missing, an install fails,
            or dynalite does not start serving in time.
    """
    node = _require_tool(_DYNALITE, "node")
    program = _dynalite_program(node)
    if program[0] != node:
        timeout_s = max(timeout_s, NPX_START_TIMEOUT_S)

    def command(port: int) -> tuple[Sequence[str], Mapping[str, str]]:
        argv = [*program, "--host", LOOPBACK, "--port", str(port), *_DYNALITE_FLAGS]
        return argv, engine_env()

    return launch_on_free_port(_DYNALITE, command, timeout_s=timeout_s, log_dir=log_dir)


def start_ministack(
    timeout_s: float = START_TIMEOUT_S, log_dir: Path | None = None
) -> RunningEngine:
    """Start ministack with DynamoDB only, in memory, on a free loopback port.

    Args:
        timeout_s: How long it may take to start serving.
        log_dir: Where its log file goes; the system's temporary directory if None.

    Raises:
        EngineUnavailableError: If it does not start serving in time.
    """

    def command(port: int) -> tuple[Sequence[str], Mapping[str, str]]:
        env = engine_env({**_MINISTACK_ENV, "GATEWAY_PORT": str(port)})
        return [sys.executable, "-m", "ministack"], env

    return launch_on_free_port("ministack", command, timeout_s=timeout_s, log_dir=log_dir)


def _dynalite_program(node: str) -> list[str]:
    """The command line that runs dynalite, before its own arguments."""
    here = Path.cwd() / "node_modules" / ".bin" / _DYNALITE
    if here.exists():
        return [node, str(here)]
    if not DYNALITE_BIN.exists() and (PROJECT_ROOT / "package-lock.json").exists():
        _npm_ci()
    if DYNALITE_BIN.exists():
        return [node, str(DYNALITE_BIN)]
    npx = _require_tool(_DYNALITE, "npx")
    return [npx, "--yes", f"dynalite@{DYNALITE_VERSION}"]


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
