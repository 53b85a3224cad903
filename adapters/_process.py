# Copyright 2026 lvrgd-common contributors. SPDX-License-Identifier: MIT
"""Start a local engine as a child process, wait until it serves, stop it.

Each engine runs in a session (and so a process group) of its own, so that
stopping it reaches every process it spawned, by its own process id and never
by a process name.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

LOOPBACK = "127.0.0.1"
STOP_TIMEOUT_S = 5.0
_POLL_INTERVAL_S = 0.05
_PROBE_TIMEOUT_S = 1.0
_STDERR_TAIL_CHARS = 2000
_DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class EngineUnavailableError(RuntimeError):
    """A local engine could not be started or did not start serving."""

    def __init__(self, name: str, reason: str) -> None:
        """Name the engine and say why it is unavailable.

        Args:
            name: The engine's name, e.g. ``"dynalite"``.
            reason: What went wrong, in a sentence a test report can show.
        """
        super().__init__(f"{name} is unavailable: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class RunningEngine:
    """An engine serving on a loopback endpoint, and the process behind it."""

    name: str
    endpoint_url: str
    process: subprocess.Popen[bytes]

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop the engine's process group: SIGTERM, then SIGKILL after a timeout.

        Idempotent: stopping an engine that has already been stopped does nothing.

        Args:
            timeout_s: How long to wait after SIGTERM before sending SIGKILL.
        """
        stop_process_group(self.process, timeout_s)


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def engine_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for an engine process: ours, with dummy AWS credentials.

    Every ``AWS_*`` variable of this process is left out, so that no real
    credential or profile reaches the engine.

    Args:
        extra: Engine-specific variables, added last.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(_DUMMY_CREDENTIALS)
    env.update(extra or {})
    return env


def spawn(argv: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a new session, stdout discarded and stderr piped.

    Args:
        argv: The command line; its first item is an executable path.
        env: The whole environment of the new process.
    """
    return subprocess.Popen(
        list(argv),
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def launch(
    name: str,
    argv: Sequence[str],
    *,
    port: int,
    env: Mapping[str, str],
    timeout_s: float,
) -> RunningEngine:
    """Start an engine and return it once it answers HTTP on ``port``.

    Args:
        name: The engine's name, for errors.
        argv: Its command line.
        port: The loopback port it was told to listen on.
        env: Its whole environment.
        timeout_s: How long it may take to start serving.

    Raises:
        EngineUnavailableError: If it exits or is not serving in time; it is
            stopped first.
    """
    url = f"http://{LOOPBACK}:{port}"
    try:
        process = spawn(argv, env)
    except OSError as exc:
        raise EngineUnavailableError(name, f"cannot run {argv[0]}: {exc}") from exc
    try:
        wait_until_serving(url, timeout_s, process, name=name)
    except BaseException:
        stop_process_group(process, STOP_TIMEOUT_S)
        raise
    _drain_in_background(process)
    return RunningEngine(name=name, endpoint_url=url, process=process)


def wait_until_serving(
    url: str,
    timeout_s: float,
    process: subprocess.Popen[bytes],
    *,
    name: str = "engine",
) -> None:
    """Poll ``url`` until it gives any HTTP answer.

    Args:
        url: The endpoint, ``http://host:port``.
        timeout_s: How long to keep trying.
        process: The engine's process, watched so a crash fails at once.
        name: The engine's name, for errors.

    Raises:
        EngineUnavailableError: If the process exits first (the reason holds
            the tail of its stderr) or nothing answers within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            reason = f"exited with code {process.returncode}: {stderr_tail(process)}"
            raise EngineUnavailableError(name, reason)
        if _answers_http(url):
            return
        time.sleep(_POLL_INTERVAL_S)
    raise EngineUnavailableError(name, f"no HTTP answer at {url} after {timeout_s:.1f}s")


def stderr_tail(process: subprocess.Popen[bytes]) -> str:
    """Return the last lines an exited process wrote to its piped stderr."""
    if process.stderr is None or process.stderr.closed:
        return "(no stderr captured)"
    try:
        _, err = process.communicate(timeout=_PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "(stderr still held open by a child process)"
    text = (err or b"").decode("utf-8", errors="replace").strip()
    return text[-_STDERR_TAIL_CHARS:] or "(stderr empty)"


def stop_process_group(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Send SIGTERM to the process group led by ``process``, then SIGKILL if need be.

    Args:
        process: A process started with ``start_new_session=True``.
        timeout_s: How long to wait after SIGTERM before sending SIGKILL.
    """
    if process.returncode is not None:
        return  # already reaped: its pid may belong to someone else by now
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has already gone
        os.killpg(pgid, signum)


def _answers_http(url: str) -> bool:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or LOOPBACK, parts.port, timeout=_PROBE_TIMEOUT_S
    )
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


def _drain_in_background(process: subprocess.Popen[bytes]) -> None:
    # An engine logs every request to stderr; unread, the pipe would fill and block it.
    if process.stderr is not None:
        threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()


def _drain(stream: IO[bytes]) -> None:
    with stream:
        for _ in iter(lambda: stream.read(65536), b""):
            pass
