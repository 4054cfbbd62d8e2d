"""The interactive explorer: one self-contained HTML page (`netspec diagram SPEC -o net.html`).

The page's script and style are package data (page.js, page.css), written inline; the model is a JSON
island (every user string escaped for the script context and set as text by the script, never as HTML).
Layouts come from Graphviz, one per group (layout.py). No library, no font, no request of any kind.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from pathlib import Path

from .explore import ROOT, build_tree, initial_open
from .labels import COLOURS
from .layout import CHAR, box_size, enclosing_block, layouts, local, texts

FLAT_LIMIT = 60  # models of at most this many layers open flat, larger ones folded
SOURCE_LINE_MAX = 200


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _script_json(data) -> str:
    """JSON that cannot end its <script> element or open a comment: <, > and & as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _source_lines(path: str, wanted: set) -> dict:
    try:
        lines = Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return {}
    return {n: lines[n - 1][:SOURCE_LINE_MAX] for n in sorted(wanted) if 0 < n <= len(lines)}


def page_data(spec, direction: str = "TB", title: str | None = None) -> dict:
    """Everything the page shows, as plain data."""
    tree = build_tree(spec)
    index = {item_id: k for k, item_id in enumerate(tree.items)}
    lines = {i: texts(tree, i) for i in tree.items if i != ROOT}
    sizes = {index[i]: box_size(t) for i, t in lines.items()}
    items = []
    for item_id, item in tree.items.items():
        entry = {
            "id": item.id,
            "k": item.kind,
            "t": item.type,
            "f": item.family,
            "par": index.get(item.parent, -1),
            "ch": [index[c] for c in item.children],
            "sh": "" if item.shape is None else list(item.shape),
            "tr": item.trainable,
            "nt": item.non_trainable,
            "mac": item.macs,
            "act": item.activation_bytes,
            "n": len(item.members),
            "c": item.count,
            "line": item.line,
        }
        if item_id != ROOT:
            entry["l"] = lines[item_id]
            entry["w"], entry["h"] = sizes[index[item_id]]
            header = f"{local(item.id, enclosing_block(tree, item_id))} ({item.type})"
            entry["hw"] = round(len(header) * CHAR + 40, 1)
            entry["hd"] = header
        if item.kind in ("layer", "input"):
            entry["a"] = item.args
        items.append(entry)
    analysis = spec.summary()
    return {
        "name": spec.name,
        "title": title if title is not None else spec.name,
        "description": spec.flat.description,
        "direction": direction,
        "file": spec.path,
        "source": _source_lines(spec.path, {item.line for item in tree.items.values() if item.line}),
        "colours": COLOURS,
        "totals": {
            "layers": len(spec.flat.layers),
            "trainable": analysis.total("trainable"),
            "non_trainable": analysis.total("non_trainable"),
            "macs": analysis.total("macs"),
            "act": 4 * analysis.total("activations"),
            "complete": analysis.complete,
        },
        "items": items,
        "layouts": layouts(tree, index, sizes, direction),
        "open": [index[g] for g in initial_open(tree, FLAT_LIMIT)],
    }


def page_html(spec, direction: str = "TB", title: str | None = None) -> str:
    """The whole page as one HTML document."""
    data = page_data(spec, direction, title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="netspec diagram">\n<title>{escape(data["title"])} · netspec</title>\n'
        "<!-- Written by `netspec diagram`; no library is included and nothing is loaded from the network. -->\n"
        f"<style>\n{_asset('page.css')}</style>\n</head><body>\n"
        f'<script type="application/json" id="netspec-data">{_script_json(data)}</script>\n'
        f"<script>\n{_asset('page.js')}</script>\n</body></html>\n"
    )


def notebook_frame(spec, height: int = 640) -> str:
    """The page inside an iframe's srcdoc, so that its script and style stay apart from the notebook's."""
    page = escape(page_html(spec), quote=True)
    return (
        f'<iframe srcdoc="{page}" sandbox="allow-scripts" title="{escape(spec.name, quote=True)}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #ddd"></iframe>'
    )
