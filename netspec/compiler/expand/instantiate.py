"""Block instantiation, repeat and `when`: layer items become Layer records, in order.

Each item is substituted once per copy (`${index}` and `${count}` visible under
`repeat:`), its meta keys checked by validate, and then it is either absent
(`when:` false), a layer, or a block instance expanded in a new Frame.
Scoping is lexical: a block body sees its parameters, its inputs (`${in.shape}`),
its own `${index}`/`${count}` and the top-level vars -- never the caller's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...layers import lookup
from ...problems import Problem, did_you_mean
from ..load import Document
from ..ports import resolve, split
from ..schema import META_KEYS
from ..substitute import Scope, Tensor, substitute
from ..validate import check_item
from . import items as I
from .blocks import MAX_BLOCK_DEPTH, arity_problem, declared_inputs, layers_per_use, merge_defaults
from .budget import MAX_LAYERS, Budget, TooBig
from .record import Layer, snake
from .shapes import Shapes


@dataclass
class Frame:
    """Where items are being expanded: the top level, or one block instance."""

    base: tuple  # path of the items list in the file
    vars: Scope
    defaults: dict  # layer type -> {argument: (value, where it is written)}
    names: dict  # short name -> full layer or input name
    prev: str | None  # the layer an item without inputs: takes
    prefix: str = ""
    instance: str | None = None
    site: tuple = ()
    counters: dict = field(default_factory=dict)
    left_out: set = field(default_factory=set)  # names of items whose `when:` is false


class Instantiator:
    """Expands items into `self.layers`; problems are collected, never raised."""

    def __init__(self, data: dict, doc: Document, inputs: dict, top_vars: Scope, budget: Budget):
        self.doc = doc
        self.top_vars = top_vars
        self.blocks = data.get("blocks") or {}
        self.budget = budget
        self.sited: list[tuple[Problem, tuple]] = []  # (problem, the instance chain that met it)
        self.site: tuple = ()
        self.instances: dict[str, list[str]] = {}  # block name -> its instances, as they are made
        self.layers: list[Layer] = []
        self.by_name: dict[str, Layer] = {}
        self.pending: list[tuple[Layer, list, dict, tuple]] = []
        self.taken = {item.get("name") for item in data["layers"] if isinstance(item, dict)} - {None}
        self.stack: list[str] = []
        self.sizes: dict[str, int] = {}
        self.shapes = Shapes(inputs, self.by_name)
        self.sole_input = next(iter(inputs)) if len(inputs) == 1 else None
        self.too_big = False

    def report(self, path, message, key=False, of_definition=False):
        """A problem at `path`; inside a block body it is kept with the instance that met it (sites.py).

        `of_definition`: a problem of the blocks as written (a cycle), whichever use meets it.
        """
        site = self.site if path and path[0] == "blocks" and not of_definition else ()
        self.sited.append((self.doc.problem(path, message, key), site))

    def run(self, frame: Frame, items: list) -> None:
        """Expand the top level; a spec past the size limits stops here, reported at the item that crossed them."""
        try:
            self.emit(frame, items)
        except TooBig as exc:
            self.report(self._too_big_at, str(exc))
            self.too_big = True

    # ---- items ----

    def emit(self, frame: Frame, items: list) -> str | None:
        """Expand `items` in `frame`; returns the name of the last layer (the frame's output)."""
        for i, item in enumerate(items):
            path = frame.base + (i,)
            self._too_big_at = path
            self.site = frame.site
            if not isinstance(item, (dict, str)):
                self.report(path, f"a layer is a type name or a mapping with one type key; received {item!r}")
                continue
            count = self.repeat_count(item, frame, path)
            if count is None:
                continue
            kind = item if isinstance(item, str) else next((k for k in item if k not in I.META_KEYS), None)
            if len(self.layers) + count * layers_per_use(self.blocks, kind, self.sizes) > MAX_LAYERS:
                self._too_big_at = path + ("repeat",) if isinstance(item, dict) and "repeat" in item else path
                raise TooBig(f"the spec expands to more than {MAX_LAYERS:,} layers")
            given = item.get("name") if isinstance(item, dict) else None
            for index in range(count):
                scope = frame.vars
                if isinstance(item, dict) and "repeat" in item:
                    scope = Scope({"index": index, "count": count}, frame.vars)
                last = self.copy(item, frame, path, scope, count, index)
                if last is False:
                    break
                frame.prev = last
            if isinstance(given, str) and "${" not in given and frame.prev is not None:
                frame.names[given] = frame.prev
        return frame.prev

    def repeat_count(self, item, frame: Frame, path) -> int | None:
        if not isinstance(item, dict) or "repeat" not in item:
            return 1
        if item["repeat"] == 0 and not isinstance(item["repeat"], bool):
            self.report(path + ("repeat",), "repeat: 0 written as a number leaves the item out; delete it instead")
            return None
        count = substitute(item["repeat"], frame.vars, lambda p, m: self.report(path + ("repeat",) + p, m))
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            self.report(path + ("repeat",), f"repeat must be an integer ≥ 0; received {count!r}")
            return None
        return count

    def copy(self, item, frame: Frame, path, scope: Scope, count: int, index: int):
        """Emit one copy of an item; the name of its output, or False when it failed (stop repeating)."""
        failed = len(self.sited)
        # a top-level item without ${...} in its meta keys was checked as written by validate.check_structure
        computed = path[0] != "layers" or _computes_meta(item)
        item = substitute(item, scope, lambda p, m: self.report(path + p, m))
        if len(self.sited) > failed:
            return False
        found = check_item(item, path, self.doc) if computed else []
        if found:
            self.sited += [(problem, self.site if path[0] == "blocks" else ()) for problem in found]
            return False
        kind, raw, meta = I.split(item, path, self.report)
        if kind is None:
            return False
        refs = meta.get("inputs")
        refs = [refs] if isinstance(refs, str) else refs
        refs = refs if index == 0 else None
        if meta.get("when", True) is False:
            return self.absent(frame, path, refs, meta.get("name"))
        name = meta.get("name")
        if name is not None:
            # a name that computes itself from the copy's number is unique already; any other gets _1, _2 ...
            numbered = re.search(r"\$\{[^}]*\bindex\b", str(self.doc.value_at(path + ("name",)) or ""))
            name = frame.prefix + (name if count == 1 or numbered else f"{name}_{index + 1}")
        if kind in self.blocks:
            last = self.instance(kind, raw, path, name, refs, frame)
        else:
            last = self.layer(kind, raw, path, name, refs, frame, meta.get("block"))
        return False if last is None else last

    def absent(self, frame: Frame, path, refs, given):
        """A layer or block use whose `when:` is false: consumers of its name take its input.

        Of several inputs (a residual Add), the one that is the previous layer, else the first.
        """
        source = frame.prev
        if refs is not None:
            sources = [self.resolve_now(ref, frame, path) for ref in refs]
            if None in sources:
                return False
            source = frame.prev if frame.prev in sources else sources[0]
        if given is not None and source is not None:
            frame.names.setdefault(given, source)
            frame.left_out.add(given)
        return source if source is not None else False

    # ---- one layer ----

    def layer(self, kind, raw, path, name, refs, frame: Frame, block):
        key = I.type_path(self.doc, path, kind)
        layer_type = lookup(kind)
        if layer_type is None:
            I.unknown_type(kind, key, self.blocks, self.report)
            return None
        given = I.layer_args(layer_type, raw, key, self.report)
        if given is None:
            return None
        args_given, origins = given
        args, arg_origins = {}, {}
        for arg, (value, origin) in (frame.defaults.get(layer_type.name) or {}).items():
            args[arg] = value
            arg_origins[arg] = origin
        args.update(args_given)
        arg_origins.update(origins)
        self.budget.add(args)
        name = name or self.auto_name(snake(layer_type.name), frame)
        flat = Layer(name, layer_type.name, args, [], path, arg_origins, frame.instance or block, refs is not None)
        flat.type_origin, flat.site = key, frame.site
        # the flat spec omits inputs: only where they are what it implies, the layer before (or the sole input)
        implied = self.layers[-1].name if self.layers else self.sole_input
        flat.explicit_inputs = refs is not None or frame.prev != implied
        self.layers.append(flat)
        self.by_name.setdefault(name, flat)
        if refs is None:
            if frame.prev is None:
                self.report(
                    path, f"layer '{name}' has no inputs: and the spec has several inputs; name the ones it takes"
                )
            else:
                flat.inputs = [frame.prev]
        else:
            self.bind(flat, refs, frame, path)
        frame.names.setdefault(name.removeprefix(frame.prefix), name)
        return name

    def auto_name(self, stem: str, frame: Frame) -> str:
        counters = frame.counters
        while True:
            counters[stem] = counters.get(stem, 0) + 1
            name = f"{frame.prefix}{stem}_{counters[stem]}"
            if name not in self.taken:
                return name

    def bind(self, flat: Layer, refs: list, frame: Frame, path) -> None:
        """Resolve the layer's inputs now when they are all defined, else after expansion (a forward name)."""
        refs = [self.no_state_of_left_out(flat, ref, frame, path + ("inputs", j)) for j, ref in enumerate(refs)]
        targets = [resolve(ref, frame.names.get) for ref in refs]
        if None not in targets:
            flat.inputs = targets
        else:
            flat.inputs = None
            self.pending.append((flat, refs, frame.names, path))

    def no_state_of_left_out(self, flat: Layer, ref: str, frame: Frame, path) -> str:
        """The reference, without its port where it names a state of a layer that `when:` leaves out (reported)."""
        name, port = split(ref)
        if port and name in frame.left_out:
            self.report(
                path,
                f"layer '{flat.name}' takes input '{ref}', state {port} of layer '{name}', which its when: leaves "
                "out, so it has no states; take the state from a layer that is there, or leave this one out too",
            )
            return name
        return ref

    def resolve_now(self, ref, frame: Frame, path):
        target = resolve(ref, frame.names.get)
        if target is not None:
            return target
        hint = did_you_mean(ref, frame.names)
        self.report(path + ("inputs",), f"input '{ref}' is not defined before this block.{hint}")
        return None

    # ---- one block instance ----

    def instance(self, block_name, raw, path, name, refs, frame: Frame):
        if block_name in self.stack:
            chain = " → ".join(self.stack + [block_name])
            self.report(path, f"block '{block_name}' uses itself: {chain}", of_definition=True)
            return None
        if len(self.stack) >= MAX_BLOCK_DEPTH:
            chain = " → ".join(self.stack[:3])
            self.report(path, f"blocks nest more than {MAX_BLOCK_DEPTH} deep: {chain} → ...", of_definition=True)
            return None
        block = self.blocks[block_name]
        params = I.block_params(block_name, block, raw, I.type_path(self.doc, path, block_name), self.report)
        if params is None:
            return None
        name = name or self.auto_name(block_name, frame)
        self.instances.setdefault(block_name, []).append(name)
        bound = self.block_inputs(block_name, block, name, refs, frame, path)
        if bound is None:
            return None
        tensors = {inp: Tensor(source, self.shapes) for inp, source in bound.items()}
        scope = Scope({**params, **tensors}, self.top_vars)
        defaults = self.block_defaults(block_name, block, frame.defaults, scope)
        inner = Frame(
            base=("blocks", block_name, "layers"),
            vars=scope,
            defaults=defaults,
            names=dict(bound),
            prev=next(iter(bound.values())),
            prefix=f"{name}.",
            instance=name,
            site=frame.site + ((name, block_name, path),),
        )
        self.stack.append(block_name)
        try:
            last = self.emit(inner, block["layers"])
        finally:
            self.stack.pop()
            self.site = frame.site
        frame.names.setdefault(name.removeprefix(frame.prefix), last)
        return last

    def block_inputs(self, block_name, block, name, refs, frame: Frame, path) -> dict | None:
        """The block's declared inputs (default: `in`) bound to the use's inputs: (or the previous layer)."""
        declared = declared_inputs(block)
        wrong = arity_problem(declared, name, refs, frame.prev)
        if wrong:
            self.report(path if refs is None else path + ("inputs",), wrong)
            return None
        if refs is None:
            return {declared[0]: frame.prev}
        sources = [self.resolve_now(ref, frame, path) for ref in refs]
        return None if None in sources else dict(zip(declared, sources, strict=True))

    def block_defaults(self, block_name, block, outer: dict, scope: Scope) -> dict:
        """Top-level defaults with the block's own `defaults:` over them, substituted in the block's scope."""
        local = block.get("defaults") or {}
        if not local:
            return outer
        path = ("blocks", block_name, "defaults")
        local = substitute(local, scope, lambda p, m: self.report(path + p, m))
        return merge_defaults(outer, local, path)


def _computes_meta(item) -> bool:
    """Whether a meta key of the item (name, inputs, repeat, when, block) holds a ${...}."""
    if not isinstance(item, dict):
        return False
    for key in META_KEYS:
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "${" in v for v in values):
            return True
    return False
