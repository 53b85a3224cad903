# Copyright 2026 lvrgd-common contributors. SPDX-License-Identifier: MIT
"""Start a local engine as a child process, wait until it serves, stop it.

Each engine runs in a session (and so a process group) of its own, so that
stopping it reaches every process it spawned, by its own process id and never
by a process name. Its output goes to a log file, not a pipe: an engine that one
pytest-xdist worker started keeps serving the others after that worker exits, and
the process that owns the run stops it by its id (:func:`stop_detached`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

LOOPBACK = "127.0.0.1"
STOP_TIMEOUT_S = 5.0
PORT_ATTEMPTS = 3
"""How many free ports an engine is tried on before its start is given up."""
_POLL_INTERVAL_S = 0.05
_PROBE_TIMEOUT_S = 1.0
_STDERR_TAIL_CHARS = 2000
_PORT_TAKEN = ("address already in use", "eaddrinuse")
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
    """An engine serving on a loopback endpoint, the process behind it, and its log."""

    name: str
    endpoint_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop the engine's process group: SIGTERM, then SIGKILL after a timeout.

        Idempotent: stopping an engine that has already been stopped does nothing.

        Args:
            timeout_s: How long to wait after SIGTERM before sending SIGKILL.
        """
        stop_process_group(self.process, timeout_s)
        self.log.unlink(missing_ok=True)

    def record(self) -> dict[str, str | int]:
        """How another process stops this engine: see :func:`stop_detached`."""
        return {"kind": "process", "pid": self.process.pid, "log": str(self.log)}


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


def spawn(argv: Sequence[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a new session, stdout discarded and stderr written to `log`.

    Args:
        argv: The command line; its first item is an executable path.
        env: The whole environment of the new process.
        log: The file its stderr goes to (created, or truncated).
    """
    with log.open("wb") as output:
        return subprocess.Popen(
            list(argv),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=output,
            start_new_session=True,
        )


def launch(  # noqa: PLR0913 - each argument is the engine's own
    name: str,
    argv: Sequence[str],
    *,
    port: int,
    env: Mapping[str, str],
    timeout_s: float,
    log_dir: Path | None = None,
) -> RunningEngine:
    """Start an engine and return it once it answers HTTP on ``port``.

    Args:
        name: The engine's name, for errors.
        argv: Its command line.
        port: The loopback port it was told to listen on.
        env: Its whole environment.
        timeout_s: How long it may take to start serving.
        log_dir: Where its log file goes; the system's temporary directory if None.

    Raises:
        EngineUnavailableError: If it exits or is not serving in time; it is
            stopped first.
    """
    url = f"http://{LOOPBACK}:{port}"
    handle, path = tempfile.mkstemp(prefix=f"{name}-{port}-", suffix=".log", dir=log_dir)
    os.close(handle)
    log = Path(path)
    try:
        process = spawn(argv, env, log)
    except OSError as exc:
        log.unlink(missing_ok=True)
        raise EngineUnavailableError(name, f"cannot run {argv[0]}: {exc}") from exc
    try:
        wait_until_serving(url, timeout_s, process, name=name, log=log)
    except BaseException:
        stop_process_group(process, STOP_TIMEOUT_S)
        log.unlink(missing_ok=True)
        raise
    return RunningEngine(name=name, endpoint_url=url, process=process, log=log)


def launch_on_free_port(
    name: str,
    command: Callable[[int], tuple[Sequence[str], Mapping[str, str]]],
    *,
    timeout_s: float,
    log_dir: Path | None = None,
) -> RunningEngine:
    """Start an engine on a free loopback port, on another if that one was taken meanwhile.

    A port found free may be taken by another process before the engine binds it;
    the engine then exits saying so, and is started again on a new port, up to
    PORT_ATTEMPTS times.

    Args:
        name: The engine's name, for errors.
        command: The command line and environment that start it on a given port.
        timeout_s: How long each attempt may take to start serving.
        log_dir: Where its log file goes; the system's temporary directory if None.

    Raises:
        EngineUnavailableError: If it does not start serving.
    """
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = free_port()
        argv, env = command(port)
        try:
            return launch(name, argv, port=port, env=env, timeout_s=timeout_s, log_dir=log_dir)
        except EngineUnavailableError as exc:
            taken = any(sign in exc.reason.lower() for sign in _PORT_TAKEN)
            if not taken or attempt == PORT_ATTEMPTS:
                raise
    raise AssertionError  # pragma: no cover - the loop returns or raises


def wait_until_serving(
    url: str,
    timeout_s: float,
    process: subprocess.Popen[bytes],
    *,
    name: str = "engine",
    log: Path | None = None,
) -> None:
    """Poll ``url`` until it gives any HTTP answer.

    Args:
        url: The endpoint, ``http://host:port``.
        timeout_s: How long to keep trying.
        process: The engine's process, watched so a crash fails at once.
        name: The engine's name, for errors.
        log: The file its stderr goes to, if not a pipe.

    Raises:
        EngineUnavailableError: If the process exits first (the reason holds
            the tail of its stderr) or nothing answers within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = stderr_tail(process) if log is None else log_tail(log)
            raise EngineUnavailableError(name, f"exited with code {process.returncode}: {output}")
        if _answers_http(url):
            return
        time.sleep(_POLL_INTERVAL_S)
    raise EngineUnavailableError(name, f"no HTTP answer at {url} after {timeout_s:.1f}s")


def log_tail(log: Path) -> str:
    """Return the last lines of an engine's log file."""
    try:
        text = log.read_bytes()[-_STDERR_TAIL_CHARS:].decode("utf-8", errors="replace")
    except OSError as exc:
        return f"(log unreadable: {exc})"
    return text.strip() or "(log empty)"


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


def stop_detached(pid: int, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Stop the process group led by `pid`, an engine another process of this run started.

    Nothing is signalled unless `pid` still leads a process group of that id (a
    reused id rarely does). SIGTERM first, SIGKILL if the leader is still running
    after `timeout_s`.

    Args:
        pid: The engine's process id, which is its process group's.
        timeout_s: How long to wait after SIGTERM before sending SIGKILL.
    """
    try:
        if os.getpgid(pid) != pid:
            return
    except ProcessLookupError:
        return
    _signal_group(pid, signal.SIGTERM)
    if _gone_within(pid, timeout_s):
        return
    _signal_group(pid, signal.SIGKILL)
    _gone_within(pid, timeout_s)


def _gone_within(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaps it when it is our own child
        if not _running(pid):
            return True
        time.sleep(_POLL_INTERVAL_S)
    return False


def _running(pid: int) -> bool:
    """Whether `pid` is a live process; a zombie (exited, not yet reaped) is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (macOS): the signal's answer is all there is
    return state != "Z"


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
