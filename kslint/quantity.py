"""Kubernetes resource quantities (``10Gi``, ``500M``, ``1e3``, ``250m``), compared exactly.

A quantity is a signed decimal number followed by a suffix: a binary SI suffix (``Ki``,
``Mi``, ``Gi``, ``Ti``, ``Pi``, ``Ei``: powers of 1024), a decimal SI suffix (``m``,
none, ``k``, ``M``, ``G``, ``T``, ``P``, ``E``: powers of 1000) or a decimal exponent
(``e3``, ``E9``). Values are ``Fraction``s, never floats, so ``1Gi`` > ``1G`` and
``0.1Gi`` compare exactly.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

# The grammar of k8s.io/apimachinery resource.Quantity, anchored.
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE](?P<exponent>[+-]?[0-9]+))?"
)

_MULTIPLIERS: dict[str, Fraction] = {
    "": Fraction(1),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}

# Larger exponents describe no real disk and would make Fractions needlessly huge.
_MAX_EXPONENT = 100


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity; the message says what is wrong."""


def parse_quantity(value: Any) -> Fraction:
    """The exact value of a quantity given as YAML text or a YAML number.

    YAML types unquoted ``10`` as an integer and ``1e3`` or ``1.5`` as floats; those are
    valid quantities too. A float is read back through its shortest decimal text, which
    is exact for any literal of up to 15 significant digits.
    """
    if isinstance(value, bool) or value is None:
        raise QuantityError(f"{_show(value)} is not a quantity")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"{_show(value)} is not a finite quantity")
        return Fraction(repr(value))
    if not isinstance(value, str):
        raise QuantityError(f"{_show(value)} is not a quantity")
    match = _QUANTITY.fullmatch(value)
    if match is None:
        raise QuantityError(
            f"{value!r} is not a quantity (a number with an optional suffix such as "
            "Ki, Mi, Gi, k, M, G or m, or an exponent such as e9)"
        )
    number = Fraction(match["number"])
    exponent = match["exponent"]
    if exponent is not None:
        if abs(int(exponent)) > _MAX_EXPONENT:
            raise QuantityError(f"{value!r} has an exponent out of range")
        return number * Fraction(10) ** int(exponent)
    return number * _MULTIPLIERS[match["suffix"] or ""]


def is_quantity(value: Any) -> bool:
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)
