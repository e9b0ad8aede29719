from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamsyr.records.dates import DateError, Precision, parse_date, sort_key


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2012", date(2012, 1, 1), date(2012, 12, 31), Precision.YEAR),
        ("2012-02", date(2012, 2, 1), date(2012, 2, 29), Precision.MONTH),
        ("2013-02", date(2013, 2, 1), date(2013, 2, 28), Precision.MONTH),
        ("2020-03-04", date(2020, 3, 4), date(2020, 3, 4), Precision.DAY),
        ("2012-09/2012-12", date(2012, 9, 1), date(2012, 12, 31), Precision.MONTH),
        ("1990/1993", date(1990, 1, 1), date(1993, 12, 31), Precision.YEAR),
        ("2022-09-14/2022-09-15", date(2022, 9, 14), date(2022, 9, 15), Precision.DAY),
    ],
)
def test_a_date_covers_its_whole_interval(text: str, start: date, end: date, precision: Precision) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.end, parsed.precision, parsed.text) == (start, end, precision, text)


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain"),
    [
        ("2012~", True, False),
        ("2012-05?", False, True),
        ("2012-05-01%", True, True),
        ("2012-10~/2012-12", True, False),
    ],
)
def test_qualifiers_are_kept(text: str, approximate: bool, uncertain: bool) -> None:
    parsed = parse_date(text)
    assert (parsed.approximate, parsed.uncertain) == (approximate, uncertain)
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2022-02-30", "February 2022 has 28 days"),
        ("2021-02-29", "February 2021 has 28 days"),
        ("2012-13", "month must be 01 to 12"),
        ("2012-00", "month must be 01 to 12"),
        ("0000", "year 0000"),
        ("12", "malformed"),
        ("2012-1", "malformed"),
        ("late 2012", "malformed"),
        ("2012/2011", "ends before it starts"),
        ("2012-05-02/2012-05-01", "ends before it starts"),
        ("", "malformed"),
        ("2012~~", "malformed"),
    ],
)
def test_bad_dates_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text)


def test_overlap_at_every_precision() -> None:
    may_1998 = parse_date("1998-05")
    assert may_1998.overlaps(date(1998, 5, 10), date(1998, 5, 20))
    assert may_1998.overlaps(date(1998, 5, 31), None)
    assert not may_1998.overlaps(date(1998, 6, 1), None)
    assert not may_1998.overlaps(None, date(1998, 4, 30))
    assert parse_date("2012").overlaps(date(2012, 12, 31), date(2013, 1, 1))
    assert parse_date("2020-03-04").overlaps(date(2020, 3, 4), date(2020, 3, 4))
    assert not parse_date("2020-03-04").overlaps(date(2020, 3, 5), None)


def test_sort_key_puts_undated_last_and_narrow_before_wide() -> None:
    values = [None, parse_date("2012"), parse_date("2012-01-01"), parse_date("2011-12")]
    ordered = sorted(values, key=sort_key)
    assert [v.text if v else None for v in ordered] == ["2011-12", "2012-01-01", "2012", None]


days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@given(days)
def test_any_real_day_parses_to_itself(day: date) -> None:
    parsed = parse_date(day.isoformat())
    assert parsed.start == parsed.end == day
    assert parse_date(day.isoformat()[:7]).contains(day)
    assert parse_date(day.isoformat()[:4]).contains(day)


@given(days, days, days, days)
def test_overlap_agrees_with_interval_arithmetic(a: date, b: date, c: date, d: date) -> None:
    start, end = sorted((a, b))
    since, until = sorted((c, d))
    parsed = parse_date(f"{start.isoformat()}/{end.isoformat()}")
    brute = any(since <= start + timedelta(days=n) <= until for n in range(min((end - start).days + 1, 3)))
    assert parsed.overlaps(since, until) == (start <= until and end >= since)
    if brute:
        assert parsed.overlaps(since, until)


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(28, 31))
def test_month_lengths_match_the_calendar(year: int, month: int, day: int) -> None:
    import calendar

    text = f"{year:04d}-{month:02d}-{day:02d}"
    if day <= calendar.monthrange(year, month)[1]:
        assert parse_date(text).start == date(year, month, day)
    else:
        with pytest.raises(DateError, match="impossible date"):
            parse_date(text)
