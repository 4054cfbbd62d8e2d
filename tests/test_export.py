"""`netspec export`: each format loaded in its own runtime by this test and compared with Keras, int8 against float."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from train_fixtures import DIGITS, write_digits_npz

from conftest import SPECS, assert_clean_failure, run_netspec

FORMATS = ("-f", "saved_model", "-f", "tflite", "-f", "onnx")


def _one_line_error(result, message: str) -> None:
    assert_clean_failure(result, 2)
    assert result.stderr == f"netspec: error: {message}\n"


# --- usage errors: before TensorFlow starts ------------------------------------------------------------------


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run_netspec("export", SPECS / "lenet5.yaml", "--format", "tfjs", cwd=tmp_path)
    _one_line_error(result, "--format tfjs: expected one of saved_model, tflite, onnx")


def test_unwritable_output_is_a_usage_error(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder\n")
    result = run_netspec("export", SPECS / "lenet5.yaml", "-f", "onnx", "-o", "taken/model.onnx", cwd=tmp_path)
    _one_line_error(result, "-o taken/model.onnx: cannot write there (taken is a file, not a folder)")


def test_missing_source_is_a_usage_error(tmp_path):
    result = run_netspec("export", "runs/nothing", "-f", "tflite", cwd=tmp_path)
    message = "runs/nothing: no such file or folder (expected a spec, a build or run folder, or a .keras file)"
    _one_line_error(result, message)


def test_no_source_and_no_current_build_is_a_usage_error(tmp_path):
    result = run_netspec("export", "-f", "tflite", cwd=tmp_path)
    _one_line_error(result, "no SPEC given and no current build here; run `netspec build SPEC` first or name a SPEC")


def test_int8_of_a_spec_is_refused_with_the_reason(tmp_path):
    result = run_netspec("export", SPECS / "lenet5.yaml", "-f", "tflite", "--quantize", "int8", cwd=tmp_path)
    _one_line_error(
        result,
        "--quantize int8 calibrates on the run's training images and measures its test accuracy, and "
        f"{SPECS / 'lenet5.yaml'} has no training data; export a run folder of `netspec train`, or name the data "
        "with --data",
    )


def test_onnx_without_the_export_extra_says_how_to_install_it(tmp_path):
    shadow = tmp_path / "shadow" / "onnxruntime"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError(\"No module named 'onnxruntime'\")\n")
    import os

    path = os.pathsep.join([str(tmp_path / "shadow"), os.environ.get("PYTHONPATH", "")])
    result = run_netspec("export", SPECS / "lenet5.yaml", "-f", "onnx", cwd=tmp_path, env={"PYTHONPATH": path})
    _one_line_error(
        result,
        "--format onnx needs onnx, onnxruntime and tf2onnx, which are not installed (No module named "
        "'onnxruntime'); install the export extra: pip install -e '.[export]'",
    )


def test_quantize_needs_tflite(tmp_path):
    result = run_netspec("export", SPECS / "lenet5.yaml", "-f", "onnx", "--quantize", "float16", cwd=tmp_path)
    _one_line_error(result, "--quantize float16: quantisation is for --format tflite alone")


# --- each format in its own runtime, with this test as the oracle ----------------------------------------------


class Runtimes:
    """Keras and the three export runtimes, loaded in this process (not through netspec's own loaders)."""

    def __init__(self):
        import os

        os.environ["KERAS_BACKEND"] = "tensorflow"
        import keras
        import onnxruntime
        import tensorflow as tf

        self.keras, self.tf, self.ort = keras, tf, onnxruntime

    def spec_model(self, name: str):
        """The model netspec builds from a spec for export: seeded with 0 before building."""
        import netspec

        self.keras.utils.set_random_seed(0)
        return netspec.load(SPECS / f"{name}.yaml").to_keras()

    def saved_model(self, path, x):
        serve = self.tf.saved_model.load(str(path)).signatures["serving_default"]
        (name,) = serve.structured_input_signature[1]
        (out,) = serve(**{name: self.tf.constant(x)}).values()
        return out.numpy()

    def tflite(self, path, x):
        interpreter = self.tf.lite.Interpreter(model_path=str(path))
        (source,) = interpreter.get_input_details()
        interpreter.resize_tensor_input(source["index"], x.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(source["index"], x)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    def onnx(self, path, x):
        session = self.ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        return session.run(None, {session.get_inputs()[0].name: x})[0]

    def outputs(self, folder, x) -> dict:
        """Each default export in `folder` run on x."""
        return {
            "saved_model": self.saved_model(folder / "saved_model", x),
            "tflite": self.tflite(folder / "model.tflite", x),
            "onnx": self.onnx(folder / "model.onnx", x),
        }


@pytest.fixture(scope="module")
def runtimes():
    return Runtimes()


PARITY = re.compile(r"  parity: largest \|(.+?) - Keras\| over (.+?): (\S+) \(limit 1e-04\) ok; same top class 100.0%")


def _check_every_format(result, folder, note: str, shape: tuple, model, runtimes) -> None:
    """The command's report, then each export run here in its own runtime against `model` on raw input."""
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"input: float32 [N, {', '.join(map(str, shape))}], raw values 0..255; "
        "the model applies train.rescale = 0.00392157 itself"
    )
    assert lines[1] == "output: float32 [N, 10]"
    reported = [PARITY.fullmatch(line) for line in lines if line.startswith("  parity:")]
    assert [m.group(1) for m in reported] == ["TensorFlow", "tf.lite.Interpreter", "ONNX Runtime"], lines
    assert {m.group(2) for m in reported} == {"16 random inputs in 0..255"}
    assert all(float(m.group(3)) <= 1e-4 for m in reported)
    assert lines[-1] == f"note: {note}"

    x = np.random.default_rng(1).uniform(0, 255, (8, *shape)).astype("float32")
    expected = model.predict(x / 255, verbose=0)
    unscaled = model.predict(x, verbose=0)
    for fmt, got in runtimes.outputs(folder, x).items():
        assert got.shape == (8, 10), fmt
        assert np.max(np.abs(got - expected)) <= 1e-4, fmt
        assert np.max(np.abs(got - unscaled)) > 1e-3, fmt  # the scaling is inside the exported graph


@pytest.mark.keras
def test_the_article_network_from_its_spec_in_every_format(tmp_path, runtimes):
    result = run_netspec("export", SPECS / "cifar_deep15.yaml", *FORMATS, "--check", "16", cwd=tmp_path)
    note = f"{SPECS / 'cifar_deep15.yaml'} is not a trained run: its weights are as Keras initialised them"
    model = runtimes.spec_model("cifar_deep15")  # what netspec builds for a spec: seeded with 0
    _check_every_format(result, tmp_path / "exports" / "cifar_deep15", note, (32, 32, 3), model, runtimes)


@pytest.mark.keras
def test_lenet5_from_a_keras_file_with_its_scaling_note_in_every_format(tmp_path, runtimes):
    from netspec.train import modelfile

    model = runtimes.spec_model("lenet5")
    modelfile.save(model, tmp_path / "lenet5.keras", {"spec": "lenet5", "rescale": 1 / 255})
    result = run_netspec("export", "lenet5.keras", *FORMATS, "--check", "16", cwd=tmp_path)
    note = "lenet5.keras does not say what data it was trained on; checked on random inputs (--data names it)"
    _check_every_format(result, tmp_path, note, (32, 32, 1), model, runtimes)


# --- a trained run: its test images for parity, its training images for int8 -------------------------------------


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """One short digits run shared by the tests below (3 epochs: about 97% test accuracy)."""
    root = tmp_path_factory.mktemp("digits")
    write_digits_npz(root / "digits.npz")
    argv = ["train", DIGITS, "--cpu", "--data", "digits.npz", "--seed", "0", "--epochs", "3", "--run-dir", "run"]
    result = run_netspec(*argv, cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.keras
@pytest.mark.training
def test_int8_export_of_a_run_reports_accuracy_within_a_point_of_float(digits_run, runtimes):
    result = run_netspec("export", "run", "-f", "tflite", "--quantize", "int8", cwd=digits_run)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "input: float32 [N, 8, 8, 1], raw values 0..16; the model applies train.rescale = 0.0625 itself",
        "output: float32 [N, 10] (0, 1, 2, 3, ...)",
    ]
    assert lines[2].startswith("Wrote run/model_int8.tflite (TFLite int8, ")
    assert re.fullmatch(
        r"  parity: largest \|tf.lite.Interpreter - Keras\| over 100 test images of digits.npz: \S+ "
        r"\(int8: no limit, judged by accuracy\); same top class \d+.\d%",
        lines[3],
    ), lines
    accuracy = re.fullmatch(r"  test accuracy on 360 images of digits.npz: float (\S+)%, int8 (\S+)%", lines[4])
    assert accuracy, lines
    size = re.fullmatch(r"  size: float (\S+) MB, int8 (\S+) MB \((\S+)x smaller\)", lines[5])
    assert size, lines
    assert float(size.group(1)) > 2.5 * float(size.group(2))
    assert (digits_run / "run" / "model_int8.tflite").stat().st_size == pytest.approx(
        float(size.group(2)) * 1e6, abs=5e3
    )

    test = np.load(digits_run / "digits.npz")
    x, y = test["x_test"].astype("float32"), test["y_test"]
    keras_accuracy = json.loads((digits_run / "run" / "eval.json").read_text())["accuracy"]
    int8_accuracy = float(np.mean(runtimes.tflite(digits_run / "run" / "model_int8.tflite", x).argmax(-1) == y))
    assert float(accuracy.group(1)) == pytest.approx(100 * keras_accuracy, abs=0.05)
    assert float(accuracy.group(2)) == pytest.approx(100 * int8_accuracy, abs=0.05)
    assert abs(int8_accuracy - keras_accuracy) <= 0.01


def test_a_float_export_beyond_the_limit_is_not_written_and_says_by_how_much(tmp_path):
    from netspec.export import parity, pipeline, report

    reference = np.array([[0.25, 0.75], [0.5, 0.5]])
    close = parity.compare(reference, reference + 1e-5, "ONNX Runtime", "2 test images of x.npz", None)
    far = parity.compare(reference, reference + [[0, 3e-4], [0, 0]], "ONNX Runtime", "2 test images of x.npz", None)
    assert close.passed and (far.passed, far.largest) == (False, pytest.approx(3e-4))
    assert parity.compare(reference, reference + 3e-4, "tf.lite.Interpreter", "", "float16").passed  # held to 1e-2
    assert parity.compare(reference, reference[:, ::-1], "tf.lite.Interpreter", "", "int8").passed  # judged by accuracy
    written = pipeline.Written(tmp_path / "m.onnx", "onnx", None, 10, 1.0, far)
    assert report.failures(pipeline.Outcome(None, [written])) == [
        f"netspec: error: the ONNX export differs from Keras by 3.00e-04 (limit 1e-04) in ONNX Runtime over "
        f"2 test images of x.npz; {tmp_path / 'm.onnx'} was not written"
    ]


# --- models the export does not serve: refused in words, nothing written ----------------------------------------


@pytest.mark.keras
def test_two_inputs_or_a_variable_size_are_refused_saying_what_to_do(tmp_path):
    (tmp_path / "two.yaml").write_text(
        "netspec: 1\nname: two\ninputs: {a: {shape: [4]}, b: {shape: [4]}}\n"
        "layers:\n  - Add:\n    inputs: [a, b]\n  - Dense: 2\n"
    )
    result = run_netspec("export", "two.yaml", "-f", "saved_model", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr.splitlines()[-1] == (
        "netspec: error: two.yaml: netspec export serves models with one input and one output, as netspec train "
        "makes them; this one has 2 inputs (a, b) and 1 output. Export it with Keras: "
        "keras.saving.load_model(...).export(path)"
    )
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").rglob("*.pb"))
    (tmp_path / "two.yaml").write_text("netspec: 1\nname: seq\ninput: {shape: [null, 3]}\nlayers:\n  - LSTM: 4\n")
    result = run_netspec("export", "two.yaml", "-f", "saved_model", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr.splitlines()[-1] == (
        "netspec: error: two.yaml: netspec export needs a fixed input shape, to check the export on inputs of it; "
        "this model's input is (None, 3). Give every axis a size in the spec's input: shape"
    )


@pytest.mark.keras
def test_a_tflite_file_the_interpreter_cannot_run_is_not_written(tmp_path):
    """An LSTM converts to TensorFlow (Flex) ops that tf.lite.Interpreter lacks."""
    (tmp_path / "rnn.yaml").write_text(
        "netspec: 1\nname: rnn\ninput: {shape: [5, 3]}\nlayers:\n  - LSTM: 4\n  - Dense: 2\n"
    )
    result = run_netspec("export", "rnn.yaml", "-f", "tflite", "-o", "rnn.tflite", cwd=tmp_path)
    assert_clean_failure(result, 2)
    last = result.stderr.splitlines()[-1]
    assert last.startswith("netspec: error: --format tflite: the converted model does not run in tf.lite.Interpreter (")
    assert last.endswith("); nothing was written. Export it as saved_model, which holds every TensorFlow operation")
    assert [p.name for p in tmp_path.iterdir()] == ["rnn.yaml"]  # no file, no staging debris
