"""Comparing results float for float, for the tests that hold faster code to the plain
code it replaced."""

import dataclasses
from collections.abc import Mapping

import numpy as np


def bits(value):
    """`value` with arrays as lists and read-only mappings as dicts, written out: equal
    texts are equal floats, bit for bit (repr tells every float apart, -0.0 and NaN too)."""
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(bits(v) for v in value) + ")"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {bits(v)}" for k, v in value.items()) + "}"
    if dataclasses.is_dataclass(value):
        return bits(tuple(getattr(value, f.name) for f in dataclasses.fields(value)))
    return repr(value)


def same(a, b):
    """Equal float for float (NaN equal to NaN: `==` on floats would not say)."""
    return bits(a) == bits(b)
