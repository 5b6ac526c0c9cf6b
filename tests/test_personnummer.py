"""kaa.personnummer: every spelling found, nothing shaped like a number left visible, text made safe."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pyarrow as pa
import pytest

from kaa import personnummer
from kaa.personnummer import MASK, clean_text, contains, looks_like, mask


def luhn(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def spellings(century: str, yymmdd: str, serial: str) -> list[str]:
    """A valid number in every form: 10 or 12 digits; -, +, a space, a dash, nothing."""
    last4 = serial + luhn(yymmdd + serial)
    out = []
    for date in (yymmdd, century + yymmdd):
        for sep in ("-", "+", " ", "", "\u00a0", "\u2013", " - ", "  "):
            out.append(f"{date}{sep}{last4}")
    return out


# The brief's examples, a samordningsnummer (day + 60), one born in the 1800s and one in the 1900s.
VALID = ["050312-2384", "040704 5558", "200503122384", "20050312 2384", "0407045558", "19900101-1239",
         "121212-1212", "20010263-4565", "010263-4565", "850709-8765", "19121212+1212"]
EVERY_FORM = (spellings("20", "050312", "238") + spellings("20", "070375", "381")
              + spellings("19", "850709", "876") + spellings("18", "991231", "123"))


@pytest.mark.parametrize("text", VALID + EVERY_FORM)
def test_every_form_is_found_and_masked(text):
    assert contains(text), text
    assert looks_like(text), text
    assert mask(text) == MASK
    assert mask(f"Uttag {text}.csv") == f"Uttag {MASK}.csv"
    assert mask(f"a{text}b") == f"a{MASK}b"


@pytest.mark.parametrize("text", [
    "900101-1234",          # wrong check digit
    "DEMO-0001", "DEMO-0018837", "PSEUDO-QZX-004711",
    "1234567890",           # month 34
    "2020", "20200101", "", "12345678901234",
    "199013011239",         # month 13
    "550312122384",         # 12 digits, no century a person can have
    "1050312-2384",         # part of a longer run of digits
    "050312-23845",
    "050312--2384",         # two separators
    "050312 x 2384",
    "1 234 567 890",        # thousands
    "070-123 45 67",        # a phone number
])
def test_not_a_number(text):
    assert not contains(text), text


@pytest.mark.parametrize("text", ["050312-2385", "900101-1234", "20050312 2385", "050372-0000"])
def test_shaped_like_a_number_is_masked_without_a_check_digit(text):
    assert not contains(text)
    assert looks_like(text)
    assert mask(f"x {text} y") == f"x {MASK} y"


@pytest.mark.parametrize("text", ["1234567890", "0513321234", "050300-2384", "050332-2384", "050392-2384",
                                  "DEMO-0001", "2020-2021", "Jobbtorg Kista 2020", "550312122384"])
def test_no_plausible_date_is_left_alone(text):
    assert not looks_like(text)
    assert mask(text) == text


def test_several_numbers_and_the_text_between_them():
    text = "ringde 050312-2384 och 040704 5558, id DEMO-0001; 200503122384"
    assert mask(text) == f"ringde {MASK} och {MASK}, id DEMO-0001; {MASK}"


@pytest.mark.parametrize("text", [
    "\uff10\uff15\uff10\uff13\uff11\uff12-\uff12\uff13\uff18\uff14",   # full-width digits
    "050312\u200b-2384", "0503\u200b12-2384", "050312-\u20602384", "050312\u200e2384",
    "050312\n2384", "050312\r\n2384", "050312\t2384", "050312\u202f2384", "050312\u22122384",
])
def test_disguised_numbers_are_found(text):
    assert contains(text), repr(text)
    assert MASK in mask(text) and not re.search(r"\d{4}", mask(text)), repr(text)


def test_none_and_non_text():
    assert mask(None) == "" and not contains(None) and not looks_like(None)
    assert mask(5503121223) == MASK  # ten digits with a plausible date (1955-03-12), as a number
    assert mask(503122384) == "503122384"  # nine digits
    assert contains(4070455580) is False  # ten digits, but the date (month 70) is impossible
    assert mask(5031223840) == "5031223840"


# --- clean_text ---------------------------------------------------------------------------------------

BIDI_AND_INVISIBLE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                      "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060",
                      "\ufeff", "\u00ad"]


@pytest.mark.parametrize("char", BIDI_AND_INVISIBLE)
def test_clean_text_removes_direction_and_invisible_characters(char):
    assert clean_text(f"Käll{char}a 2021", 100) == "Källa 2021"


@pytest.mark.parametrize("char", [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0x9f)])
def test_clean_text_removes_control_characters(char):
    cleaned = clean_text(f"a{char}b", 10)
    assert cleaned in ("ab", "a b")
    assert all(unicodedata.category(c)[0] != "C" for c in cleaned)


def test_clean_text_collapses_whitespace():
    assert clean_text("  KAA\t 2021\r\n\r\nuttag\u00a0\u2003nr 2  ", 100) == "KAA 2021 uttag nr 2"
    assert clean_text("\u2028a\u2029b", 100) == "a b"


def test_clean_text_masks_numbers_that_invisible_characters_or_line_breaks_would_hide():
    assert clean_text("uttag 0407\u200b04\n5558.csv", 100) == f"uttag {MASK}.csv"
    assert clean_text("uttag 040704\r\n5558.csv", 100) == f"uttag {MASK}.csv"
    assert clean_text("pnr 05031\u202e2-2384", 100) == f"pnr {MASK}"


def test_clean_text_cuts_after_masking():
    # cut before masking, the first nine digits would remain
    assert clean_text("x 050312-2384 y", 9) == f"x {MASK} y"
    assert clean_text("x 050312-2384 yyyyyy", 8) == f"x {MASK} y…"
    assert clean_text("abcdefghij", 5) == "abcd…" and len(clean_text("abcdefghij", 5)) == 5
    assert clean_text("abcde", 5) == "abcde"
    assert clean_text("ab  cdef", 4) == "ab…"
    assert clean_text("abc", 0) == "" and clean_text("abc", -1) == ""


def test_clean_text_keeps_swedish_and_other_visible_text():
    assert clean_text("Årsrapport – Södermalm, 44 % (K/M) 🙂", 100) == "Årsrapport – Södermalm, 44 % (K/M) 🙂"
    assert clean_text("A\u030arsta", 100) == "Årsta"  # NFC
    assert clean_text(None, 10) == ""
    assert clean_text("\ud800x", 10) == "x"  # a lone surrogate cannot be stored as UTF-8


@pytest.mark.parametrize("length", [1, 2, 3, 10, 50])
def test_clean_text_never_longer_than_asked(length):
    text = "Källa " + "050312-2384 " * 5 + "\u202e" * 3 + "slut"
    cleaned = clean_text(text, length)
    assert len(cleaned) <= length
    assert "2384" not in cleaned and "\u202e" not in cleaned


# --- Vectorised -------------------------------------------------------------------------------------------

MIXED = VALID + EVERY_FORM + ["DEMO-0001", "050312-2385", "ringde 050312-2384 igår", "", "x",
                              "\uff10\uff15\uff10\uff13\uff11\uff12-\uff12\uff13\uff18\uff14",
                              "0503\u200b12-2384", " 040704 5558 ", "050312-23845", "P-050312 2384",
                              "1050312-2384", "550312122384", "199013011239"]


def test_vectorised_count_and_flags_agree_with_contains():
    column = pa.chunked_array([pa.array(MIXED[:20]), pa.array(MIXED[20:])])
    expected = np.array([contains(v) for v in MIXED])
    assert personnummer.count_cells(column) == expected.sum()
    np.testing.assert_array_equal(personnummer.cell_flags(pa.array(MIXED)), expected)
    distinct = pa.array(sorted(set(MIXED)))
    indices = np.array([distinct.to_pylist().index(v) for v in MIXED], dtype=np.int16)
    assert personnummer.count_cells(column, (indices, distinct)) == expected.sum()


def test_a_column_without_ten_digits_in_any_value_is_not_searched_but_one_number_still_counts():
    ids = [f"DEMO-{i:07d}" for i in range(5000)]
    assert personnummer._too_few_digits(pa.chunked_array([pa.array(ids[:10]), pa.array(ids[10:])]))
    assert personnummer.count_cells(pa.chunked_array([pa.array(ids)])) == 0
    for number in ("050312-2384", "P-050312 2384", "\uff10\uff15\uff10\uff13\uff11\uff12-\uff12\uff13\uff18\uff14"):
        column = pa.chunked_array([pa.array(ids[:2500]), pa.array(ids[2500:] + [number])])
        assert not personnummer._too_few_digits(column)
        assert personnummer.count_cells(column) == 1, number
    # Sliced arrays: only the values in the slice count.
    assert personnummer._too_few_digits(pa.array(["050312-2384", "abc"]).slice(1))
    assert not personnummer._too_few_digits(pa.array(["abc", "050312-2384"]).slice(1))


def test_vectorised_on_nothing():
    assert personnummer.count_cells(pa.chunked_array([], pa.string())) == 0
    assert personnummer.count_cells(pa.chunked_array([pa.array(["a", "b"])])) == 0
    assert personnummer.cell_flags(pa.array([], pa.string())).tolist() == []


def test_a_million_ids_are_scanned_quickly():
    import time
    ids = pa.chunked_array([pa.array([f"DEMO-{i:07d}" for i in range(1_000_000)])])
    numbers = pa.chunked_array([pa.array([f"0503{i % 28 + 1:02d} {i % 10000:04d}" for i in range(1_000_000)])])
    start = time.perf_counter()
    assert personnummer.count_cells(ids) == 0
    found = personnummer.count_cells(numbers)
    assert time.perf_counter() - start < 5  # about 0.3 s on the reference machine
    assert 0 < found < 1_000_000
