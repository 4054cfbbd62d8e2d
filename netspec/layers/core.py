"""Core pass-through layers: Identity and Masking."""

from __future__ import annotations

from . import args as A
from .base import LayerType, same_shape

LAYERS = [
    LayerType(
        name="Identity",
        family="core",
        doc="Returns its input unchanged.",
        args={},
        shape=same_shape,
    ),
    LayerType(
        name="Masking",
        family="core",
        doc="Marks time steps whose features all equal `mask_value` as padding for later layers.",
        args={"mask_value": A.number("The padding value.", default=0.0)},
        positional="mask_value",
        shape=same_shape,
        ranks=(2, 3, 4, 5),
    ),
]
