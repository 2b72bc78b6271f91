"""The domain's input error and the guards that raise it.

Messages name the parameter and the rule, never the value, so that health data does
not leak into logs or error reports.
"""

import math


class DomainInputError(ValueError):
    """A domain function received input it cannot compute on."""


def require_finite(value: float, name: str) -> float:
    """Return ``value`` if it is a finite number, else raise."""
    if isinstance(value, bool) or not math.isfinite(value):
        raise DomainInputError(f"{name} must be a finite number")
    return float(value)


def require_non_negative(value: float, name: str) -> float:
    """Return ``value`` if it is finite and >= 0, else raise."""
    if require_finite(value, name) < 0:
        raise DomainInputError(f"{name} must not be negative")
    return float(value)


def require_positive(value: float, name: str) -> float:
    """Return ``value`` if it is finite and > 0, else raise."""
    if require_finite(value, name) <= 0:
        raise DomainInputError(f"{name} must be greater than zero")
    return float(value)


def require_count(value: object, name: str) -> int:
    """Return ``value`` if it is a whole number >= 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainInputError(f"{name} must be a whole number not below zero")
    return value


def require_fraction(value: float, name: str) -> float:
    """Return ``value`` if it lies in [0, 1], else raise."""
    if not 0.0 <= require_finite(value, name) <= 1.0:
        raise DomainInputError(f"{name} must lie between 0 and 1")
    return float(value)
