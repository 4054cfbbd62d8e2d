"""netspec: declare Keras networks in YAML; check, analyse, draw and train them."""

__version__ = "0.1.0"

from .problems import SpecError, UsageError  # noqa: E402
from .spec import Spec, load, loads  # noqa: E402

__all__ = ["Spec", "SpecError", "UsageError", "__version__", "load", "loads"]
