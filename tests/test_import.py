"""`netspec import`: Keras models, configs and Keras Applications back to specs that build the same model.

The Keras helpers here (built models, a model's structure for comparison) are shared
with test_zoo.py and test_eject.py, so each network is built once per session.
"""

from __future__ import annotations

import functools
import json
import math

import networkx as nx
import pytest

import netspec
from netspec.importer import from_config, import_spec, keras_app_config, load_config
from netspec.problems import SpecError, UsageError
from netspec.yaml_dump import dump_spec

from conftest import ROOT, SPECS, assert_clean_failure, run_netspec

CASES = ROOT / "tests" / "data" / "import"
LIBRARY = sorted(p.stem for p in SPECS.glob("*.yaml"))
# The biggest (a 102M- and a 38M-weight Dense) take seconds to build: their round trip is
# compared without building the imported spec's weights.
BUILT_ONCE = {"vgg16", "alexnet"}


# ---- Keras helpers shared by the Keras tiers of test_import, test_zoo and test_eject ----


@functools.cache
def keras():
    from netspec.tf_env import import_keras

    return import_keras()


@functools.cache
def library_model(name: str):
    """The Keras model `netspec build` makes of specs/<name>.yaml."""
    from netspec.keras_build import build_model

    return build_model(netspec.load(SPECS / f"{name}.yaml"))


@functools.cache
def keras_app(name: str):
    return getattr(keras().applications, name)(weights=None)


def structure(model) -> nx.DiGraph:
    """The model as a graph: per layer its class, config (name aside), output shape and weight
    counts; per edge the input position. Two models are the same when these graphs are isomorphic."""
    graph = nx.DiGraph()
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue  # labelled below, as Sequential models do not list theirs
        config = layer.get_config()
        config.pop("name", None)
        trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
        frozen = sum(math.prod(w.shape) for w in layer.non_trainable_weights)
        label = (type(layer).__name__, repr(sorted(config.items())), tuple(layer.output.shape), trainable, frozen)
        graph.add_node(layer.name, label=label)
        for node in layer._inbound_nodes:
            for index, tensor in enumerate(node.input_tensors):
                source = tensor._keras_history.operation
                if type(source).__name__ == "InputLayer":
                    graph.add_node(source.name, label=("Input", tuple(tensor.shape), tensor.dtype))
                graph.add_edge(source.name, layer.name, index=index)
    return graph


def assert_same_model(a, b, same_names: bool = False) -> None:
    """Same layer types, configs, connections, shapes and weight counts (and names, if asked)."""
    ga, gb = structure(a), structure(b)
    assert a.count_params() == b.count_params()
    if same_names:
        assert dict(ga.nodes(data="label")) == dict(gb.nodes(data="label"))
        assert sorted(ga.edges(data="index")) == sorted(gb.edges(data="index"))
    assert nx.is_isomorphic(ga, gb, node_match=lambda x, y: x["label"] == y["label"], edge_match=lambda x, y: x == y)


def imported(config: dict) -> netspec.Spec:
    data, warnings = from_config(config)
    assert warnings == []
    return netspec.loads(dump_spec(data), "<imported>")


# ---- fast tier: configs as data, no TensorFlow ----


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_config_imports_as_the_expected_spec(case):
    text, warnings, _ = import_spec(CASES / f"{case}.json")
    assert warnings == []
    assert text.split("\n", 1)[1] == (CASES / f"{case}.yaml").read_text()


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.err")))
def test_config_that_a_spec_cannot_hold_is_refused(case):
    with pytest.raises(UsageError) as caught:
        import_spec(CASES / f"{case}.json")
    assert str(caught.value) == (CASES / f"{case}.err").read_text().strip()


def test_sequential_needs_no_inputs_names_or_defaults():
    text = (CASES / "sequential_cnn.yaml").read_text()
    assert "inputs:" not in text and "name: conv2d" not in text
    assert "padding" not in text and "glorot_uniform" not in text and "channels_last" not in text


def test_import_command_writes_the_spec(tmp_path):
    out = tmp_path / "cnn.yaml"
    result = run_netspec("import", CASES / "two_towers.json", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote {out}: 5 layers, 1,157 parameters\n"
    assert out.read_text() == (
        f'# Imported by `netspec import` from "{CASES / "two_towers.json"}".\n'
        + (CASES / "two_towers.yaml").read_text()
    )
    assert netspec.load(out).summary().total("params") == 1157


def test_import_command_refuses_with_exit_2(tmp_path):
    result = run_netspec("import", CASES / "lambda_layer.json", "-o", tmp_path / "x.yaml")
    assert_clean_failure(result, 2)
    assert result.stderr == f"netspec: error: {(CASES / 'lambda_layer.err').read_text()}"
    assert not (tmp_path / "x.yaml").exists()
    result = run_netspec("import")
    assert_clean_failure(result, 2)
    assert "give one of MODEL (a .keras file or JSON config) or --keras-app NAME" in result.stderr


def test_not_a_model_config(tmp_path):
    (tmp_path / "a.json").write_text('{"a": 1}')
    with pytest.raises(UsageError, match="this is not a Keras model config: it has no `layers` list"):
        from_config(load_config(tmp_path / "a.json"))
    with pytest.raises(UsageError, match="missing.json: no such file"):
        load_config(tmp_path / "missing.json")


def test_config_with_values_keras_would_refuse(tmp_path):
    config = json.loads((CASES / "sequential_cnn.json").read_text())
    config["config"]["layers"][1]["config"]["filters"] = -5
    (tmp_path / "neg.json").write_text(json.dumps(config))
    with pytest.raises(UsageError) as caught:
        import_spec(tmp_path / "neg.json")
    assert str(caught.value) == (
        f"{tmp_path / 'neg.json'}: the config holds values Keras would refuse:\n"
        "<imported spec>:8:21: Conv2D argument 'filters' must be ≥ 1; received -5"
    )


def test_malformed_config_is_refused_cleanly():
    config = json.loads((CASES / "two_towers.json").read_text())
    config["config"]["layers"][2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["nowhere", 0, 0]
    with pytest.raises(UsageError, match=r"^this Keras model config is malformed or of a kind netspec cannot read"):
        from_config(config)
    with pytest.raises(UsageError, match="the model has no layers besides its inputs"):
        from_config({"name": "m", "layers": [], "input_layers": [], "output_layers": []})


def test_average_pooling_requires_pool_size():
    """Core fix found by importing DenseNet121: Keras' AveragePooling2D has no default pool_size."""
    with pytest.raises(SpecError) as caught:
        netspec.loads("netspec: 1\ninput: {shape: [8, 8, 1]}\nlayers:\n  - AveragePooling2D\n", "s.yaml")
    assert str(caught.value) == "s.yaml:4:5: AveragePooling2D requires argument 'pool_size'"
    spec = netspec.loads("netspec: 1\ninput: {shape: [8, 8, 1]}\nlayers:\n  - MaxPooling2D\n", "s.yaml")
    assert spec.summary().rows[0].output_shape == (4, 4, 1)


# ---- Keras tier ----


@pytest.mark.keras
@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_imported_config_builds_the_model_keras_reads(case):
    from netspec.keras_build import build_model

    original = keras().models.model_from_json((CASES / f"{case}.json").read_text())
    assert_same_model(build_model(netspec.load(CASES / f"{case}.yaml")), original)


@pytest.mark.keras
@pytest.mark.parametrize("name", LIBRARY)
def test_library_spec_round_trips(name):
    """build -> import -> build: the same model, names included."""
    spec = netspec.load(SPECS / f"{name}.yaml")
    model = library_model(name)
    again = imported(model.get_config())
    assert rows(again) == rows(spec)
    if name in BUILT_ONCE:
        assert keras_layers(again) == keras_layers(spec)
    else:
        assert_same_model(again.to_keras(), model, same_names=True)


def rows(spec) -> dict:
    """Per layer name: its inputs and static figures (import may declare layers in another order)."""
    return {r.name: (r.inputs, r.output_shape, r.trainable, r.non_trainable) for r in spec.summary().rows}


def keras_layers(spec) -> list:
    """Per layer name: its inputs, type and Keras config, from Keras layers made but not built (no weights)."""
    out = {}
    for layer in spec.flat.layers:
        config = getattr(keras().layers, layer.type)(name=layer.name, **layer.args).get_config()
        out[layer.name] = (layer.inputs, layer.type, config)
    return out


@pytest.mark.keras
@pytest.mark.parametrize("app", ["ResNet50", "MobileNetV2", "MobileNet", "Xception"])
def test_keras_application_imports_as_the_same_model(app):
    original = keras_app(app)
    spec = imported(keras_app_config(app) if app == "MobileNet" else original.get_config())
    assert spec.summary().dynamic == []
    assert spec.summary().total("params") == original.count_params()
    assert_same_model(spec.to_keras(), original)


@pytest.mark.keras
def test_unknown_keras_application():
    with pytest.raises(UsageError, match=r"no Keras Applications model 'ResNet05'\. Did you mean 'ResNet50'\?"):
        keras_app_config("ResNet05")


@pytest.mark.keras
def test_keras_file_with_code_is_refused_before_keras_loads_it(tmp_path):
    """The archive's config.json is read as data first (Keras' safe_mode load comes after)."""
    k = keras()
    inputs = k.Input(shape=(4,))
    k.Model(inputs, k.layers.Lambda(lambda t: t * 2)(inputs)).save(tmp_path / "lambda.keras")
    with pytest.raises(UsageError, match=r"lambda\.keras: layer 'lambda' is a Lambda, which a spec cannot hold"):
        load_config(tmp_path / "lambda.keras")


@pytest.mark.keras
def test_keras_file_imports_as_the_same_model(tmp_path):
    """The .keras route of `netspec import` (its command line is tested with a JSON config above)."""
    library_model("lenet5").save(tmp_path / "lenet5.keras")
    text, warnings, summary = import_spec(tmp_path / "lenet5.keras")
    assert (warnings, summary) == ([], "8 layers, 61,706 parameters")
    assert "- Conv2D: {filters: 6}\n- {AveragePooling2D: 2}\n" in text
    assert_same_model(netspec.loads(text).to_keras(), library_model("lenet5"), same_names=True)


@pytest.mark.keras
def test_saved_encoder_decoder_imports_its_states_as_ports(tmp_path):
    """A tensor index in an inbound node (and in the outputs) becomes the port; initial_state the further inputs."""
    k = keras()
    source, target = k.Input((7, 5), name="src"), k.Input((3, 5), name="tgt")
    enc = k.layers.Bidirectional(k.layers.LSTM(4, return_state=True), name="enc")(source)
    dec = k.layers.Bidirectional(k.layers.LSTM(4), name="dec")(target, initial_state=enc[1:])
    k.Model([source, target], [dec, enc[4]]).save(tmp_path / "s2s.keras")
    result = run_netspec("import", tmp_path / "s2s.keras", "-o", tmp_path / "s2s.yaml")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "s2s.yaml").read_text()
    assert "inputs: [tgt, 'enc:forward_h', 'enc:forward_c', 'enc:backward_h', 'enc:backward_c']" in text
    assert "outputs: [dec, 'enc:backward_c']" in text
    assert netspec.loads(text).summary().exact("params") == k.models.load_model(tmp_path / "s2s.keras").count_params()
