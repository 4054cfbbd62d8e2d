"""`netspec diagram`: real SVGs from the real `dot`, DOT and Mermaid text, no TensorFlow, missing Graphviz."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET

import pytest

import netspec
from netspec.diagram import DotMissing, render_svg

from conftest import SPECS, assert_clean_failure, run_netspec

SVG = "{http://www.w3.org/2000/svg}"
CIFAR = SPECS / "cifar_deep15.yaml"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

TINY = """\
netspec: 1
name: tiny
description: A tiny CNN for the diagram tests.
input: {shape: [28, 28, 1]}
layers:
  - Conv2D: {filters: 8, kernel_size: 3, padding: same}
  - Activation: relu
  - Conv2D: {filters: 8, kernel_size: 3, padding: same}
  - Activation: relu
  - MaxPooling2D
  - Flatten
  - Dropout: 0.5
  - Dense: 10
  - Activation: softmax
"""

# Two identity blocks, a projection block (strided, with a 1x1 shortcut) and one more identity block.
RESIDUAL = """\
netspec: 1
name: tiny_resnet
input: {shape: [32, 32, 3]}
defaults:
  Conv2D: {padding: same, use_bias: false}
blocks:
  residual:
    params: {filters: 16}
    layers:
      - Conv2D: {filters: "${filters}", kernel_size: 3}
        name: conv_a
      - BatchNormalization
      - ReLU
      - Conv2D: {filters: "${filters}", kernel_size: 3}
        name: conv_b
      - BatchNormalization: {}
        name: bn_b
      - Add: {}
        name: add
        inputs: [bn_b, in]
      - ReLU
  projection:
    params: {filters: 32}
    layers:
      - Conv2D: {filters: "${filters}", kernel_size: 3, strides: 2}
        name: conv_a
      - BatchNormalization
      - ReLU
      - Conv2D: {filters: "${filters}", kernel_size: 3}
        name: conv_b
      - BatchNormalization: {}
        name: bn_b
      - Conv2D: {filters: "${filters}", kernel_size: 1, strides: 2}
        name: shortcut
        inputs: in
      - BatchNormalization: {}
        name: shortcut_bn
      - Add: {}
        name: add
        inputs: [bn_b, shortcut_bn]
      - ReLU
layers:
  - Conv2D: {filters: 16, kernel_size: 3}
    name: stem
  - BatchNormalization
  - ReLU
  - residual: {filters: 16}
    repeat: 2
  - projection: {filters: 32}
  - residual: {filters: 32}
  - GlobalAveragePooling2D
  - Dense: {units: 10, activation: softmax}
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


@pytest.fixture
def residual(tmp_path):
    path = tmp_path / "residual.yaml"
    path.write_text(RESIDUAL)
    return path


def draw(spec, out, *options, cwd=None):
    result = run_netspec("diagram", spec, "-o", out, *options, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def drawn_svg(spec, out, *options):
    draw(spec, out, *options)
    return svg_parts(out)


def svg_parts(path):
    """(node title -> text, edge titles, cluster title -> text, edge title -> stroke colour) of an SVG from dot."""
    root = ET.parse(path).getroot()
    nodes, edges, clusters, strokes = {}, [], {}, {}
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title")
        kind = group.get("class")
        text = " ".join((t.text or "").strip() for t in group.iter(f"{SVG}text"))
        if kind == "node":
            nodes[title] = text
        elif kind == "edge":
            edges.append(title)
            strokes[title] = group.find(f"{SVG}path").get("stroke")
        elif kind == "cluster":
            clusters[title] = text
    return nodes, edges, clusters, strokes


@needs_dot
def test_svg_has_one_node_per_layer_with_its_figures(tmp_path):
    out = tmp_path / "c.svg"
    result = draw(CIFAR, out)
    assert result.stdout == f"wrote {out} (42 nodes, 41 edges)\n"
    nodes, edges, _, _ = svg_parts(out)
    names = ["input", *(layer.name for layer in netspec.load(CIFAR).flat.layers)]
    assert list(nodes) == names
    assert nodes["conv2d_1"] == "conv2d_1 Conv2D 3×3, 32, same 32×32×32 · 896 params"
    assert nodes["activation_1"] == "activation_1 Activation relu 32×32×32"
    assert nodes["max_pooling2d_1"] == "max_pooling2d_1 MaxPooling2D 2×2 16×16×48"
    assert nodes["dense_1"] == "dense_1 Dense 500 500 · 64,500 params"
    assert {"input->conv2d_1", "conv2d_1->activation_1", "activation_1->conv2d_2"} <= set(edges)
    text = out.read_text()
    assert "41 layers · 1,071,542 parameters" in text  # the article's model.summary() total
    assert ">32×32×3<" in text and ">16×16×48<" in text  # edge labels where the shape changes


@needs_dot
def test_compact_folds_activations_and_collapses_runs(tmp_path):
    out = tmp_path / "c.svg"
    nodes, edges, _, _ = drawn_svg(CIFAR, out, "--compact")
    assert nodes == {
        "input": "input Input 32×32×3",
        "conv2d_1": "conv2d_1 … conv2d_3 Conv2D ×3 3×3, 32, same → relu 32×32×32 · 19,392 params",
        "conv2d_4": "conv2d_4 … conv2d_5 Conv2D ×2 3×3, 48, same → relu 32×32×48 · 34,656 params",
        "max_pooling2d_1": "max_pooling2d_1 MaxPooling2D 2×2 → dropout 0.25 16×16×48",
        "conv2d_6": "conv2d_6 … conv2d_10 Conv2D ×5 3×3, 80, same → relu 16×16×80 · 265,360 params",
        "max_pooling2d_2": "max_pooling2d_2 MaxPooling2D 2×2 → dropout 0.25 8×8×80",
        "conv2d_11": "conv2d_11 … conv2d_15 Conv2D ×5 3×3, 128, same → relu 8×8×128 · 682,624 params",
        "global_max_pooling2d_1": "global_max_pooling2d_1 GlobalMaxPooling2D → dropout 0.25 128",
        "dense_1": "dense_1 Dense 500 → relu → dropout 0.25 500 · 64,500 params",
        "dense_2": "dense_2 Dense 10 → softmax 10 · 5,010 params",
    }
    assert len(edges) == 9
    runs = [896 + 2 * 9248, 13872 + 20784, 34640 + 4 * 57680, 92288 + 4 * 147584, 64500, 5010]
    assert sum(runs) == 1_071_542  # the runs' parameters add up to the article's total


@needs_dot
def test_residual_blocks_draw_as_clusters_with_shortcut_edges(tmp_path, residual):
    out = tmp_path / "r.svg"
    nodes, edges, clusters, strokes = drawn_svg(residual, out, "--blocks")
    assert clusters == {
        "cluster_residual_1": "residual_1 (residual)",
        "cluster_residual_2": "residual_2 (residual)",
        "cluster_projection_1": "projection_1 (projection)",
        "cluster_residual_3": "residual_3 (residual)",
    }
    assert len(nodes) == 36  # the input and 35 layers
    assert nodes["residual_1.conv_a"] == "conv_a Conv2D 3×3, 16, same 32×32×16 · 2,304 params"
    block = [
        "re_lu_1->residual_1.conv_a",
        "residual_1.conv_a->residual_1.batch_normalization_1",
        "residual_1.batch_normalization_1->residual_1.re_lu_1",
        "residual_1.re_lu_1->residual_1.conv_b",
        "residual_1.conv_b->residual_1.bn_b",
        "residual_1.bn_b->residual_1.add",
        "re_lu_1->residual_1.add",
        "residual_1.add->residual_1.re_lu_2",
    ]
    assert sorted(e for e in edges if e.split("->")[1].startswith("residual_1.")) == sorted(block)
    shortcuts = sorted(e for e, colour in strokes.items() if colour == "#e69138")
    assert shortcuts == [
        "projection_1.re_lu_2->residual_3.add",
        "re_lu_1->residual_1.add",
        "residual_1.re_lu_2->residual_2.add",
    ]
    projection = sorted(e for e in edges if e.endswith("projection_1.add"))
    assert projection == ["projection_1.bn_b->projection_1.add", "projection_1.shortcut_bn->projection_1.add"]
    assert "projection_1.conv_a" in out.read_text() and ">16×16×32<" in out.read_text()


@needs_dot
def test_compact_blocks_draw_identical_consecutive_instances_once(tmp_path, residual):
    out = tmp_path / "r.svg"
    nodes, edges, clusters, _ = drawn_svg(residual, out, "--compact", "--blocks")
    assert clusters == {
        "cluster_residual_1": "residual_1 … residual_2 ×2 (residual) · 9,472 params",
        "cluster_projection_1": "projection_1 (projection)",
        "cluster_residual_3": "residual_3 (residual)",
    }
    assert nodes["residual_1.add"] == "add Add + → relu 32×32×16"
    assert "residual_1.add->projection_1.conv_a" in edges and "residual_1.add->residual_1.conv_a" not in edges


@needs_dot
def test_collapse_blocks_draws_one_node_per_instance(tmp_path, residual):
    out = tmp_path / "r.svg"
    nodes, edges, _, _ = drawn_svg(residual, out, "--compact", "--collapse-blocks")
    assert nodes == {
        "input": "input Input 32×32×3",
        "stem": "stem Conv2D 3×3, 16, same 32×32×16 · 432 params",
        "batch_normalization_1": "batch_normalization_1 BatchNormalization → relu 32×32×16 · 64 params",
        "residual_1": "residual_1 … residual_2 residual ×2 2 × 7 layers 32×32×16 · 9,472 params",
        "projection_1": "projection_1 projection 9 layers 16×16×32 · 14,720 params",
        "residual_3": "residual_3 residual 7 layers 16×16×32 · 18,688 params",
        "global_average_pooling2d_1": "global_average_pooling2d_1 GlobalAveragePooling2D 32",
        "dense_1": "dense_1 Dense 10, softmax 10 · 330 params",
    }
    assert sorted(edges) == sorted(
        [
            "input->stem",
            "stem->batch_normalization_1",
            "batch_normalization_1->residual_1",
            "residual_1->projection_1",
            "projection_1->residual_3",
            "residual_3->global_average_pooling2d_1",
            "global_average_pooling2d_1->dense_1",
        ]
    )


def test_dot_source_is_exact_and_stable(tmp_path, tiny):
    first, second = tmp_path / "a.dot", tmp_path / "b.dot"
    draw(tiny, first, "--compact", "--title", "Tiny net", "--direction", "LR")
    draw(tiny, second, "--compact", "--title", "Tiny net", "--direction", "LR")
    assert first.read_bytes() == second.read_bytes()
    lines = first.read_text().splitlines()
    assert lines[0] == 'digraph "tiny" {'
    assert lines[1].startswith("  graph [rankdir=LR, ")
    assert '<font point-size="14">Tiny net</font>' in lines[1]
    assert "9 layers · 16,354 parameters" in lines[1]
    assert '<font point-size="10">A tiny CNN for the diagram tests.</font>' in lines[1]
    assert lines[4:] == [
        '  "input" [label=<<b>input</b>  Input<br/><font point-size="8" color="#555555">28×28×1</font>>, '
        'fillcolor="#ffffff", color="#666666"];',
        '  "conv2d_1" [label=<<b>conv2d_1 … conv2d_2</b>  Conv2D ×2<br/>3×3, 8, same → relu<br/>'
        '<font point-size="8" color="#555555">28×28×8 · 664 params</font>>, fillcolor="#cfe2f3", color="#3d85c6", '
        "peripheries=2];",
        '  "max_pooling2d_1" [label=<<b>max_pooling2d_1</b>  MaxPooling2D<br/>2×2<br/>'
        '<font point-size="8" color="#555555">14×14×8</font>>, fillcolor="#d9ead3", color="#6aa84f"];',
        '  "flatten_1" [label=<<b>flatten_1</b>  Flatten<br/>→ dropout 0.5<br/>'
        '<font point-size="8" color="#555555">1568</font>>, fillcolor="#eeeeee", color="#999999"];',
        '  "dense_1" [label=<<b>dense_1</b>  Dense<br/>10 → softmax<br/>'
        '<font point-size="8" color="#555555">10 · 15,690 params</font>>, fillcolor="#f4cccc", color="#cc4125"];',
        '  "input" -> "conv2d_1" [label=" 28×28×1", weight=4];',
        '  "conv2d_1" -> "max_pooling2d_1" [label=" 28×28×8", weight=4];',
        '  "max_pooling2d_1" -> "flatten_1" [label=" 14×14×8", weight=4];',
        '  "flatten_1" -> "dense_1" [label=" 1568", weight=4];',
        "}",
    ]


def test_layers_without_static_rules_show_their_arguments(tmp_path):
    spec = tmp_path / "seq.yaml"
    spec.write_text(
        "netspec: 1\nname: seq\ninput: {shape: [null, 16]}\nlayers:\n"
        "  - ReversibleEmbedding: {input_dim: 32, output_dim: 16}\n"
        "  - ReversibleEmbedding: {input_dim: 32, output_dim: 16}\n  - Dense: 4\n"
    )
    out = tmp_path / "seq.dot"
    draw(spec, out, "--compact")
    assert (
        '  "reversible_embedding_1" [label=<<b>reversible_embedding_1 … reversible_embedding_2</b>  '
        "ReversibleEmbedding ×2<br/>input_dim=32, output_dim=16<br/>"
        '<font point-size="8" color="#555555">? · ? params</font>>, fillcolor="#ffffff", color="#999999", peripheries=2];'
    ) in out.read_text().splitlines()
    assert "3 layers · ? parameters" in out.read_text()


def test_mermaid_output_is_exact(tmp_path, tiny, residual):
    out = tmp_path / "t.mmd"
    assert draw(tiny, out, "--compact").stdout == f"wrote {out} (Mermaid, 5 nodes, 4 edges)\n"
    assert out.read_text() == (
        "---\n"
        'title: "tiny (9 layers · 16,354 parameters)"\n'
        "---\n"
        "flowchart TB\n"
        "  classDef f_input fill:#ffffff,stroke:#666666,color:#000\n"
        "  classDef f_convolution fill:#cfe2f3,stroke:#3d85c6,color:#000\n"
        "  classDef f_pooling fill:#d9ead3,stroke:#6aa84f,color:#000\n"
        "  classDef f_reshape fill:#eeeeee,stroke:#999999,color:#000\n"
        "  classDef f_dense fill:#f4cccc,stroke:#cc4125,color:#000\n"
        '  n_input["<b>input</b> Input<br/><small>28×28×1</small>"]:::f_input\n'
        '  n_conv2d_1["<b>conv2d_1 … conv2d_2</b> Conv2D ×2<br/>3×3, 8, same → relu<br/>'
        '<small>28×28×8 · 664 params</small>"]:::f_convolution\n'
        '  n_max_pooling2d_1["<b>max_pooling2d_1</b> MaxPooling2D<br/>2×2<br/><small>14×14×8</small>"]:::f_pooling\n'
        '  n_flatten_1["<b>flatten_1</b> Flatten<br/>→ dropout 0.5<br/><small>1568</small>"]:::f_reshape\n'
        '  n_dense_1["<b>dense_1</b> Dense<br/>10 → softmax<br/><small>10 · 15,690 params</small>"]:::f_dense\n'
        '  n_input -->|"28×28×1"| n_conv2d_1\n'
        '  n_conv2d_1 -->|"28×28×8"| n_max_pooling2d_1\n'
        '  n_max_pooling2d_1 -->|"14×14×8"| n_flatten_1\n'
        '  n_flatten_1 -->|"1568"| n_dense_1\n'
    )
    blocks = tmp_path / "r.mmd"
    draw(residual, blocks, "--blocks")
    text = blocks.read_text()
    assert '  subgraph n_cluster_residual_1["residual_1 (residual)"]\n' in text
    assert "  n_re_lu_1 --> n_residual_1_add\n" in text
    assert "  linkStyle 9,17,35 stroke:#e69138,stroke-width:2px\n" in text


def test_no_tensorflow_on_the_diagram_path(tmp_path):
    out = tmp_path / "c.dot"
    result = run_netspec("diagram", CIFAR, "-o", out, "--compact", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import")]
    assert "netspec.diagram.dot" in imported  # the import log is complete
    assert [m for m in imported if m.split(".")[0] in ("tensorflow", "keras", "jax", "torch")] == []


def test_missing_dot_writes_the_source_and_exits_2(tmp_path, tiny):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "t.svg"
    result = run_netspec("diagram", tiny, "-o", out, env={"PATH": str(empty)})
    assert_clean_failure(result, 2)
    assert result.stderr == (
        f"netspec: error: Graphviz's `dot` program is not on PATH, so only {tmp_path / 't.dot'} was written; "
        "install Graphviz (Debian/Ubuntu: sudo apt install graphviz; macOS: brew install graphviz; "
        "conda: conda install graphviz; Windows: winget install graphviz), then run this command again\n"
    )
    assert not out.exists()
    reference = tmp_path / "reference.dot"
    draw(tiny, reference)
    assert (tmp_path / "t.dot").read_bytes() == reference.read_bytes()


@needs_dot
def test_default_output_current_build_png_and_pdf(tmp_path):
    build = tmp_path / "build" / "cifar_deep15"
    build.mkdir(parents=True)
    shutil.copy(CIFAR, build / "spec.yaml")
    (tmp_path / "build" / "CURRENT").write_text("cifar_deep15\n")
    result = run_netspec("diagram", "--compact", cwd=tmp_path)
    assert result.stdout == "wrote cifar_deep15.svg (10 nodes, 9 edges)\n", result.stderr
    assert (tmp_path / "cifar_deep15.svg").read_text().startswith("<?xml")
    draw(CIFAR, tmp_path / "c.png", "--compact")
    draw(CIFAR, tmp_path / "c.pdf", "--compact")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "c.pdf").read_bytes()[:5] == b"%PDF-"


def test_bad_suffix_and_bad_direction_are_usage_errors(tmp_path, tiny):
    result = run_netspec("diagram", tiny, "-o", tmp_path / "t.jpg")
    assert_clean_failure(result, 2)
    assert result.stderr == (
        f"netspec: error: cannot write '{tmp_path / 't.jpg'}': unknown suffix '.jpg'; use .svg, .png, .pdf, .dot, .mmd or .html\n"
    )
    assert_clean_failure(run_netspec("diagram", tiny, "--direction", "RL"), 2)
    (tmp_path / "file").write_text("")
    result = run_netspec("diagram", tiny, "-o", tmp_path / "file" / "t.dot")
    assert_clean_failure(result, 2)
    assert (
        result.stderr
        == f"netspec: error: cannot write '{tmp_path / 'file' / 't.dot'}': '{tmp_path / 'file'}' is not a folder\n"
    )


@needs_dot
def test_spec_displays_as_its_diagram_in_notebooks(tiny):
    svg = netspec.load(tiny)._repr_svg_()
    assert svg.startswith("<?xml") and "<title>conv2d_1</title>" in svg and "Conv2D ×2" not in svg


def test_repr_svg_without_dot_falls_back(tiny, monkeypatch):
    monkeypatch.setenv("PATH", os.devnull)
    spec = netspec.load(tiny)
    with pytest.raises(DotMissing, match="Graphviz's `dot` program is not on PATH"):
        render_svg(spec)
    assert spec._repr_svg_() is None  # the notebook shows the text repr instead
