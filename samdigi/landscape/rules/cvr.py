"""CVR numbers: the 8-digit identifier of a Danish company (vendors are matched on it).

The rule (docs/domain.md, "Vendors: CVR numbers"): 8 digits, the first not 0, and the digits weighted
2, 7, 6, 5, 4, 3, 2, 1 sum to a multiple of 11. Because 11 is prime and every weight is below it,
the check catches every single mistyped digit and every swap of two neighbouring digits, which is
why it is worth enforcing on input rather than trusting what people paste.

Pure: no Django. Errors are ``CvrError`` (a ValueError) with a ``code`` so that a form can map
them onto its own translated messages.
"""

from __future__ import annotations

__all__ = ["CVR_WEIGHTS", "CvrError", "cvr_check_digit", "is_valid_cvr", "validate_cvr"]

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)

_ASCII_DIGITS = frozenset("0123456789")


class CvrError(ValueError):
    """A value that is not a CVR number. ``code`` is one of: empty, characters, length,
    leading_zero, checksum."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _normalise(value: str) -> str:
    # People paste "DK 12 34 56 78" from invoices and VAT registers; the DK prefix is the VAT form
    # of the same number, so strip it together with any whitespace (including non-breaking).
    compact = "".join(value.split())
    if compact[:2].upper() == "DK":
        compact = compact[2:]
    return compact


def cvr_check_digit(first_seven: str) -> int | None:
    """The last digit that makes ``first_seven`` a valid CVR number, or None if none can.

    About one in eleven 7-digit prefixes has no valid completion (the check would need a 10).
    Useful to generate valid numbers for tests and demo data.
    """
    if len(first_seven) != 7 or not set(first_seven) <= _ASCII_DIGITS:
        raise ValueError("Expected exactly 7 ASCII digits.")
    partial = sum(w * int(d) for w, d in zip(CVR_WEIGHTS, first_seven, strict=False))
    digit = -partial % 11
    return None if digit == 10 else digit


def validate_cvr(value: str) -> str:
    """Return the normalised 8-digit CVR number, or raise ``CvrError`` saying what is wrong."""
    if not isinstance(value, str):
        raise TypeError(f"A CVR number is given as text, not {type(value).__name__}.")
    digits = _normalise(value)
    if not digits:
        raise CvrError("empty", "The CVR number is empty.")
    # str.isdigit() would accept Arabic-Indic or full-width digits; a CVR number is ASCII only.
    if not set(digits) <= _ASCII_DIGITS:
        raise CvrError(
            "characters",
            "A CVR number may contain only the digits 0-9 (spaces and a 'DK' prefix are ignored).",
        )
    if len(digits) != 8:
        raise CvrError("length", f"A CVR number has exactly 8 digits; this one has {len(digits)}.")
    if digits[0] == "0":
        raise CvrError("leading_zero", "A CVR number cannot start with 0.")
    if sum(w * int(d) for w, d in zip(CVR_WEIGHTS, digits, strict=True)) % 11:
        raise CvrError(
            "checksum",
            "This is not a valid CVR number: its check digit does not match (modulus 11). "
            "Check it for a mistyped or swapped digit.",
        )
    return digits


def is_valid_cvr(value: object) -> bool:
    """True if ``value`` is a valid CVR number; never raises, whatever it is given."""
    if not isinstance(value, str):
        return False
    try:
        validate_cvr(value)
    except ValueError:
        return False
    return True
