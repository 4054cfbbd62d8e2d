"""Audio front ends: STFTSpectrogram and MelSpectrogram, framing arithmetic as Keras 3 computes it.

STFTSpectrogram is a strided 1-D convolution of each channel with a real and an imaginary DFT
kernel of shape (frame_length, 1, fft_length // 2 + 1) (one of them for mode real or imag);
its MACs are that convolution's: frames x channels x frame_length x frequency bins per kernel.
The power, log and angle that follow are not counted.

MelSpectrogram has no weights: its FFT and mel filter bank are constants computed at call,
so under netspec's convention (MACs of the weights) it counts 0 MACs.
"""

from __future__ import annotations

import math

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape, window_out

# scipy.signal.get_window names that need no parameter (Keras checks the name with scipy).
WINDOWS = [
    "hann",
    "hamming",
    "blackman",
    "bartlett",
    "boxcar",
    "triang",
    "flattop",
    "parzen",
    "bohman",
    "blackmanharris",
    "nuttall",
    "barthann",
    "cosine",
    "lanczos",
    "tukey",
    "taylor",
    "exponential",
]


def _framing(a) -> tuple[int, int]:
    """STFTSpectrogram's (frame_step, fft_length), Keras' defaults applied and checked."""
    length, step, fft = a["frame_length"], a["frame_step"], a["fft_length"]
    if step is not None and step > length:
        raise ShapeError(f"STFTSpectrogram frame_step={step} must not exceed frame_length={length}")
    if fft is not None and fft < length:
        raise ShapeError(f"STFTSpectrogram fft_length={fft} must not be less than frame_length={length}")
    step = step or length // 2
    if step < 1:
        raise ShapeError("STFTSpectrogram frame_length=1 needs a frame_step (its default, frame_length // 2, is 0)")
    return step, fft or 2 ** int(math.ceil(math.log2(length)))


def _kernels(a) -> list[str]:
    return [a["mode"]] if a["mode"] in ("real", "imag") else ["real", "imag"]


def _stft_shape(a, inputs):
    (time, channels), (step, fft) = inputs[0], _framing(a)
    frames = window_out(time, a["frame_length"], step, a["padding"])
    if frames is not None and frames < 1:
        raise ShapeError(
            f"STFTSpectrogram frame_length={a['frame_length']} with padding valid needs at least "
            f"{a['frame_length']} samples; received {fmt_shape(inputs[0])}: use padding same or a shorter frame"
        )
    if a["mode"] == "psd" and fft < 2:
        raise ShapeError("STFTSpectrogram mode psd needs fft_length >= 2 (Keras 3 computes 2 bins for 1)")
    bins = (fft // 2 + 1) * (2 if a["mode"] == "stft" else 1)
    return (frames, bins, channels) if a["expand_dims"] else (frames, bins * channels)


def _stft_weights(a, inputs):
    shape = (a["frame_length"], 1, _framing(a)[1] // 2 + 1)
    return {f"{k}_kernel": Weight(shape, trainable=a["trainable"]) for k in _kernels(a)}


def _stft_macs(a, inputs, out):
    frames, channels = out[0], inputs[0][-1]
    per_kernel = a["frame_length"] * (_framing(a)[1] // 2 + 1) * channels
    return None if frames is None else len(_kernels(a)) * frames * per_kernel


STFT_SPECTROGRAM = LayerType(
    name="STFTSpectrogram",
    family="preprocessing",
    doc=(
        "Short-time Fourier transform of each channel of (time, channels) signals, as a strided convolution "
        "with DFT kernels (trainable unless trainable: false); MACs are that convolution's."
    ),
    args={
        "mode": A.enum(
            ["log", "magnitude", "psd", "real", "imag", "angle", "stft"],
            "What is returned: stft gives the real and imaginary parts side by side (twice the bins).",
            default="log",
        ),
        "frame_length": A.pos_int("Samples per frame (the kernel length).", default=256),
        "frame_step": {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
            "default": None,
            "description": "Samples between frames (null: frame_length // 2).",
        },
        "fft_length": {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
            "default": None,
            "description": "FFT size, at least frame_length (null: the next power of two); fft_length // 2 + 1 bins.",
        },
        "window": {
            "anyOf": [{"enum": WINDOWS}, {"type": "null"}],
            "default": "hann",
            "description": "Window that tapers each frame (a scipy window name; null: none).",
        },
        "periodic": A.boolean("Use a periodic window instead of a symmetric one.", default=False),
        "scaling": A.enum(["density", "spectrum", None], "How the kernels are scaled.", default="density"),
        "padding": A.enum(["valid", "same"], "Frame padding of the time axis.", default="valid"),
        "expand_dims": A.boolean("Keep channels on their own axis: (frames, bins, channels).", default=False),
        "data_format": A.DATA_FORMAT,
        "trainable": A.boolean("Train the DFT kernels (false: they stay the fixed DFT).", default=True),
    },
    shape=_stft_shape,
    weights=_stft_weights,
    macs=_stft_macs,
    label=lambda a: f"{a['mode']} {a['frame_length']}",
    ranks=(2,),
)


def _mel_frames(a, time: int) -> int:
    """MelSpectrogram's frames as Keras 3 declares them, refused where its call (a centred STFT) differs."""
    fft, stride = a["fft_length"], a["sequence_stride"]
    where = f"MelSpectrogram fft_length={fft}, sequence_stride={stride} on {time} samples"
    if time <= fft // 2:
        raise ShapeError(
            f"{where}: Keras pads each side by reflecting fft_length // 2 = {fft // 2} samples, "
            f"so it needs more than {fft // 2}; use a shorter fft_length"
        )
    declared = (time + stride + 1) // stride  # Keras' compute_output_shape
    computed = 1 + (time + 2 * (fft // 2) - fft) // stride  # its call: frames of the padded signal
    if declared != computed:
        raise ShapeError(
            f"{where}: Keras 3 declares {declared} frames but computes {computed}, so the model would break "
            "when called; change the length or the stride"
        )
    return declared


def _mel_shape(a, inputs):
    (time,), fft, window = inputs[0], a["fft_length"], a["sequence_length"]
    if window is not None and window > fft:
        raise ShapeError(f"MelSpectrogram sequence_length={window} must not exceed fft_length={fft}")
    return (a["num_mel_bins"], None if time is None else _mel_frames(a, time))


MEL_SPECTROGRAM = LayerType(
    name="MelSpectrogram",
    family="preprocessing",
    doc=(
        "Mel spectrogram (num_mel_bins, frames) of (samples,) audio: a centred STFT, a mel filter bank and "
        "optionally decibels; no weights and 0 MACs (its FFT and filter bank are constants)."
    ),
    args={
        "fft_length": A.pos_int("FFT size.", default=2048),
        "sequence_stride": A.pos_int("Samples between frames.", default=512),
        "sequence_length": {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
            "default": None,
            "description": "Window length, at most fft_length (null: fft_length).",
        },
        "window": A.enum(["hann", "hamming", None], "Window that tapers each frame (null: none).", default="hann"),
        "sampling_rate": A.pos_int("Samples per second of the audio.", default=16000),
        "num_mel_bins": A.pos_int("Mel bands of the output.", default=128),
        "min_freq": A.number("Lowest frequency of the mel bands (Hz).", default=20.0),
        "max_freq": {
            "anyOf": [{"type": "number"}, {"type": "null"}],
            "default": None,
            "description": "Highest frequency of the mel bands (Hz; null: sampling_rate / 2).",
        },
        "power_to_db": A.boolean("Convert the power to decibels.", default=True),
        "top_db": A.number("Decibels kept below the maximum.", default=80.0),
        "mag_exp": A.number("Exponent of the magnitude (2: power).", default=2.0),
        "min_power": A.number("Floor of the power and of ref_power.", default=1e-10),
        "ref_power": A.number("Power of 0 dB.", default=1.0),
    },
    shape=_mel_shape,
    label=lambda a: f"{a['num_mel_bins']} mel",
    ranks=(1,),
)

LAYERS = [STFT_SPECTROGRAM, MEL_SPECTROGRAM]
