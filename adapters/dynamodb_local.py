"""The dynamodb-local backend: a DynamoDB engine in a container, through testcontainers.

The image is Amazon's ``amazon/dynamodb-local`` unless ``--kvstore-dynamodb-local-image``
or ``KVSTORE_DYNAMODB_LOCAL_IMAGE`` names another; CI, with no registry in reach,
names an image it builds from dynalite (``.ci/docker.sh image``). Without a reachable
Docker engine the backend cannot start: it skips, saying so, unless it is required.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ._dynamodb import EngineHarness
from ._harness import BackendOptions
from .dynalite import DYNALITE_LACKS

if TYPE_CHECKING:
    from pathlib import Path

    from ._container import RunningContainer

IMAGE_ENV = "KVSTORE_DYNAMODB_LOCAL_IMAGE"
DEFAULT_IMAGE = "amazon/dynamodb-local"


class DynamoDBLocalHarness(EngineHarness):
    """DynamoDBService on the containerised engine, started once per run and removed."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend from the chosen image; nothing starts yet."""
        options = options or BackendOptions()
        image = options.dynamodb_local_image or os.environ.get(IMAGE_ENV) or DEFAULT_IMAGE
        # Any other image is taken to be the one CI builds, which runs dynalite.
        lacks = {} if "dynamodb-local" in image else DYNALITE_LACKS

        def start(log_dir: Path | None) -> RunningContainer:
            del log_dir  # the container keeps its own log
            # testcontainers (and the docker SDK) are imported only when this backend runs.
            from ._container import start_dynamodb_container  # noqa: PLC0415

            return start_dynamodb_container(image=image)

        super().__init__("dynamodb-local", start, lacks, options)
