"""Stored precision never coarser than the source publishes."""

from __future__ import annotations

from helpers.indicators.precision import round_scalar, unit_decimals
from helpers.report.dutch import format_index_change, format_value


def test_cbs_income_in_thousands_keeps_its_published_decimal():
    """CBS publishes income per inhabitant as 30,8 and 30,9 (thousands of euros): both
    read € 31.000 and their index 100,0 when stored whole."""
    area, gemeente = (round_scalar(v, unit_decimals("duizend_euro")) for v in (30.8, 30.9))
    assert (format_value(area, "duizend_euro"), format_value(gemeente, "duizend_euro")) == (
        "€ 30.800",
        "€ 30.900",
    )
    assert format_index_change(area / 27.5 * 100 - gemeente / 27.5 * 100) == "\u22120,4"
    assert format_value(round_scalar(312, unit_decimals("duizend_euro")), "duizend_euro") == (
        "€ 312.000"
    ), "a WOZ value, whole thousands at CBS, is unchanged"
