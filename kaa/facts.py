"""The facts frame: one row per (ar, jobbtorg, kon, stadsdel, alder, period, verksamhet, measure) with its value.

An empty jobbtorg, kon, stadsdel or alder means "not broken down by this dimension", i.e. the
figure covers every value of it. An empty period means the whole statistics year; a month ("2021-03") is a figure
of that month only (kaa.periods), which only `period_facts` hands on. Every source, published or imported, becomes
this frame; nothing downstream knows which kind it came from except `source_id` (the source's stable id:
`published.SOURCE_ID`, or the store's id of an import) and `source` (how the pages credit it).
"""

from __future__ import annotations

from kaa import schema
from kaa.lazy import pandas as pd

FACT_COLUMNS = [
    schema.AR, schema.JOBBTORG, schema.KON, schema.STADSDEL, schema.ALDER, schema.PERIOD, schema.VERKSAMHET,
    "measure", "value", "noggrannhet", "kalla", "anmarkning", "source", "source_id",
]
#: What a figure is of: no two rows of the facts share it.
KEY_COLUMNS = FACT_COLUMNS[:8]


class FactsError(ValueError):
    """A facts file that does not follow the vocabulary. The message is Swedish."""


def _problem(row: int, column: str, value: str, expected: str) -> str:
    # Row numbers as in the file: the header is row 1.
    return f"Rad {row + 2}, kolumn ”{column}”: värdet ”{value}” är inte giltigt. Förväntat: {expected}."


def invalid_values(measure: pd.Series, value: pd.Series) -> pd.Series:
    """Which values cannot be a figure: a count is a whole number, 0 or more; a share lies in 0–1; a median of
    days is 0 or more, a whole or a half."""
    is_share = measure.isin(schema.SHARE_NAMES)
    whole = value * measure.isin(schema.STATISTIC_NAMES).map({True: 2, False: 1}).astype("float64")
    return value.isna() | (value < 0) | (is_share & (value > 1)) | (~is_share & (whole % 1 != 0))


def invalid_value(measure: str, value) -> bool:
    """`invalid_values` for one figure, without pandas (a value that is not a number is invalid)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return True
    share = measure in schema.SHARE_NAMES
    whole = number * (2 if measure in schema.STATISTIC_NAMES else 1)
    return number != number or number < 0 or (share and number > 1) or (not share and whole % 1 != 0)


def normalize_facts(raw: pd.DataFrame) -> pd.DataFrame:
    """Check and normalise a tidy frame of text columns into the facts frame.

    Raises FactsError listing every problem with its row and column.
    """
    missing = [c for c in (schema.AR, "measure", "value") if c not in raw.columns]
    if missing:
        raise FactsError("Kolumner saknas: " + ", ".join(missing))
    df = raw.copy()
    for column in FACT_COLUMNS:
        if column not in df.columns:
            df[column] = ""
        df[column] = df[column].fillna("").astype(str).str.strip()
    problems: list[str] = []

    ar = pd.to_numeric(df[schema.AR], errors="coerce")
    for i in df.index[ar.isna() | (ar % 1 != 0)]:
        problems.append(_problem(i, schema.AR, df.at[i, schema.AR], "ett årtal, t.ex. 2020"))

    jobbtorg = df[schema.JOBBTORG].map(lambda v: schema.normalize_jobbtorg(v) if v else "")
    for i in df.index[jobbtorg.isna()]:
        problems.append(_problem(i, schema.JOBBTORG, df.at[i, schema.JOBBTORG],
                                 "tomt eller ett av " + ", ".join(schema.JOBBTORG_NAMES)))
    for column, allowed in ((schema.KON, schema.KON_VALUES), (schema.STADSDEL, schema.STADSDEL_NAMES),
                            (schema.ALDER, schema.ALDER_VALUES), (schema.VERKSAMHET, schema.VERKSAMHET_VALUES)):
        bad = ~df[column].isin(("",) + allowed)
        for i in df.index[bad]:
            problems.append(_problem(i, column, df.at[i, column], "tomt eller ett av " + ", ".join(allowed)))
    for i in df.index[~df[schema.PERIOD].str.fullmatch(r"(\d{4}-(0[1-9]|1[0-2]))?")]:
        problems.append(_problem(i, schema.PERIOD, df.at[i, schema.PERIOD], "tomt eller en månad, t.ex. 2021-03"))
    for i in df.index[~df["measure"].isin(schema.MEASURE_NAMES)]:
        problems.append(_problem(i, "measure", df.at[i, "measure"], "ett mått ur begreppslistan, t.ex. nadda"))

    value = pd.to_numeric(df["value"].str.replace(",", ".", regex=False), errors="coerce")
    is_share = df["measure"].isin(schema.SHARE_NAMES)
    for i in df.index[invalid_values(df["measure"], value)]:
        expected = "en andel mellan 0 och 1" if is_share[i] else "ett heltal, 0 eller större"
        problems.append(_problem(i, "value", df.at[i, "value"], expected))
    for i in df.index[~df["noggrannhet"].isin(("",) + schema.NOGGRANNHET_VALUES)]:
        problems.append(_problem(i, "noggrannhet", df.at[i, "noggrannhet"],
                                 "tomt eller ett av " + ", ".join(schema.NOGGRANNHET_VALUES)))
    if problems:
        raise FactsError("\n".join(problems))

    out = pd.DataFrame({
        schema.AR: ar.astype("int64"),
        schema.JOBBTORG: jobbtorg.replace("", None),
        schema.KON: df[schema.KON].replace("", None),
        schema.STADSDEL: df[schema.STADSDEL].replace("", None),
        schema.ALDER: df[schema.ALDER].replace("", None),
        schema.PERIOD: df[schema.PERIOD].replace("", None),
        schema.VERKSAMHET: df[schema.VERKSAMHET].replace("", schema.HELA_KAA),
        "measure": df["measure"],
        "value": value.astype("float64"),
        "noggrannhet": df["noggrannhet"].replace("", schema.EXAKT),
        "kalla": df["kalla"],
        "anmarkning": df["anmarkning"],
        "source": df["source"],
        "source_id": df["source_id"] if "source_id" in df else "",
    })
    duplicated = out.duplicated(subset=KEY_COLUMNS, keep=False)
    if duplicated.any():
        rows = ", ".join(str(i + 2) for i in out.index[duplicated])
        raise FactsError(f"Samma mått förekommer flera gånger för samma grupp (rader {rows}).")
    return out[FACT_COLUMNS]


def year_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The figures of whole statistics years: what every view but the periods' reads."""
    if schema.PERIOD not in facts or not facts[schema.PERIOD].notna().any():
        return facts
    return facts[facts[schema.PERIOD].isna().to_numpy()].reset_index(drop=True)


def period_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The figures of months (kaa.periods reads them, with the year's)."""
    if schema.PERIOD not in facts:
        return facts.iloc[0:0]
    return facts[facts[schema.PERIOD].notna().to_numpy()].reset_index(drop=True)


PRECEDENCE = [schema.AR, schema.VERKSAMHET, "measure"]


def overlay(base: pd.DataFrame, newer: pd.DataFrame) -> pd.DataFrame:
    """`newer` wins every (year, verksamhet, measure) it has; `base` keeps the rest.

    So importing contact-attempt counts for 2019 replaces only those counts, and a
    register extract for 2020 leaves the report's 2020 contact counts in place.
    """
    taken = pd.MultiIndex.from_frame(newer[PRECEDENCE].drop_duplicates())
    keep = ~pd.MultiIndex.from_frame(base[PRECEDENCE]).isin(taken)
    return pd.concat([base[keep], newer], ignore_index=True)
