"""One export from start to end: plan it without TensorFlow, then convert, check, calibrate and publish."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import UsageError
from . import FORMATS, QUANTIZE, parity, publish, quantize, rundata, serving
from . import onnx as onnx_format
from . import savedmodel as savedmodel_format
from . import tflite as tflite_format
from .source import Source, load_model, resolve

WRITERS = {"saved_model": savedmodel_format, "tflite": tflite_format, "onnx": onnx_format}
SUFFIX = {"saved_model": "", "tflite": ".tflite", "onnx": ".onnx"}


@dataclass
class Request:
    """What the user asked for (None: not given)."""

    source: Path | None
    formats: tuple
    output: Path | None = None
    quantize: str | None = None
    check: int = 100
    data: str | None = None


@dataclass
class Plan:
    """A checked request: the source resolved, each format's output path decided and known to be writable."""

    request: Request
    source: Source
    outputs: dict  # format -> Path


@dataclass
class Written:
    """One export: where it went (if it agreed with Keras), its size, conversion time and parity."""

    output: Path
    format: str
    quantize: str | None
    bytes: int
    seconds: float
    parity: parity.Parity
    comparison: quantize.Comparison | None = None

    @property
    def written(self) -> bool:
        return self.parity.passed


@dataclass
class Outcome:
    """Every export of one command, what they take and give, and what the user should know."""

    interface: serving.Interface
    exports: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def all_written(self) -> bool:
        return all(one.written for one in self.exports)


def plan(request: Request, current_spec) -> Plan:
    """Check the request and resolve SOURCE and -o before anything slow is imported."""
    formats = request.formats
    for name in formats:
        if name not in FORMATS:
            raise UsageError(f"--format {name}: expected one of {', '.join(FORMATS)}")
    if len(set(formats)) != len(formats) or not formats:
        raise UsageError("--format: name each of saved_model, tflite, onnx at most once (and at least one)")
    if request.quantize is not None:
        if request.quantize not in QUANTIZE:
            raise UsageError(f"--quantize {request.quantize}: expected one of {', '.join(QUANTIZE)}")
        if formats != ("tflite",):
            raise UsageError(f"--quantize {request.quantize}: quantisation is for --format tflite alone")
    if request.output is not None and len(formats) > 1:
        raise UsageError("-o names one export; with several --format the exports go beside the model")
    if "onnx" in formats:
        onnx_format.require()
    source = resolve(request.source, current_spec() if request.source is None else None)
    if request.quantize == "int8" and source.kind in ("spec", "build") and request.data is None:
        raise quantize.no_training_data(source.label)
    outputs = {}
    for name in formats:
        output = request.output or default_output(source, name, request.quantize)
        suffix = SUFFIX[name]
        if suffix and output.suffix != suffix:
            raise UsageError(f"-o {output}: the {name} export is one file ending in {suffix}")
        publish.check_writable(output, str(output), folder=not suffix)
        outputs[name] = output
    return Plan(request, source, outputs)


def default_output(source: Source, name: str, quantized: str | None) -> Path:
    """In the source's folder (a run's, a .keras file's; exports/<name>/ for a spec or a build): model.tflite,
    model_int8.tflite, model.onnx, saved_model/."""
    if name == "saved_model":
        return source.folder / "saved_model"
    tag = f"_{quantized}" if quantized else ""
    return source.folder / f"model{tag}{SUFFIX[name]}"


def run(keras, chosen: Plan) -> Outcome:
    """Convert, load back in each export's runtime, compare with Keras; publish only what agrees."""
    request, source = chosen.request, chosen.source
    loaded = load_model(keras, source)
    _servable(loaded, source)
    model = serving.float32_model(keras, loaded)  # the export computes in float32; so does the Keras reference
    input_shape, output_shape = tuple(model.input_shape[1:]), tuple(model.output_shape[1:])
    data = rundata.load(source, request.data, input_shape, int(output_shape[-1]))
    names = source.note.get("class_names") or []
    interface = serving.Interface(input_shape, output_shape, source.rescale, rundata.value_range(source, data), names)
    outcome = Outcome(interface)
    if data is None:
        outcome.notes.append(_no_data_note(source))
    if model is not loaded:
        outcome.notes.append(
            "the model was trained in mixed precision; the export and the Keras check compute in float32"
        )
    calibration = quantize.representative(data, source) if request.quantize == "int8" else None
    served = serving.serving_model(keras, model, source.rescale)
    x, described = parity.check_inputs(data, interface, request.check)
    reference = parity.batched(parity.keras_reference(model, source.rescale), x)
    for name, output in chosen.outputs.items():
        writer = WRITERS[name]
        with publish.staged(output) as staging:
            start = time.perf_counter()
            if name == "tflite":
                writer.write(keras, served, staging, names, request.quantize, calibration)
            else:
                writer.write(keras, served, staging, names)
            seconds = time.perf_counter() - start
            try:
                predict = writer.load(staging).predict
                checked = parity.compare(
                    reference, parity.batched(predict, x), writer.RUNTIME, described, request.quantize
                )
            except serving.NotRunnable as exc:
                raise UsageError(
                    f"--format {name}: the converted model does not run in {writer.RUNTIME} ({exc.reason}); "
                    f"nothing was written. Export it as saved_model, which holds every TensorFlow operation"
                ) from None
            one = Written(output, name, request.quantize, publish.disk_size(staging), seconds, checked)
            if request.quantize == "int8":
                one.comparison = _int8_against_float(keras, served, data, predict, staging)
            if checked.passed:
                publish.publish(staging, output)
        outcome.exports.append(one)
    return outcome


def _servable(model, source: Source) -> None:
    """A UsageError for a model the export cannot serve: several inputs or outputs (it serves one input, scaled as
    the run trained it, and checks one output, as `netspec train`'s models have), or an input of variable size."""
    inputs, outputs = list(model.inputs), list(model.outputs)
    if len(inputs) == 1 and len(outputs) == 1:
        shape = tuple(model.input_shape[1:])
        if any(d is None for d in shape):
            raise UsageError(
                f"{source.label}: netspec export needs a fixed input shape, to check the export on inputs of it; "
                f"this model's input is {shape}. Give every axis a size in the spec's input: shape"
            )
        return
    names = ", ".join(str(getattr(t, "name", "?")).split(":")[0] for t in inputs)
    raise UsageError(
        f"{source.label}: netspec export serves models with one input and one output, as netspec train makes "
        f"them; this one has {len(inputs)} input{'s' if len(inputs) != 1 else ''} ({names}) and {len(outputs)} "
        f"output{'s' if len(outputs) != 1 else ''}. Export it with Keras: keras.saving.load_model(...).export(path)"
    )


def _int8_against_float(keras, served, data, predict_int8, staging) -> quantize.Comparison:
    """Test accuracy of the float TFLite export and of the int8 one, and both files' sizes."""
    float_file = staging.with_name("float.tflite")
    tflite_format.write(keras, served, float_file, [])
    predict_float = tflite_format.load(float_file).predict
    return quantize.Comparison(
        examples=len(data.y_test),
        where=data.where,
        float_accuracy=quantize.accuracy(parity.batched(predict_float, data.x_test), data.y_test),
        int8_accuracy=quantize.accuracy(parity.batched(predict_int8, data.x_test), data.y_test),
        float_bytes=publish.disk_size(float_file),
        int8_bytes=publish.disk_size(staging),
    )


def _no_data_note(source: Source) -> str:
    if source.kind in ("spec", "build"):
        return f"{source.label} is not a trained run: its weights are as Keras initialised them"
    where = source.dataset
    if where is None:
        return f"{source.label} does not say what data it was trained on; checked on random inputs (--data names it)"
    return f"the run's data ({where}) is not here; checked on random inputs (--data PATH names it)"
