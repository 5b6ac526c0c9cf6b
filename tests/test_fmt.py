"""Swedish number formatting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaa import fmt

NBSP = "\u00a0"
MINUS = "\u2212"


def test_count():
    assert fmt.count(8452) == "8\u00a0452"
    assert fmt.count(980) == "980"
    assert fmt.count(0) == "0"


@pytest.mark.parametrize("value,expected", [
    (999, "999"),
    (1000, f"1{NBSP}000"),
    (18000, f"18{NBSP}000"),
    (123456, f"123{NBSP}456"),
    (1234567, f"1{NBSP}234{NBSP}567"),
    (12345678901, f"12{NBSP}345{NBSP}678{NBSP}901"),
    (np.int64(8452), f"8{NBSP}452"),
    (8452.0, f"8{NBSP}452"),
])
def test_count_groups_thousands_with_a_non_breaking_space(value, expected):
    assert fmt.count(value) == expected


def test_negative_count_uses_the_typographic_minus():
    assert fmt.count(-1234) == f"{MINUS}1{NBSP}234"


@pytest.mark.parametrize("value,expected", [
    (999.6, f"1{NBSP}000"),   # rounding carries into a new thousands group
    (0.4, "0"),
    (-0.4, "0"),              # never "−0"
    (1233.7, f"1{NBSP}234"),
])
def test_count_rounding_edges(value, expected):
    assert fmt.count(value) == expected


def test_approximate_counts_carry_their_qualifier():
    assert fmt.count(4900, "minst") == "minst 4\u00a0900"
    assert fmt.count(1600, "ungefär") == f"≈{NBSP}1{NBSP}600"
    assert fmt.count(83, "exakt") == "83"
    assert fmt.count(308, "härledd") == "308"


def test_percent():
    assert fmt.percent(0.445) == "44,5\u00a0%"
    assert fmt.percent(0.4391) == f"43,9{NBSP}%"
    assert fmt.percent(125 / 165) == f"75,8{NBSP}%"
    assert fmt.percent(1) == f"100,0{NBSP}%"
    assert fmt.percent(0) == f"0,0{NBSP}%"


@pytest.mark.parametrize("value,decimals,expected", [
    (0.4391, 0, f"44{NBSP}%"),
    (0.4391, 2, f"43,91{NBSP}%"),
    (0.99999, 1, f"100,0{NBSP}%"),     # rounds up to a full hundred
    (0.00049, 1, f"0,0{NBSP}%"),
    (-0.00001, 1, f"0,0{NBSP}%"),      # never "−0,0 %"
    (12.34, 1, f"1{NBSP}234,0{NBSP}%"),  # large numbers are grouped too
])
def test_percent_rounding_edges(value, decimals, expected):
    assert fmt.percent(value, decimals) == expected


def test_points():
    assert fmt.points(-0.0426) == "\u22124,3\u00a0procentenheter"
    assert fmt.points(0.0426) == f"+4,3{NBSP}procentenheter"
    assert fmt.points(-0.2) == f"{MINUS}20,0{NBSP}procentenheter"
    assert fmt.points(-0.0426, 2) == f"{MINUS}4,26{NBSP}procentenheter"


@pytest.mark.parametrize("value", [0, 0.0004, -0.0004])
def test_points_that_round_to_zero_are_plus_minus_zero(value):
    assert fmt.points(value) == f"±0,0{NBSP}procentenheter"


def test_signed_count():
    assert fmt.signed_count(74) == "+74"
    assert fmt.signed_count(-688) == "\u2212688"
    assert fmt.signed_count(0) == "±0"
    assert fmt.signed_count(-0.3) == "±0"
    assert fmt.signed_count(12345) == f"+12{NBSP}345"
    assert fmt.signed_count(-1071) == f"{MINUS}1{NBSP}071"
    assert fmt.signed_count(-1.6) == f"{MINUS}2"


def test_signed_percent():
    assert fmt.signed_percent(-0.207) == f"{MINUS}20,7{NBSP}%"
    assert fmt.signed_percent(0.126) == f"+12,6{NBSP}%"
    assert fmt.signed_percent(0) == f"±0,0{NBSP}%"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, np.float32("nan")],
                         ids=["None", "nan", "np.nan", "pd.NA", "float32-nan"])
@pytest.mark.parametrize("function", [fmt.count, fmt.percent, fmt.points, fmt.signed_count, fmt.signed_percent],
                         ids=lambda f: f.__name__)
def test_missing_is_a_dash_never_zero(function, missing):
    assert function(missing) == "–"


def test_missing_approximate_count_is_a_plain_dash():
    assert fmt.count(float("nan"), "minst") == "–"


def test_no_ascii_hyphen_as_minus():
    for text in (fmt.count(-5), fmt.signed_count(-5), fmt.points(-0.05), fmt.signed_percent(-0.05),
                 fmt.percent(-0.05)):
        assert "-" not in text
        assert MINUS in text


def test_value_and_change_dispatch_on_the_measure():
    assert fmt.value("andel_studier", 0.4391) == f"43,9{NBSP}%"
    assert fmt.value("registrerade", 8452) == f"8{NBSP}452"
    assert fmt.value("kontakt_telefon", 4900, "minst") == f"minst 4{NBSP}900"
    assert fmt.value("andel_studier", None) == "–"
    assert fmt.change("andel_studier", -0.0426) == f"{MINUS}4,3{NBSP}procentenheter"
    assert fmt.change("nadda", -688) == f"{MINUS}688"
    assert fmt.change("nyinskrivna", 74) == "+74"


def test_plotly_separators():
    assert fmt.PLOTLY_SEPARATORS == "," + NBSP


def test_a_published_share_is_shown_as_printed():
    assert fmt.value("andel_sysselsatta", 0.69, "publicerad andel") == "69\u00a0%"
    assert fmt.value("andel_studier", 0.165, "publicerad andel") == "16,5\u00a0%"
    assert fmt.value("andel_studier", 0.69) == "69,0\u00a0%"  # computed from counts: one decimal
    assert fmt.value("andel_studier", float("nan"), "publicerad andel") == fmt.MISSING
