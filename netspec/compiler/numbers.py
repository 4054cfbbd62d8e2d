"""The one number rule: every integer and float a spec holds, from YAML, `--set` or `${...}`.

Integers fit in 64 bits (signed); floats are finite. YAML's explicit `.inf` and `.nan` are the
only way to write a non-finite value (the schema then decides per argument where one is
allowed); a literal such as `1e999` that overflows is refused. The figures the analysis derives
(elements of a tensor, parameters, MACs) obey the same 64-bit bound, so that formatting and
memory arithmetic over them never overflow.
"""

from __future__ import annotations

import math

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_DIGITS = 19  # decimal digits of INT_MAX: never convert a longer literal (Python refuses above 4,300, slowly)


def check_number(value) -> str | None:
    """Why `value` breaks the number rule, in words; None when it obeys it (or is not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if INT_MIN <= value <= INT_MAX:
            return None
        return "it does not fit in 64 bits; no size or count in a spec is this large"
    if isinstance(value, float) and not math.isfinite(value):
        return "it is beyond the range of a 64-bit float"
    return None


def check_count(what: str, value) -> str | None:
    """Why a derived figure (elements, parameters, MACs) is too large to be real; None when it is not."""
    if value is None or value <= INT_MAX:
        return None
    return f"{what} exceed 2^63 (about 2^{value.bit_length() - 1}); no real model is this large"
