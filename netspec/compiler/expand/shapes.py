"""Static shapes during expansion, for `${in.shape}` and `${in.channels}`: the registry's pure shape rules."""

from __future__ import annotations

from ...layers import CORE, ShapeError
from ..ports import split
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
            base, port = split(current)
            if port:  # a state: known once its layer's output is
                if base not in self.known:
                    stack.append(base)
                    continue
                self.known[current] = self._state(base, port)
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

    def _state(self, name: str, port: str):
        layer, out = self.layers.get(name), self.known[name]
        if isinstance(out, str) or layer is None:
            return out if isinstance(out, str) else f"input '{name}' has no output '{port}'"
        core = CORE[layer.type]
        args = core.with_defaults(layer.args)
        if port not in core.ports(args):
            return f"layer '{name}' has no output '{port}'"
        return tuple(core.state_shape(args, [self.known[layer.inputs[0]]]))

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
            args = core.with_defaults(layer.args)
            core.check_rank(shapes[:1] if core.states(args) else shapes)  # the further inputs are the initial state
            return tuple(core.shape(args, shapes))
        except ShapeError as exc:
            return f"layer '{layer.name}': {exc}"
