"""How precise an amount is in its currency: ISO 4217 minor units.

The CRM stores amounts exactly (three decimals, like Saleor); what the API
shows is rounded half-up to the currency's precision, so ``1346.047 USD``
reads ``1346.05`` and ``1346.5 JPY`` reads ``1347``. Neither Babel nor
``prices`` is a dependency of the plugin, hence the table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DEFAULT_MINOR_UNITS = 2
# ISO 4217 currencies whose minor unit is not two decimals (the rest have two).
MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def minor_units(currency: str) -> int:
    """Decimal places of ``currency`` (two for codes not in the table)."""
    return MINOR_UNITS.get((currency or "").upper(), DEFAULT_MINOR_UNITS)


def round_amount(amount: Decimal | float | int | str, currency: str) -> Decimal:
    """``amount`` rounded half-up to ``currency``'s precision."""
    # A float goes through its shortest text form, so 1346.045 stays ...045
    # instead of its binary neighbour 1346.04499....
    exact = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return exact.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)
