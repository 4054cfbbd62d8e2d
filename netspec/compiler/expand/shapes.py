"""Static shapes during expansion, for `${in.shape}` and `${in.channels}`: the registry's pure shape rules."""

from __future__ import annotations

from ...layers import CORE, ShapeError
from ..validate import check_layer_args


def _no_location(path, key=False):
    from ...problems import Problem

    return Problem("", 1, 1, "")


class Shapes:
    """The output shape of each input and emitted layer, computed on request and remembered.

    A shape is a tuple without the batch axis, or a string saying why it is not known.
    """

    def __init__(self, inputs: dict, layers: dict):
        self.layers = layers  # name -> Layer, filled as expansion emits them
        self.known: dict = {name: tuple(t["shape"]) for name, t in inputs.items()}

    def __call__(self, name: str):
        stack = [name]
        while stack:  # iterative: a chain of thousands of layers must not recurse
            current = stack[-1]
            if current in self.known:
                stack.pop()
                continue
            layer = self.layers.get(current)
            if layer is None or layer.inputs is None:
                self.known[current] = f"'{current}' takes an input named later in the spec"
                continue
            waiting = [s for s in layer.inputs if s not in self.known]
            if waiting:
                stack.extend(waiting)
                continue
            self.known[current] = self._rule(layer, [self.known[s] for s in layer.inputs])
            stack.pop()
        return self.known[name]

    @staticmethod
    def _rule(layer, shapes):
        for shape in shapes:
            if isinstance(shape, str):
                return shape
        core = CORE.get(layer.type)
        if core is None:
            return f"{layer.type} '{layer.name}' is analysed by Keras only"
        if check_layer_args(core, layer.args, _no_location):
            return f"layer '{layer.name}' has invalid arguments"
        try:
            core.check_rank(shapes)
            return tuple(core.shape(core.with_defaults(layer.args), shapes))
        except ShapeError as exc:
            return f"layer '{layer.name}': {exc}"
