"""Custom layers from plugin modules, imported only because the user named them.

A spec never causes an import: nothing in a spec is ever resolved to a module, a function
or a class outside the layer registry. A plugin module is imported only when it is named on
the command line (`netspec --plugin MODULE ...`, repeatable) or in the environment variable
NETSPEC_PLUGINS (comma-separated), or passed to `load()` from Python.

Risk: importing a module runs its code with your permissions, exactly as `python -m MODULE`
would. Name only modules you wrote or trust; never set NETSPEC_PLUGINS from a spec's README.

A plugin module lists its layers in `NETSPEC_LAYERS`, a list of keras.layers.Layer subclasses.
Each becomes a layer type named after its class; netspec passes its arguments through and
takes its shapes and parameters from Keras at build time. A model saved with plugin layers
loads again only with the same --plugin.
"""

from __future__ import annotations

import importlib
import os
import re

from .layers.registry import ALIASES, KERAS_NAMES, PLUGIN_NAMES, REFUSED
from .problems import UsageError

ENV = "NETSPEC_PLUGINS"
MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
LAYERS: dict[str, type] = {}


def from_env() -> list[str]:
    """Module names listed in NETSPEC_PLUGINS."""
    return [name.strip() for name in os.environ.get(ENV, "").split(",") if name.strip()]


def load(modules) -> list[str]:
    """Import each plugin module and register its NETSPEC_LAYERS; return the layer names added."""
    added = []
    for module_name in modules:
        if not MODULE_NAME.fullmatch(module_name):
            raise UsageError(f"--plugin {module_name!r}: expected a module name such as my_layers or pkg.layers")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise UsageError(f"--plugin {module_name}: cannot import it ({exc})") from None
        classes = getattr(module, "NETSPEC_LAYERS", None)
        if not isinstance(classes, (list, tuple)) or not classes:
            raise UsageError(f"--plugin {module_name}: the module has no NETSPEC_LAYERS list of layer classes")
        for cls in classes:
            added.append(_register(module_name, cls))
    return added


def _register(module_name: str, cls) -> str:
    from .tf_env import import_keras

    keras = import_keras()
    if not (isinstance(cls, type) and issubclass(cls, keras.layers.Layer)):
        raise UsageError(f"--plugin {module_name}: NETSPEC_LAYERS holds {cls!r}, which is not a Keras layer class")
    name = cls.__name__
    if LAYERS.get(name, cls) is not cls:
        raise UsageError(f"--plugin {module_name}: layer '{name}' is already registered by another plugin")
    if name in KERAS_NAMES or name in ALIASES or name in REFUSED:
        raise UsageError(f"--plugin {module_name}: layer '{name}' has the name of a Keras layer; rename the class")
    if keras.saving.get_registered_object(keras.saving.get_registered_name(cls)) is not cls:
        keras.saving.register_keras_serializable(package=module_name)(cls)  # so model.keras loads in safe_mode
    LAYERS[name] = cls
    PLUGIN_NAMES.add(name)
    return name
