"""Tidy count files (ar, jobbtorg, kon, verksamhet, measure, value): their checks and facts; free text
cleaned and identity numbers masked.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyarrow as pa

from kaa import characters, personnummer, schema
from kaa.extract.codes import (
    BAD,
    EMPTY,
    FIRST_YEAR,
    KON_CODES,
    OUT_OF_RANGE,
    TIDY_NAMES,
    _code_from,
    _fold,
    _jobbtorg_code,
    _last_year,
    _year_code,
)
from kaa.extract.problems import FEL, MASK, MAX_FREE_TEXT, PNR_TYP, VARNING, _Problems, _where
from kaa.extract.variants import _report_tidy_variants
from kaa.facts import FactsError, invalid_values, normalize_facts
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it

#: The tidy format's free-text columns: stored with the facts, so cleaned and masked first.
FREE_TEXT = ("kalla", "anmarkning")


def _free_text(values: pd.Series, label: str, rownums: np.ndarray, problems: _Problems) -> pd.Series:
    """Free text as it may be stored (`personnummer.clean_text`); a warning on each row where
    something shaped like a personnummer was masked (the number itself is never repeated)."""
    distinct = pd.unique(values)
    masked = {v: personnummer.looks_like(personnummer.strip_invisible(v)) for v in distinct}
    positions = np.flatnonzero(values.map(masked).to_numpy(dtype=bool))
    problems.add_rows(VARNING, PNR_TYP, label, positions, rownums, lambda p: "", "inga personnummer",
                      lambda rad, v: (f"{_where(rad, label)}: texten innehåller ett personnummer eller "
                                      "samordningsnummer (eller något som liknar ett). Det har ersatts med "
                                      f"{MASK} i det som sparas och visas. Ta bort numret ur filen innan den "
                                      "delas vidare."))
    return values.map({v: personnummer.clean_text(v, MAX_FREE_TEXT) for v in distinct})


def _tidy(columns: dict[str, pa.ChunkedArray], labels: dict[str, str], rownums: np.ndarray,
          problems: _Problems, kalla: str) -> tuple[pd.DataFrame | None, list[int]]:
    """Check a tidy count file with normalize_facts' rules, reporting per row and column."""
    df = pd.DataFrame({name: column.to_pandas().astype(str).str.strip() for name, column in columns.items()})
    for name in TIDY_NAMES:
        if name not in df:
            df[name] = ""

    def report(mask: pd.Series, name: str, typ: str, expected: str, what: Callable[[str], str]) -> None:
        positions = np.flatnonzero(mask.to_numpy())
        problems.add_rows(FEL, typ, labels.get(name, name), positions, rownums, lambda p: df[name].iat[p],
                          expected, lambda rad, v: f"{_where(rad, labels.get(name, name))}: "
                                                   f"{characters.note(v)}{what(v)}")

    year = df[schema.AR].map(_year_code)
    report(year == EMPTY, schema.AR, "tomt värde", "ett årtal", lambda v: "året saknas. Ange t.ex. 2020.")
    report(year == BAD, schema.AR, "ogiltigt år", "ett årtal, t.ex. 2020",
           lambda v: f"”{v}” är inget årtal. Ange statistikåret med fyra siffror.")
    report(year == OUT_OF_RANGE, schema.AR, "år utanför intervallet", f"{FIRST_YEAR}–{_last_year()}",
           lambda v: f"året {v} ligger utanför {FIRST_YEAR}–{_last_year()}. Rätta året.")
    jobbtorg = df[schema.JOBBTORG].map(_jobbtorg_code)
    report(jobbtorg == BAD, schema.JOBBTORG, "okänd kod", "tomt eller " + ", ".join(schema.JOBBTORG_NAMES),
           lambda v: f"”{v}” är inget jobbtorg. Förväntat: tomt eller ett av {', '.join(schema.JOBBTORG_NAMES)}.")
    kon = df[schema.KON].map(_code_from(KON_CODES))
    report(kon == BAD, schema.KON, "okänd kod", "tomt, Kvinna eller Man",
           lambda v: f"”{v}” är inget kön. Förväntat: tomt, Kvinna eller Man.")
    verksamhet = df[schema.VERKSAMHET].map(
        _code_from({_fold(v): i for i, v in enumerate(schema.VERKSAMHET_VALUES)}))
    report(verksamhet == BAD, schema.VERKSAMHET, "okänd kod", "tomt, " + " eller ".join(schema.VERKSAMHET_VALUES),
           lambda v: f"”{v}” är ingen verksamhet. Förväntat: tomt, {', '.join(schema.VERKSAMHET_VALUES)}.")
    measure = df["measure"].str.lower()
    report(~measure.isin(schema.MEASURE_NAMES), "measure", "okänt mått", "ett mått ur begreppslistan, t.ex. nadda",
           lambda v: f"”{v}” är inget mått. Använd ett av {', '.join(schema.MEASURE_NAMES)}.")
    text = df["value"].str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    value = pd.to_numeric(text, errors="coerce")
    is_share = measure.isin(schema.SHARE_NAMES)
    bad_value = invalid_values(measure, value)
    report(bad_value & ~is_share, "value", "ogiltigt värde", "ett heltal, 0 eller större",
           lambda v: f"”{v}” är inget antal. Ange ett heltal, 0 eller större.")
    report(bad_value & is_share, "value", "ogiltigt värde", "en andel mellan 0 och 1",
           lambda v: f"”{v}” är ingen andel. Ange en andel mellan 0 och 1, t.ex. 0,44.")
    noggrannhet = df["noggrannhet"].str.lower()
    report(~noggrannhet.isin(("",) + schema.NOGGRANNHET_VALUES), "noggrannhet", "okänd kod",
           "tomt eller " + ", ".join(schema.NOGGRANNHET_VALUES),
           lambda v: f"”{v}” är ingen noggrannhet. Förväntat: tomt eller {', '.join(schema.NOGGRANNHET_VALUES)}.")
    years = sorted(int(y) for y in year[year >= 0].unique())
    for name, codes in ((schema.AR, year), (schema.JOBBTORG, jobbtorg), (schema.KON, kon),
                        (schema.VERKSAMHET, verksamhet)):
        _report_tidy_variants(df[name], codes, labels.get(name, name), rownums, problems)
    free = {name: _free_text(df[name], labels.get(name, name), rownums, problems) for name in FREE_TEXT}

    clean = pd.DataFrame({
        schema.AR: year.astype(str),
        schema.JOBBTORG: jobbtorg.map(lambda c: schema.JOBBTORG_NAMES[c] if c >= 0 else ""),
        schema.KON: kon.map(lambda c: schema.KON_VALUES[c] if c >= 0 else ""),
        schema.VERKSAMHET: verksamhet.map(lambda c: schema.VERKSAMHET_VALUES[c] if c >= 0 else ""),
        "measure": measure,
        "value": text,
        "noggrannhet": noggrannhet,
        # Free text is stored: nothing shaped like a personnummer may go with it.
        "kalla": free["kalla"].map(lambda k: f"{kalla}, {k}" if k else kalla),
        "anmarkning": free["anmarkning"],
        "source": "",
    })
    group = [schema.AR, schema.JOBBTORG, schema.KON, schema.VERKSAMHET, "measure"]
    clean_group = clean.assign(verksamhet=clean[schema.VERKSAMHET].replace("", schema.HELA_KAA),
                               _value=value)
    repeated = clean_group.duplicated(subset=group, keep=False)
    if repeated.any():
        same = clean_group.duplicated(subset=group + ["_value"], keep="first")
        conflict = clean_group.duplicated(subset=group, keep="first") & ~same
        label = labels.get("measure", "measure")
        problems.add_rows(VARNING, "dubblett", label, np.flatnonzero(same.to_numpy()), rownums,
                          lambda p: clean["measure"].iat[p], "en rad per grupp och mått",
                          lambda rad, v: f"Rad {rad}: måttet ”{v}” för samma år och grupp finns redan med samma "
                                         "värde. Det räknas en gång.")
        problems.add_rows(FEL, "motstridig dubblett", label, np.flatnonzero(conflict.to_numpy()), rownums,
                          lambda p: clean["measure"].iat[p], "en rad per grupp och mått",
                          lambda rad, v: f"Rad {rad}: måttet ”{v}” för samma år och grupp finns redan med ett "
                                         "annat värde. Behåll bara den rad som stämmer.")
        clean = clean[~same.to_numpy()]
    if problems.has_errors:
        return None, years
    try:
        facts = normalize_facts(clean.reset_index(drop=True))
    except FactsError:
        problems.add(FEL, "ogiltigt värde", "Filen följer inte formatet för räknade uppgifter. Kontrollera "
                     "kolumnerna ar, jobbtorg, kon, verksamhet, measure och value.")
        return None, years
    return facts, years
