"""Where a podman image's files are: its layer directories in podman's storage.

Input is ``podman image inspect --format '{{json .GraphDriver}}' IMAGE``. With
the overlay driver each layer is a directory of the files it adds or changes
(deletions are overlay whiteouts in it); stacking them read-only, top layer
first, gives the image's root file system without creating a container.
"""

from __future__ import annotations

import json


class PodmanLayoutError(ValueError):
    """The image's storage is not one this audit can read."""


def image_layers(graph_driver_json: str) -> list[str]:
    """The image's layer directories, top layer first."""
    try:
        driver = json.loads(graph_driver_json)
        name, data = driver["Name"], driver["Data"]
    except (ValueError, KeyError, TypeError):
        raise PodmanLayoutError("podman image inspect gave no storage driver data") from None
    if name != "overlay":
        raise PodmanLayoutError(f"its storage driver is {name!r}; only the overlay driver is supported")
    upper = data.get("UpperDir")
    if not upper:
        raise PodmanLayoutError("podman image inspect gave no layer directory (UpperDir)")
    lower = data.get("LowerDir") or ""
    return [upper, *(path for path in lower.split(":") if path)]
