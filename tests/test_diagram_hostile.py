"""Diagrams of a stranger's spec: every user string escaped, `dot` always accepts netspec's own DOT, layout near-linear."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netspec
from netspec.diagram.dot import to_dot
from netspec.diagram.dot_program import run_dot
from netspec.diagram.mermaid import to_mermaid
from netspec.diagram.view import _shortcuts, build_view

CONTROLS = "".join(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0)]))
HOSTILE = CONTROLS + "\ufffe\uffff\u2028\u2029\u202e \"q\" 's' <b>&amp;</b> #quot; `x` %% ]] }} \\"


def hostile_spec() -> str:
    text = json.dumps(HOSTILE)  # JSON escapes are YAML double-quoted escapes
    return (
        f"netspec: 1\nname: hostile\ndescription: {text}\ninput: {{shape: [4]}}\nlayers:\n"
        f"  - Dense: 3\n    block: {text}\n  - Dense: 2\n    block: {text}\n  - StringLookup: {{oov_token: {text}}}\n"
    )


@pytest.fixture(scope="module")
def spec():
    return netspec.loads(hostile_spec(), "hostile.yaml")


def test_dot_renders_hostile_description_labels_and_title(spec):
    source = to_dot(build_view(spec, blocks=True, title=HOSTILE))
    assert all(c.isprintable() for c in source.replace("\n", ""))
    svg = run_dot(source, "svg").decode("utf-8")  # raises NetspecBug if dot refuses it
    titles = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08" in "".join(titles)
    assert "<b>&amp;</b>" in "".join(titles)  # shown as written, not as markup


def test_mermaid_labels_are_one_printable_line_each(spec):
    text = to_mermaid(build_view(spec, blocks=True, title=HOSTILE))
    assert all(c.isprintable() for line in text.splitlines() for c in line)
    body = text.split("---\n")[2].splitlines()
    assert body[0] == "flowchart TB"
    labelled = [line for line in body if '["' in line]
    assert labelled and all(line.count('"') == 2 for line in labelled)
    cluster = next(line for line in body if line.lstrip().startswith("subgraph"))
    assert "#lt;b#gt;#amp;amp;#lt;/b#gt; #35;quot; #96;x#96;" in cluster
    assert "<b>&amp;</b>" not in "\n".join(body) and '\\"' not in "\n".join(body)
    title = text.splitlines()[1]
    assert title.startswith('title: "') and json.loads(title.removeprefix("title: "))


def test_ten_thousand_parallel_branches_prepare_in_one_pass():
    n = 10_000
    graph = nx.DiGraph([("input", f"b{i}") for i in range(n)] + [(f"b{i}", "concat") for i in range(n)])
    graph.add_edge("input", "concat")
    found = _shortcuts(graph)
    assert found == {("input", "concat")}


def test_a_chain_whose_every_layer_feeds_one_final_layer_prepares_in_one_pass():
    n = 10_000
    graph = nx.DiGraph([(f"d{i}", f"d{i + 1}") for i in range(n - 1)] + [(f"d{i}", "final") for i in range(n)])
    assert _shortcuts(graph) == {(f"d{i}", "final") for i in range(n - 1)}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.integers(2, 14).flatmap(
        lambda n: st.tuples(st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))))
    )
)
def test_shortcuts_are_the_edges_with_another_path(case):
    n, pairs = case
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((a, b) for a, b in pairs if a < b)
    expected = {
        (s, t)
        for s, t in graph.edges
        if any(nx.has_path(graph, other, t) for other in graph.successors(s) if other != t)
    }
    assert _shortcuts(graph) == expected
