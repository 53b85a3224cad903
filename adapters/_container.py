# Copyright 2026 lvrgd-common contributors. SPDX-License-Identifier: MIT
"""Start a DynamoDB engine in a container, through testcontainers.

The image is Amazon's DynamoDB Local unless the caller, or else
``KVSTORE_DYNAMODB_LOCAL_IMAGE``, names another. Where no registry is reachable
(CI), ``.ci/docker.sh image`` builds ``lvrgd/dynamodb-compatible:local``
(dynalite on node) and the variable names it; such an image runs its own command.
"""

from __future__ import annotations

import os

from docker.errors import DockerException
from testcontainers.core.config import ConnectionMode, testcontainers_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HttpWaitStrategy

from ._process import EngineUnavailableError

NAME = "dynamodb-local"
IMAGE_ENV = "KVSTORE_DYNAMODB_LOCAL_IMAGE"
DEFAULT_IMAGE = "amazon/dynamodb-local"
PORT = 8000
START_TIMEOUT_S = 60
_POLL_INTERVAL_S = 0.1
_LOGS_TAIL_CHARS = 2000
# Amazon's image has ``java`` as its entrypoint; one shared in-memory database
# whatever the region and credentials of the client.
_AMAZON_COMMAND = "-jar DynamoDBLocal.jar -inMemory -sharedDb"
_AMAZON_REPOSITORIES = frozenset({"dynamodb-local", "aws-dynamodb-local"})
_NO_REGISTRY_HINT = (
    "if no registry is reachable, build an image with `.ci/docker.sh image` and set "
    f"{IMAGE_ENV}=lvrgd/dynamodb-compatible:local"
)
# Ryuk (the reaper container) cannot be pulled without a registry; ports are
# published on the Docker host, which is this machine's loopback.
_TESTCONTAINERS_DEFAULTS = {
    "TESTCONTAINERS_RYUK_DISABLED": "true",
    "TESTCONTAINERS_CONNECTION_MODE": "docker_host",
    "TESTCONTAINERS_HOST_OVERRIDE": "127.0.0.1",
}


class RunningContainer:
    """A DynamoDB engine serving from a container, reachable at ``endpoint_url``."""

    def __init__(self, container: DockerContainer, endpoint_url: str) -> None:
        """Wrap a started container.

        Args:
            container: The started testcontainers container.
            endpoint_url: Where its DynamoDB API answers, ``http://host:port``.
        """
        self.name = NAME
        self.endpoint_url = endpoint_url
        self._container = container
        self._stopped = False

    def stop(self) -> None:
        """Remove the container. Idempotent."""
        if not self._stopped:
            self._stopped = True
            self._container.stop()

    def record(self) -> dict[str, str | int]:
        """How another process removes this container: see :func:`remove_container`."""
        return {"kind": "container", "id": self._container.get_wrapped_container().id}


def remove_container(container_id: str) -> None:
    """Remove the container `container_id` (started by another process of this run), if any.

    Args:
        container_id: The container's id, as ``RunningContainer.record()`` gives it.
    """
    import docker  # noqa: PLC0415 - the docker SDK is needed only for this backend

    try:
        docker.from_env().containers.get(container_id).remove(force=True)
    except DockerException:
        return  # already gone, or no engine to ask: nothing left to remove


def start_dynamodb_container(
    timeout_s: float = START_TIMEOUT_S, image: str | None = None
) -> RunningContainer:
    """Start the DynamoDB image in a container and wait until it answers HTTP.

    Args:
        timeout_s: How long the engine may take to answer once started.
        image: The image; else ``KVSTORE_DYNAMODB_LOCAL_IMAGE``, else Amazon's.

    Raises:
        EngineUnavailableError: If no Docker engine answers, the image cannot
            be had, or the engine does not answer in time.
    """
    image = image or os.environ.get(IMAGE_ENV) or DEFAULT_IMAGE
    _apply_testcontainers_defaults()
    command = _AMAZON_COMMAND if _is_amazon_image(image) else None
    # DynamoDB answers 400 to a bare GET: any HTTP answer means it is serving.
    wait = HttpWaitStrategy(PORT).for_status_code_matching(lambda _status: True)
    try:
        container = DockerContainer(image, command=command)
    except DockerException as exc:
        raise EngineUnavailableError(NAME, f"no Docker engine answers: {exc}") from exc
    wait.with_startup_timeout(int(timeout_s)).with_poll_interval(_POLL_INTERVAL_S)
    container.with_exposed_ports(PORT).waiting_for(wait)
    try:
        container.start()
        host, port = container.get_container_host_ip(), container.get_exposed_port(PORT)
    except DockerException as exc:
        container.stop()
        reason = f"cannot run {image} ({exc}); {_NO_REGISTRY_HINT}"
        raise EngineUnavailableError(NAME, reason) from exc
    except TimeoutError as exc:
        logs = _logs_tail(container)
        container.stop()
        reason = f"{image} did not answer HTTP: {exc}; its last output: {logs}"
        raise EngineUnavailableError(NAME, reason) from exc
    return RunningContainer(container, f"http://{host}:{port}")


def _apply_testcontainers_defaults() -> None:
    defaults = dict(_TESTCONTAINERS_DEFAULTS)
    if not os.environ.get("DOCKER_HOST", "unix://").startswith("unix://"):
        del defaults["TESTCONTAINERS_HOST_OVERRIDE"]  # a remote engine is not on loopback
    for variable, value in defaults.items():
        os.environ.setdefault(variable, value)
    # testcontainers read these two when it was imported, before the defaults.
    config = testcontainers_config
    config.tc_host_override = config.tc_host_override or os.environ.get(
        "TESTCONTAINERS_HOST_OVERRIDE"
    )
    config.connection_mode_override = config.connection_mode_override or ConnectionMode(
        os.environ["TESTCONTAINERS_CONNECTION_MODE"]
    )


def _is_amazon_image(image: str) -> bool:
    # amazon/dynamodb-local[:tag][@digest], or a mirror of it on another registry.
    repository = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return repository in _AMAZON_REPOSITORIES


def _logs_tail(container: DockerContainer) -> str:
    try:
        stdout, stderr = container.get_logs()
    except DockerException as exc:
        return f"(logs unavailable: {exc})"
    text = (stdout + stderr).decode("utf-8", errors="replace").strip()
    return text[-_LOGS_TAIL_CHARS:] or "(none)"
