"""The diagrams committed under docs/img/ are what `netspec diagram` draws now."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_netspec

# committed file -> the command line that draws it (also quoted in docs/diagrams.md)
DOC_IMAGES = {
    "docs/img/cifar_deep15.svg": ["specs/cifar_deep15.yaml", "--compact"],
    "docs/img/resnet50_compact.svg": ["specs/resnet50.yaml", "--compact", "--collapse-blocks"],
    "docs/img/resnet50_blocks.svg": ["specs/resnet50.yaml", "--compact", "--blocks"],
}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("image", sorted(DOC_IMAGES))
def test_committed_diagram_is_current(image, tmp_path):
    out = tmp_path / "now.svg"
    result = run_netspec("diagram", *DOC_IMAGES[image], "-o", out, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    command = " ".join(["netspec diagram", *DOC_IMAGES[image], "-o", image])
    assert out.read_bytes() == (ROOT / image).read_bytes(), f"{image} is out of date; regenerate it: {command}"


def test_docs_quote_the_commands():
    text = (ROOT / "docs" / "diagrams.md").read_text()
    for image, argv in DOC_IMAGES.items():
        assert " ".join(["netspec diagram", *argv, "-o", image]) in text
