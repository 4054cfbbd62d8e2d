"""`netspec export`: a model as SavedModel, TFLite or ONNX, checked against Keras in the export's own runtime.

source (what to export, how its data is scaled) -> serving (the model with train.rescale inside it)
  -> savedmodel | tflite | onnx (write a staged file, load it back) -> parity (the runtime against Keras)
  -> quantize (int8 accuracy beside float) -> publish (rename into place) -> report (text for the user)

Nothing here is imported by another stage; TensorFlow is imported only once an export starts.
"""

FORMATS = ("saved_model", "tflite", "onnx")
QUANTIZE = ("float16", "int8")
