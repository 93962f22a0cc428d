"""Kubernetes resource quantities: parsed exactly, compared exactly, malformed ones reported."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kslint.pipeline import lint_texts
from kslint.quantity import QuantityError, is_quantity, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1Ki", 1024),
        ("1Mi", 1024**2),
        ("10Gi", 10 * 1024**3),
        ("2Ti", 2 * 1024**4),
        ("1Pi", 1024**5),
        ("1Ei", 1024**6),
        ("1k", 1000),
        ("5M", 5 * 10**6),
        ("1G", 10**9),
        ("3T", 3 * 10**12),
        ("1P", 10**15),
        ("2E", 2 * 10**18),
        ("1e3", 1000),
        ("1E9", 10**9),
        ("5e-1", Fraction(1, 2)),
        ("1e+2", 100),
        ("1024", 1024),
        ("0", 0),
        ("+7", 7),
        ("-7", -7),
        ("250m", Fraction(1, 4)),
        ("1.5Gi", 3 * 1024**3 // 2),
        ("0.1Gi", Fraction(1024**3, 10)),
        (".5Mi", 1024**2 // 2),
        ("5.", 5),
    ],
)
def test_parses_exactly(text: str, expected: int | Fraction) -> None:
    assert parse_quantity(text) == expected
    assert isinstance(parse_quantity(text), Fraction)


@pytest.mark.parametrize(
    ("larger", "smaller"),
    [("1Gi", "1G"), ("1Ki", "1k"), ("1Mi", "1M"), ("1Ei", "1E"), ("1001M", "1G"), ("1", "999m")],
)
def test_ordering(larger: str, smaller: str) -> None:
    assert parse_quantity(larger) > parse_quantity(smaller)


def test_equal_spellings() -> None:
    assert parse_quantity("1G") == parse_quantity("1e9") == parse_quantity("1000M")
    assert parse_quantity("1Gi") == parse_quantity("1024Mi") == parse_quantity("1073741824")
    assert parse_quantity("0.5Gi") == parse_quantity("512Mi")


def test_yaml_numbers() -> None:
    # Unquoted YAML numbers arrive as int or float.
    assert parse_quantity(10) == 10
    assert parse_quantity(1000.0) == 1000
    assert parse_quantity(0.1) == Fraction(1, 10)  # exact, not the binary float


@pytest.mark.parametrize(
    "bad",
    ["", "Gi", "10GB", "10gi", "10K", "1.2.3", "ten", "10 Gi", "1e", "0x10", "--1", None, True, []],
)
def test_malformed(bad: object) -> None:
    assert not is_quantity(bad)
    with pytest.raises(QuantityError):
        parse_quantity(bad)


def test_infinite_float_is_malformed() -> None:
    with pytest.raises(QuantityError):
        parse_quantity(float("inf"))


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["Ki", "Mi", "Gi", "Ti"]))
def test_binary_exceeds_decimal(number: int, suffix: str) -> None:
    binary = parse_quantity(f"{number}{suffix}")
    decimal = parse_quantity(f"{number}{suffix[0].replace('K', 'k')}")
    assert binary >= decimal
    assert (binary > decimal) == (number > 0)


PVC = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: fast
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: {storage}
"""


def test_malformed_request_is_invalid_object() -> None:
    result = lint_texts([("pvc.yaml", PVC.format(storage="10GB"))])
    found = [(f.rule, f.span.line, f.span.column) for f in result.findings]
    assert ("invalid-object", 10, 16) in found
    message = next(f.message for f in result.findings if f.rule == "invalid-object")
    assert "spec.resources.requests.storage" in message and "'10GB'" in message
    assert "pvc-missing-storage-request" not in {f.rule for f in result.findings}


@pytest.mark.parametrize("storage", ["10Gi", "1e3", "1E9", "100", "1.5", "500m"])
def test_valid_request_is_quiet(storage: str) -> None:
    result = lint_texts([("pvc.yaml", PVC.format(storage=storage))])
    assert [f.rule for f in result.findings] == []
