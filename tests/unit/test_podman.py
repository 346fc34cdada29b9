"""podman image storage: the layer directories of real images, top first."""

from pathlib import Path

import pytest

from hardening_audit.parsers.podman import PodmanLayoutError, image_layers

CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "podman"
OVERLAY = "/var/lib/containers/storage/overlay"
FIRST = f"{OVERLAY}/b544d46eaac23a774e4f82edb7488c3e32b956451d346b9bd9480d175cd1e2c2/diff"
SECOND = f"{OVERLAY}/7347206d43f40fb8515fb80f6edb647a87df5f06487c19b64d984b49df7c17dd/diff"
THIRD = f"{OVERLAY}/fcd7ed69d1ba57c647167fd75e3dc8e671365253e4f1b64b88c20dde23b22d3e/diff"


@pytest.mark.parametrize("sample, layers", [
    ("one-layer.json", [FIRST]),
    ("two-layers.json", [SECOND, FIRST]),
    ("three-layers.json", [THIRD, SECOND, FIRST]),
])
def test_layers_top_first(sample, layers):
    assert image_layers((CAPTURED / sample).read_text()) == layers


def test_work_directories_are_not_layers():
    assert not any(path.endswith("/work") for path in image_layers((CAPTURED / "three-layers.json").read_text()))


@pytest.mark.parametrize("text, message", [
    ('{"Name":"vfs","Data":null}', "its storage driver is 'vfs'; only the overlay driver is supported"),
    ('{"Name":"overlay","Data":{}}', "podman image inspect gave no layer directory (UpperDir)"),
    ("", "podman image inspect gave no storage driver data"),
    ("null", "podman image inspect gave no storage driver data"),
    ((CAPTURED / "not-known.stderr").read_text(), "podman image inspect gave no storage driver data"),
])
def test_unusable_storage_is_refused(text, message):
    with pytest.raises(PodmanLayoutError) as raised:
        image_layers(text)
    assert str(raised.value) == message
