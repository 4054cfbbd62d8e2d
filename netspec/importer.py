"""Import: a Keras model's config as spec data, the inverse of keras_build.

`from_config` is pure data work on what `model.get_config()` / `model.to_json()`
write: no TensorFlow. Only `load_config` for a `.keras` file and `keras_app_config`
import Keras, at the edge. The spec it writes builds the same model: the same layer
types, arguments, connections, shapes and parameter counts. It stays short: layers
fed by the previous layer get no `inputs:`, Keras' automatic names are dropped,
arguments equal to the registry's defaults are left out, and a value that every
layer of a type shares moves to `defaults:`.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from .compiler.expand import Layer, snake
from .compiler.names import MAX_LENGTH, default_name, is_name
from .compiler.ports import join, split
from .layers import CORE, REFUSED, lookup
from .layers.base import LayerType
from .problems import SpecError, UsageError
from .safe_read import check_regular, load_json, read_regular, size_text

# Config keys every Keras layer writes that a spec does not hold.
BOOKKEEPING = ("name", "trainable", "dtype")  # unless the registry takes one as an argument (trainable)
# What Keras' configs write that the spec derives: a lookup's vocabulary size (from its vocabulary).
DERIVED = ("vocabulary_size",)
# Arguments of core Keras classes that netspec's registry leaves out, at the value
# that means "not used"; any other value cannot be expressed in a spec.
UNUSED_AT = {"quantization_config": None, "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99}
# Keras writes these values where the registry's default is None; they mean the same.
SAME_AS_NONE = {"activation": "linear", "data_format": "channels_last"}


def from_config(config: dict) -> tuple[dict, list[str]]:
    """(spec data, warnings) for a model config: get_config(), or to_json() parsed."""
    # As JSON sees it: get_config() holds tuples where to_json() writes lists.
    config = json.loads(json.dumps(config, default=_not_data))
    if isinstance(config, dict) and "class_name" in config and "config" in config:
        config = config["config"]
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise UsageError("this is not a Keras model config: it has no `layers` list")
    if all(isinstance(e, dict) and e.get("class_name") == "InputLayer" for e in config["layers"]):
        raise UsageError("the model has no layers besides its inputs")
    warnings: list[str] = []
    try:
        model = _Model(config, warnings)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"this Keras model config is malformed or of a kind netspec cannot read ({exc!r})") from None
    data = {"netspec": 1, "name": _model_name(config.get("name"))}
    if list(model.inputs) == ["input"]:
        data["input"] = model.inputs["input"]
    else:
        data["inputs"] = model.inputs
    defaults = _factor_defaults(model.layers)
    if defaults:
        data["defaults"] = defaults
    data["layers"] = [_item(layer, layer.name in model.kept) for layer in model.layers]
    if model.outputs != [model.layers[-1].name]:
        data["outputs"] = model.outputs
    return data, warnings


def import_spec(source: Path | None, keras_app: str | None = None) -> tuple[str, list[str], str]:
    """(spec YAML text, warnings, one-line summary) for a model file or a Keras Applications name."""
    from .problems import NetspecBug
    from .spec import loads
    from .yaml_dump import dump_spec

    config = keras_app_config(keras_app) if keras_app else load_config(source)
    data, warnings = from_config(config)
    origin = f"keras.applications.{keras_app}(weights=None)" if keras_app else json.dumps(str(source))
    text = f"# Imported by `netspec import` from {origin}.\n" + dump_spec(data)
    try:
        analysis = loads(text, "<imported spec>").summary()
    except SpecError as exc:
        if keras_app or source.suffix == ".keras":  # Keras built this model: netspec misread it
            raise NetspecBug(f"the imported spec does not compile: {exc}") from None
        raise UsageError(f"{source}: the config holds values Keras would refuse:\n{exc}") from None
    summary = f"{len(analysis.rows)} layers, {analysis.total('params'):,} parameters"
    if analysis.dynamic:
        summary += f" ({len(analysis.dynamic)} layers counted by Keras at build time)"
    return text, warnings, summary


CONFIG_MAX_BYTES = 32 * 2**20
ARCHIVE_MAX_MEMBERS = 1000
ARCHIVE_MAX_BYTES = 2**30


def load_config(path: Path) -> dict:
    """The model config in a `.keras` file (loaded with safe_mode) or a JSON file, each read within bounds."""
    if path.suffix != ".keras":
        return load_json(read_regular(path, CONFIG_MAX_BYTES, "model config"), path)
    config, weight_bytes = _archive_config(path)
    _refuse_more_weights_than_stored(config, weight_bytes, path)
    from .tf_env import import_keras

    keras = import_keras()
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types; the message says what it refused
        raise UsageError(f"{path}: Keras cannot load this model safely: {_first_line(exc)}") from None
    return model.get_config()


def _archive_config(path: Path) -> tuple[dict, int]:
    """(config.json's data, bytes of weights) of a .keras zip, its member count and sizes checked first."""
    check_regular(path, "model file")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > ARCHIVE_MAX_MEMBERS:
                raise UsageError(f"{path}: {len(members):,} files in the archive; a .keras file holds a few")
            total = sum(m.file_size for m in members)
            if total > ARCHIVE_MAX_BYTES:
                raise UsageError(
                    f"{path}: unpacks to {size_text(total)}, more than the {size_text(ARCHIVE_MAX_BYTES)} limit"
                )
            config = next((m for m in members if m.filename == "config.json"), None)
            if config is None:
                raise UsageError(f"{path}: no config.json in the archive; not a .keras model file")
            if config.file_size > CONFIG_MAX_BYTES:
                raise UsageError(f"{path}: config.json is larger than {size_text(CONFIG_MAX_BYTES)}")
            with archive.open(config) as member:
                raw = member.read(CONFIG_MAX_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UsageError(f"{path}: not a readable .keras archive ({exc})") from None
    weights = sum(m.file_size for m in members if m.filename.endswith(".h5"))
    return load_json(raw, f"{path}: config.json"), weights


def _refuse_more_weights_than_stored(config, weight_bytes: int, path: Path) -> None:
    """A config describing far more weights than the archive stores would make Keras allocate them all."""
    from .spec import loads
    from .yaml_dump import dump_spec

    try:
        data, _ = from_config(config)
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None
    try:
        analysis = loads(dump_spec(data), "<imported spec>").summary()
    except SpecError as exc:
        raise UsageError(f"{path}: the config holds values Keras would refuse:\n{exc}") from None
    params = analysis.total("trainable") + analysis.total("non_trainable")
    if 4 * params > 2 * weight_bytes + 64 * 2**20:
        raise UsageError(
            f"{path}: the config describes {params:,} parameters but the archive stores "
            f"{size_text(weight_bytes)} of weights; refusing to build it"
        )


def keras_app_config(name: str) -> dict:
    """The config of keras.applications.<name>(weights=None)."""
    from .tf_env import import_keras

    apps = import_keras().applications
    names = sorted(n for n in dir(apps) if n[:1].isupper() and callable(getattr(apps, n)))
    if name not in names:
        from .problems import did_you_mean

        raise UsageError(
            f"no Keras Applications model '{name}'.{did_you_mean(name, names)} Choose from: {', '.join(names)}"
        )
    return getattr(apps, name)(weights=None).get_config()


class _Model:
    """A model config read into inputs, layer records (compiler Layer) in order, and outputs."""

    def __init__(self, config: dict, warnings: list[str]):
        self.warnings = warnings
        self.inputs: dict = {}
        self.layers: list[Layer] = []
        self.kept: set[str] = set()  # layer names the spec must write (not Keras-style automatic ones)
        self.rename: dict[str, str] = {}
        self.ports: dict[str, tuple] = {}  # Keras layer name -> its further outputs (a recurrent layer's states)
        self.taken: set[str] = set()
        entries = config["layers"]
        sequential = "input_layers" not in config
        input_entries = [e for e in entries if e.get("class_name") == "InputLayer"]
        if sequential and not input_entries:
            raise UsageError("the Sequential model has no input shape; give it a keras.Input(shape=...) first")
        for entry in input_entries:
            self.add_input(entry, single=len(input_entries) == 1)
        prev = next(iter(self.inputs), None)
        for entry in entries:
            if entry.get("class_name") == "InputLayer":
                continue
            layer_type = self.layer_type(entry)
            sources = [prev] if sequential else self.sources(entry)
            prev = self.add_layer(entry, layer_type, sources)
        if sequential:
            self.outputs = [prev]
        else:
            self.outputs = [
                self.ref(ref[0], ref[2], "the model's outputs") for ref in _refs(config.get("output_layers"))
            ]
            self.layers = _chain_order(self.layers, set(self.inputs))
        self.drop_automatic_names()

    def add_input(self, entry: dict, single: bool) -> None:
        cfg = entry.get("config", {})
        for flag in ("sparse", "ragged", "optional"):
            if cfg.get(flag):
                raise UsageError(f"input '{cfg.get('name')}' is {flag}; specs declare dense inputs only")
        shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
        if not shape:
            raise UsageError(f"input '{cfg.get('name')}' has no shape")
        name = self.unique("input" if single else cfg.get("name") or "input")
        self.rename[cfg.get("name", name)] = name
        tensor = {"shape": list(shape[1:])}
        dtype = cfg.get("dtype", "float32")
        dtype = dtype.get("config", {}).get("name", "float32") if isinstance(dtype, dict) else dtype
        if dtype != "float32":
            tensor["dtype"] = dtype
        self.inputs[name] = tensor

    def sources(self, entry: dict) -> list[str]:
        nodes = entry.get("inbound_nodes") or []
        if len(nodes) != 1:
            how = "never called" if not nodes else f"called {len(nodes)} times (shared weights)"
            raise UsageError(f"layer '{_entry_name(entry)}' is {how}; a spec layer is applied exactly once")
        args = nodes[0].get("args", [])
        kwargs = dict(nodes[0].get("kwargs") or {})
        states = kwargs.pop("initial_state", None) or []  # a recurrent layer's further inputs
        if any(_is_tensor(v) for v in kwargs.values()):
            raise UsageError(
                f"layer '{_entry_name(entry)}' takes a tensor as a keyword argument; specs pass inputs only"
            )
        tensors = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        out = []
        for tensor in [*tensors, *states]:
            history = tensor.get("config", {}).get("keras_history") if isinstance(tensor, dict) else None
            if not history:
                raise UsageError(f"layer '{_entry_name(entry)}' is called with a value that is not a tensor")
            source, _node, index = history
            out.append(self.ref(source, index, f"layer '{_entry_name(entry)}'"))
        return out

    def ref(self, source: str, index: int, reader: str) -> str:
        """The reference to output `index` of Keras layer `source`: its name, or name:port for a state."""
        ports = self.ports.get(source, ())
        if index == 0:
            return self.rename[source]
        if index > len(ports):
            raise UsageError(f"{reader} takes output {index} of '{source}', which a spec cannot name")
        return join(self.rename[source], ports[index - 1])

    def add_layer(self, entry: dict, layer_type: LayerType, sources: list[str]) -> str:
        cfg = dict(entry.get("config") or {})
        keras_name = _entry_name(entry)
        if cfg.get("trainable") is False and "trainable" not in layer_type.args:
            self.warnings.append(f"layer '{keras_name}' is frozen (trainable: false); a spec does not record that")
        dtype = cfg.get("dtype")
        policy = dtype.get("config", {}).get("name") if isinstance(dtype, dict) else dtype
        if policy not in (None, "float32"):
            self.warnings.append(f"layer '{keras_name}' computes in {policy}; set train.precision instead")
        args = _core_args(layer_type, cfg, keras_name) if layer_type.static else _opaque_args(cfg, keras_name)
        name = self.unique(keras_name)
        self.rename[keras_name] = name
        self.ports[keras_name] = layer_type.ports(layer_type.with_defaults(args)) if layer_type.static else ()
        self.layers.append(Layer(name, layer_type.name, args, sources, ()))
        return name

    def layer_type(self, entry: dict) -> LayerType:
        class_name, name = entry.get("class_name", ""), _entry_name(entry)
        if class_name in ("Functional", "Sequential", "Model"):
            raise UsageError(f"layer '{name}' is a nested model; specs are flat: rebuild it with its layers inline")
        if class_name in REFUSED:
            raise UsageError(f"layer '{name}' is a {class_name}, which a spec cannot hold: {REFUSED[class_name]}")
        module = entry.get("module") or "keras.layers"
        if module.startswith(("keras.ops", "keras.src.ops")):
            raise UsageError(
                f"layer '{name}' is the operation {module}.{class_name} (tensor arithmetic such as `x + 3`); "
                "specs hold layers only: write it with a layer such as Add, Multiply or Rescaling"
            )
        keras_layer = module.startswith(("keras.layers", "keras.src.layers")) and not entry.get("registered_name")
        found = lookup(class_name) if keras_layer else None
        if found is None:
            where = entry.get("registered_name") or class_name
            raise UsageError(f"layer '{name}' is of class {where}, which is not a Keras layer netspec knows")
        return found

    def unique(self, name: str) -> str:
        base = name if is_name(name, dotted=True) else default_name(name)
        return fresh_name(base[: MAX_LENGTH - 8], self.taken)  # room for a _N suffix within the name rule

    def drop_automatic_names(self) -> None:
        """Forget Keras-style automatic names (conv2d, conv2d_3) that nothing refers to by name."""
        # Like expand: a layer without inputs: reads the previous layer, or the spec's only input.
        prev = next(iter(self.inputs)) if len(self.inputs) == 1 else None
        referenced = {split(ref)[0] for ref in self.outputs if ref != self.layers[-1].name}
        for layer in self.layers:
            layer.explicit_inputs = layer.inputs != [prev]
            if layer.explicit_inputs:
                referenced.update(split(ref)[0] for ref in layer.inputs)
            prev = layer.name
        for layer in self.layers:
            automatic = re.fullmatch(re.escape(snake(layer.type)) + r"(_\d+)?", layer.name)
            if not automatic or layer.name in referenced:
                self.kept.add(layer.name)


def fresh_name(base: str, taken: set) -> str:
    """`base`, or `base_2`, `base_3`... : the first not in `taken`, which it joins."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def _not_data(value):
    raise UsageError(f"the model config holds a {type(value).__name__}, which is not data a spec can hold")


def _entry_name(entry: dict) -> str:
    return (entry.get("config") or {}).get("name") or entry.get("name") or snake(entry.get("class_name", "layer"))


def _chain_order(layers: list[Layer], inputs: set[str]) -> list[Layer]:
    """A topological order that follows chains: each layer's consumer comes next when it can,
    so that as few layers as possible need `inputs:`."""
    waiting = list(layers)
    done = set(inputs)
    order: list[Layer] = []
    while waiting:
        ready = [layer for layer in waiting if {split(ref)[0] for ref in layer.inputs} <= done]
        last = order[-1].name if order else None
        layer = next((r for r in ready if last in r.inputs), ready[0])
        waiting.remove(layer)
        done.add(layer.name)
        order.append(layer)
    return order


def _is_tensor(value) -> bool:
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _refs(value) -> list:
    """input_layers/output_layers: one [name, node, index] or a list of them."""
    if not value:
        return []
    return [value] if isinstance(value[0], str) else list(value)


def _model_name(name) -> str:
    return default_name(str(name or "model"))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def plain(value, where: str):
    """A config value as spec data: Keras objects become {class_name, config}, simple ones a name."""
    if isinstance(value, dict):
        if "class_name" in value:
            return _plain_object(value, where)
        return {k: plain(v, where) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, where) for v in value]
    return value


def _plain_object(value: dict, where: str):
    class_name = value["class_name"]
    module = value.get("module") or "keras"
    registered = value.get("registered_name")
    if class_name.startswith("__") or not module.startswith("keras") or registered not in (None, class_name):
        what = registered or f"{module}.{class_name}"
        raise UsageError(f"{where} holds {what}, which is code or a tensor, not data a spec can hold")
    config = plain(value.get("config") or {}, where)
    if all(v is None for v in config.values()):
        return snake(class_name)  # glorot_uniform: Keras builds the same object from its name
    return {"class_name": class_name, "config": config}


def _canonical(value, key: str):
    """The value as compared with a default: equal ints in a list collapse, Keras' synonyms of None."""
    if key in SAME_AS_NONE and value == SAME_AS_NONE[key]:
        return None
    if isinstance(value, list) and value and all(_canonical(v, key) == _canonical(value[0], key) for v in value):
        return _canonical(value[0], key)
    return value


def _short(value):
    """[3, 3] -> 3 and [[1, 1], [1, 1]] -> 1; anything else unchanged."""
    if isinstance(value, list) and value:
        inner = [_short(v) for v in value]
        if all(isinstance(v, int) and not isinstance(v, bool) and v == inner[0] for v in inner):
            return inner[0]
    return value


def _core_args(layer_type: LayerType, cfg: dict, name: str) -> dict:
    if layer_type.nested_arg is not None:
        cfg = _unwrapped(layer_type, cfg, name)
    args = {}
    for key, value in cfg.items():
        if (key in BOOKKEEPING or key in DERIVED) and key not in layer_type.args:
            continue
        if key not in layer_type.args:
            if key in UNUSED_AT and value == UNUSED_AT[key]:
                continue
            raise UsageError(f"layer '{name}' ({layer_type.name}) sets {key}={value!r}, which netspec does not support")
        value = plain(value, f"layer '{name}' argument '{key}'")
        schema = layer_type.args[key]
        if "default" in schema and _canonical(value, key) == _canonical(schema["default"], key):
            continue
        if key == "strides" and _canonical(value, key) == _canonical(cfg.get("pool_size"), key):
            continue  # Keras writes a pooling layer's default strides (its pool_size) out in full
        args[key] = _short(value) if _accepts_int(schema) else value
    return args


def _unwrapped(layer_type: LayerType, cfg: dict, name: str) -> dict:
    """A wrapper's config with its nested layer's config as {Type: args}; Bidirectional's mirrored backward copy dropped."""
    cfg = dict(cfg)
    inner = cfg.get(layer_type.nested_arg)
    inner_type = CORE.get(inner.get("class_name")) if isinstance(inner, dict) else None
    if inner_type is None or not isinstance(inner.get("config"), dict):
        raise UsageError(f"layer '{name}' ({layer_type.name}) wraps a layer netspec has no static rules for")
    backward = cfg.pop("backward_layer", None)
    if backward is not None:
        mirrored = {**inner["config"], "go_backwards": not inner["config"].get("go_backwards", False)}
        if _without_name(backward.get("config", {}), name) != _without_name(mirrored, name):
            raise UsageError(f"layer '{name}' (Bidirectional) has its own backward layer, which a spec cannot hold")
    inner_args = _core_args(inner_type, inner["config"], name)
    cfg[layer_type.nested_arg] = {inner_type.name: inner_args}
    return cfg


def _without_name(config: dict, where: str) -> dict:
    """A layer config as data, without its name (or the object ids a saved model adds), for comparison."""
    return {k: plain(v, f"layer '{where}'") for k, v in config.items() if k != "name"}


def _accepts_int(schema: dict) -> bool:
    return schema.get("type") == "integer" or any(_accepts_int(o) for o in schema.get("anyOf", []))


def _opaque_args(cfg: dict, name: str) -> dict:
    return {k: plain(v, f"layer '{name}' argument '{k}'") for k, v in cfg.items() if k not in BOOKKEEPING}


def shared_arguments(layers) -> dict[str, dict]:
    """Per core type with 2 layers or more: the arguments (but the shorthand one) that all of them
    give with the same value. `layers` holds (type name, args) pairs."""
    by_type: dict[str, list[dict]] = {}
    for type_name, args in layers:
        if type_name in CORE:
            by_type.setdefault(type_name, []).append(args)
    shared = {}
    for type_name, group in by_type.items():
        positional = CORE[type_name].positional
        common = {k: v for k, v in group[0].items() if k != positional and all(k in g and g[k] == v for g in group[1:])}
        if len(group) > 1 and common:
            shared[type_name] = common
    return shared


def _factor_defaults(layers: list[Layer]) -> dict:
    """Move the values that every layer of a core type shares into defaults:."""
    defaults = shared_arguments((layer.type, layer.args) for layer in layers)
    for layer in layers:
        for key in defaults.get(layer.type, ()):
            del layer.args[key]
    return defaults


def _item(layer: Layer, keep_name: bool):
    """One entry of the spec's layers: list, as short as it can be written."""
    positional, args = lookup(layer.type).positional, layer.args
    meta = {}
    if keep_name:
        meta["name"] = layer.name
    if layer.explicit_inputs:
        meta["inputs"] = layer.inputs[0] if len(layer.inputs) == 1 else layer.inputs
    if positional and list(args) == [positional] and not isinstance(args[positional], dict):
        body = args[positional]
    else:
        body = args or ({} if meta else None)
    if body is None:
        return layer.type
    return {layer.type: body, **meta}
