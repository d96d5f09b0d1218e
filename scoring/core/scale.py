"""The one scale people read: every page, email, kit and text report says a score in
points from 0 to 100; the JSON documents and the API keep fractions from 0 to 1. Pure."""

import math


def points(value: float) -> int:
    """A 0..1 score as points from 0 to 100."""
    return round(float(value) * 100)


def percent(value: float) -> str:
    """A 0..1 share as a whole percent, rounded down (74.9% never reads as 75%)."""
    return f"{math.floor(float(value) * 100 + 1e-6)}%"
