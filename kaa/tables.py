"""The tables users read and download: numbers stay numbers, each column's unit in its header.

A panel frame (`kaa.panels`) becomes a `Table`. Its `values` carry the users' Swedish headers; every
number column is numeric, in the unit its header names (antal, %, procentenheter) and rounded as it is
shown, so it sorts as a number on the page and stays a number in Swedish Excel. Its `codes` say, cell
by cell, how the number is written (`fmt.cell`): `8 452`, `minst 6 800`, `43,9 %`, `−4,3`, a hidden
figure's symbol, or – for a missing one. The page shows `styled(table)`; `kaa.export` writes the same
`values` as CSV and Excel. Page and download are one table.

Two layouts: `long_table`, one row per figure, as the panels compute them; and `cross_table`, the
report's and Skolverket's layout, one row per jobbtorg (or kön, or measure) and one column per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Sequence

import numpy as np
import pandas as pd

from kaa import fmt, masking, metrics, schema
from kaa.masking import MASKED

#: Column headers users see, in tables and downloads.
COLUMN_LABELS = {
    **schema.DIMENSION_LABELS,
    "matt": "Mått",
    "varde": "Värde",
    "taljare": "Täljare (antal)",
    "namnare": "Nämnare (antal)",
    "forandring": "Förändring",
    "jamfort_med_ar": "Jämfört med år",
    "skillnad_mot_staden": "Skillnad mot staden",
    "rang": "Rang",
    "varde_fore": "Värde jämförelseåret",
    "avstand_mal": "Avstånd till målet",
    "noggrannhet": "Noggrannhet",
    "kalla": "Källa",
    "orsak": "Varför uppgift saknas",
}
#: The column that names a hidden figure's symbol in a long table (its number cells are empty).
HIDDEN = "Dold uppgift"
#: What the units in the headers are called.
UNIT_COUNT, UNIT_PERCENT, UNIT_POINTS = "antal", "%", "procentenheter"
_INTEGER_COLUMNS = (schema.AR, "jamfort_med_ar", "rang")
_APPROXIMATE = ("minst", "ungefär")
_ROW_NAME_WITHIN = 2  # a row's name is pinned only when it is among the first two columns (År, Rang before it)


@dataclass(frozen=True)
class Table:
    """A table as users see it: typed `values` and, for number columns, how each cell is written."""

    values: pd.DataFrame
    #: Same index as `values`, one column per number column of it: the cell's `fmt.cell` code.
    codes: pd.DataFrame
    #: Whether a hidden figure's symbol stands in its own cell (cross tables, an import's changes) rather
    #: than in `HIDDEN`. Such a table's empty number cells say different things (`<5`, `..`, –), which a
    #: sortable grid cannot show cell by cell: the page shows it as a static table, as the report does.
    markers_in_cells: bool = False

    @property
    def number_columns(self) -> list[str]:
        return list(self.codes.columns)

    @property
    def row_names(self) -> list[str]:
        """The leading columns that say what a row is (up to its jobbtorg, kön or mått): those a reader
        scrolling a wide table sideways must keep in view. Empty when no such column leads the table."""
        names = [COLUMN_LABELS[c] for c in (*schema.BREAKDOWNS, "matt")]
        leading = list(self.values.columns[:_ROW_NAME_WITHIN])
        first = next((i for i, column in enumerate(leading) if column in names), None)
        return [] if first is None else leading[:first + 1]

    def texts(self) -> pd.DataFrame:
        """Every cell as the page shows it (in a sortable grid an empty number cell reads –)."""
        out = self.values.astype(object).where(self.values.notna(), "")
        for column in self.number_columns:
            out[column] = [_shown(self.markers_in_cells, c, v) for c, v in zip(self.codes[column], self.values[column])]
        return out.astype(str)

    def cells(self) -> pd.DataFrame:
        """What a download holds: numbers as numbers, missing as empty (None), symbols only where they stand."""
        out = self.values.astype(object).where(self.values.notna(), None)
        if self.markers_in_cells:
            for column in self.number_columns:
                hidden = self.codes[column].map(masking.is_label)
                out.loc[hidden, column] = self.codes.loc[hidden, column]
        return out


def _shown(markers_in_cells: bool, code: str, value) -> str:
    """A number cell's text: by its code, except that a sortable grid shows every empty number as –."""
    if not markers_in_cells and pd.isna(value):
        return fmt.MISSING
    return fmt.cell(code, value)


def _percent(value: float, decimals: int) -> float:
    return np.nan if pd.isna(value) else fmt.rounded(float(value) * 100, decimals)


def _value_code(measure: str, value, noggrannhet: str, marker: str) -> tuple[float, str]:
    """A figure in its table unit (a share in percent, rounded as shown) and its code."""
    if marker:
        return np.nan, marker
    if measure in schema.SHARE_NAMES:
        decimals = fmt.share_decimals(value, noggrannhet)
        return _percent(value, decimals), f"procent{decimals}"
    if measure in schema.STATISTIC_NAMES:
        return (np.nan if pd.isna(value) else float(value)), "dagar"
    return (np.nan if pd.isna(value) else float(value)), (noggrannhet if noggrannhet in _APPROXIMATE else "antal")


def _by_unit(header: str, measures: pd.Series, pairs: list[tuple[float, str]]) -> dict[str, tuple[list, list]]:
    """A value column split in two when counts and shares share it: `Värde (antal)` and `Värde (%)`."""
    is_share = measures.isin(schema.SHARE_NAMES).to_numpy()
    out = {}
    for unit, rows in ((UNIT_COUNT, ~is_share), (UNIT_PERCENT, is_share)):
        if rows.any():
            out[f"{header} ({unit})"] = ([v if r else np.nan for (v, _), r in zip(pairs, rows)],
                                         [c if r else "" for (_, c), r in zip(pairs, rows)])
    return out


def _marker_of(text) -> str:
    """A hidden figure's symbol (`<5`, `..`) where a formatted text is one, else ''."""
    return text if masking.is_label(text) else ""


#: The list of a comparison of jobbtorg (`panels.compare_jobbtorg`): rank, both years, move, distances.
COMPARISON_COLUMNS = ("rang", schema.JOBBTORG, "matt", "varde", "varde_fore", "jamfort_med_ar", "forandring",
                      "avstand_mal", "skillnad_mot_staden", "taljare", "namnare", "kalla", "orsak")
_EXACT = ("", "exakt")


def list_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a panel's list shows, from what its frame holds: the year and the breakdown, the measure
    and its value, numerator and denominator where a share is computed from them, how exact the figures are
    where that says something (not all exact), the source and why a figure is missing."""
    if "rang" in frame:
        return [schema.compared(frame) if c == schema.JOBBTORG else c for c in COMPARISON_COLUMNS]
    columns = [c for c in (schema.AR, schema.PERIOD, *schema.BREAKDOWNS) if c in frame] + ["matt", "varde"]
    if "taljare" in frame and frame["taljare"].notna().any():
        columns += ["taljare", "namnare"]
    if "noggrannhet" in frame and not frame["noggrannhet"].fillna("").isin(_EXACT).all():
        columns.append("noggrannhet")
    return columns + ["kalla", "orsak"]


def long_table(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> Table:
    """One row per figure of a panel frame, its `columns` in order (`list_columns` when not given), every
    number typed and unit-labelled.

    `varde` becomes `Värde (antal)` and/or `Värde (%)`; a change becomes `Förändring (antal)` and
    `Förändring (%)` for counts, `Förändring (procentenheter)` for shares; gaps to the city and the target
    are in procentenheter and given for shares only. A hidden figure leaves its number cells empty and
    names its symbol under `Dold uppgift`; a qualified count (`minst 6 800`) keeps its qualifier under
    `Noggrannhet`, added when the panel has one and the columns do not.
    """
    frame = frame.reset_index(drop=True)
    measures = frame["measure"] if "measure" in frame else pd.Series([""] * len(frame))
    is_share = measures.isin(schema.SHARE_NAMES)
    noggrannhet = frame["noggrannhet"].fillna("") if "noggrannhet" in frame else pd.Series([""] * len(frame))
    markers = frame[MASKED].fillna("") if MASKED in frame else pd.Series([""] * len(frame))
    columns = list_columns(frame) if columns is None else list(columns)
    if "varde" in columns and "noggrannhet" not in columns and noggrannhet.isin(_APPROXIMATE).any():
        columns.insert(columns.index("varde") + 1, "noggrannhet")
    values: dict[str, list] = {}
    codes: dict[str, list] = {}

    def number(header: str, column_values, column_codes) -> None:
        values[header], codes[header] = list(column_values), list(column_codes)

    def points(label: str, changes: pd.Series) -> None:
        """A difference between shares, in procentenheter, for the share rows."""
        if is_share.any():
            number(f"{label} ({UNIT_POINTS})", [_percent(c, 1) if s else np.nan for c, s in zip(changes, is_share)],
                   np.where(is_share, "+procentenheter", ""))

    for column in columns:
        label = COLUMN_LABELS.get(column, column)
        series = frame[column]
        if column in ("varde", "varde_fore"):
            marks = markers if column == "varde" else frame.get("text_fore", pd.Series(dtype=object)).map(_marker_of)
            marks = marks.reindex(frame.index).fillna("")
            pairs = [_value_code(m, v, n, k) for m, v, n, k in zip(measures, series, noggrannhet, marks)]
            for header, (vals, cods) in _by_unit(label, measures, pairs).items():
                number(header, vals, cods)
            if column == "varde" and markers.ne("").any():
                values[HIDDEN] = list(markers)
        elif column == "forandring":
            counts = ~is_share
            if counts.any():
                number(f"{label} ({UNIT_COUNT})", series.where(counts), np.where(counts, "+antal", ""))
                relative = [_percent(metrics.relative_change(c, v), 1) if k else np.nan
                            for c, v, k in zip(series, frame["varde"], counts)]
                number(f"{label} ({UNIT_PERCENT})", relative, np.where(counts, "+procent", ""))
            points(label, series)
        elif column in ("skillnad_mot_staden", "avstand_mal"):
            points(label, series)
        elif column in ("taljare", "namnare"):
            number(label, pd.to_numeric(series, errors="coerce"), np.where(is_share, "antal", ""))
        elif column in _INTEGER_COLUMNS:
            number(label, pd.to_numeric(series, errors="coerce"), ["heltal"] * len(frame))
        else:
            values[label] = [("" if pd.isna(v) else str(v)) for v in series]
    for header in codes:
        values[header] = pd.to_numeric(pd.Series(values[header], dtype=object), errors="coerce").astype("float64")
    return Table(pd.DataFrame(values, index=frame.index), pd.DataFrame(codes, index=frame.index, dtype=str))


def typed(values: pd.DataFrame, formats: dict[str, str]) -> Table:
    """A table whose columns `formats` names are numbers written by that `fmt.cell` code (the page's grid
    shows an empty one as –)."""
    values = values.reset_index(drop=True)
    for column in formats:
        values[column] = pd.to_numeric(values[column], errors="coerce").astype("float64")
    codes = pd.DataFrame({c: np.where(values[c].notna(), code, "") for c, code in formats.items()}, dtype=str)
    return Table(values, codes)


def change_table(changes: pd.DataFrame) -> Table:
    """What an import would change (`panels.import_changes`): a row per year and measure, before and after.

    A count is a count and a share is in percent, each written as everywhere else, so both columns sort as
    numbers; a hidden figure shows its symbol and holds no number.
    """
    changes = changes.reset_index(drop=True)
    values = pd.DataFrame({"År": changes[schema.AR], "Mått": changes["matt"]})
    codes = {}
    for column, header in (("fore", "Före"), ("efter", "Efter")):
        pairs = [_value_code(m, v, "", _marker_of(t)) for m, v, t in
                 zip(changes["measure"], changes[f"varde_{column}"], changes[f"text_{column}"])]
        values[header] = [v for v, _ in pairs]
        codes[header] = [c for _, c in pairs]
    values["Källa i dag"] = changes["kalla_fore"]
    table = typed(values.astype({"Före": "float64", "Efter": "float64"}), {"År": "heltal"})
    return Table(table.values, table.codes.assign(**codes), markers_in_cells=True)


def _row_dimension(frame: pd.DataFrame) -> str:
    return next((d for d in schema.BREAKDOWNS if d in frame), "matt")


#: The event log as users read it (page and command line); `rows` is a number, the rest text.
EVENT_COLUMNS = {"at": "Tid (UTC)", "actor": "Vem", "action": "Händelse", "source_id": "Källa",
                 "sha256": "Fil (SHA-256)", "rows": "Rader", "years": "År", "detail": "Anmärkning"}
#: The same fields as data (`python -m kaa logg --format csv|json`): plain names, the action as its code.
EVENT_FIELDS = {"at": "tid_utc", "actor": "vem", "action": "handelse", "source_id": "kalla", "sha256": "sha256",
                "rows": "rader", "years": "ar", "detail": "anmarkning"}


def events_data(events: Sequence[dict]) -> pd.DataFrame:
    """The store's events as data, newest first: every field in full, rows as whole numbers."""
    frame = pd.DataFrame(list(events), columns=list(EVENT_FIELDS)).rename(columns=EVENT_FIELDS)
    frame["rader"] = frame["rader"].astype("Int64")
    return frame


def events_table(events: Sequence[dict], action_labels: dict[str, str]) -> Table:
    """The store's events (newest first) in words: when, who, what, which source, the file's hash (its
    first 12 characters), rows and years; – where an event has none."""
    values = pd.DataFrame({
        EVENT_COLUMNS["at"]: [e["at"][:19].replace("T", " ") for e in events],
        EVENT_COLUMNS["actor"]: [e["actor"] for e in events],
        EVENT_COLUMNS["action"]: [action_labels.get(e["action"], e["action"]) for e in events],
        EVENT_COLUMNS["source_id"]: [e["source_id"] or fmt.MISSING for e in events],
        EVENT_COLUMNS["sha256"]: [(e["sha256"] or fmt.MISSING)[:12] for e in events],
        EVENT_COLUMNS["rows"]: [e["rows"] for e in events],
        EVENT_COLUMNS["years"]: [e["years"] or fmt.MISSING for e in events],
        EVENT_COLUMNS["detail"]: [e["detail"] or "" for e in events],
    }, columns=list(EVENT_COLUMNS.values()))
    return typed(values, {EVENT_COLUMNS["rows"]: "antal"})


def has_cross_table(frame: pd.DataFrame) -> bool:
    """Whether a cross table says more than the list: a row dimension beside the years, or several years."""
    if schema.AR not in frame or "measure" not in frame:
        return False
    return _row_dimension(frame) != "matt" or frame[schema.AR].nunique() > 1


def cross_table(frame: pd.DataFrame) -> Table:
    """The report's layout: one row per jobbtorg (or kön, or measure), one column per year (and measure).

    Headers name the unit (`2020 (%)`, `Inskrivna 2020 (antal)`); a hidden figure's symbol stands in its
    cell, as in Skolverket's tables; a missing figure is empty (– on the page).
    """
    frame = _with_comparison_year(frame.reset_index(drop=True))
    rows_by = _row_dimension(frame)
    measures = list(dict.fromkeys(frame["measure"]))
    years = sorted(int(y) for y in frame[schema.AR].dropna().unique())
    row_keys = list(dict.fromkeys(frame[rows_by]))
    noggrannhet = frame["noggrannhet"].fillna("") if "noggrannhet" in frame else pd.Series([""] * len(frame))
    markers = frame[MASKED].fillna("") if MASKED in frame else pd.Series([""] * len(frame))
    cells = {(r, m, int(y)): _value_code(m, v, n, k) for r, m, y, v, n, k in zip(
        frame[rows_by], frame["measure"], frame[schema.AR], frame["varde"], noggrannhet, markers)}
    values: dict[str, list] = {COLUMN_LABELS[rows_by]: row_keys}
    codes: dict[str, list] = {}
    groups = [(m, y) for m in measures for y in years] if rows_by != "matt" else [(None, y) for y in years]
    for measure, year in groups:
        keys = [(r, measure, year) if measure else (r, _measure_of(frame, r), year) for r in row_keys]
        pairs = [cells.get(k, (np.nan, "")) for k in keys]
        kinds = {measure} if measure else set(frame["measure"])
        unit = _unit(kinds)
        header = (f"{schema.MEASURES[measure].label} " if measure and len(measures) > 1 else "") + str(year)
        header += f" ({unit})" if unit else ""
        values[header] = pd.Series([v for v, _ in pairs], dtype="float64")
        codes[header] = [c or ("antal" if unit == UNIT_COUNT else "procent1") for _, c in pairs]
    return Table(pd.DataFrame(values), pd.DataFrame(codes, dtype=str), markers_in_cells=True)


def _with_comparison_year(frame: pd.DataFrame) -> pd.DataFrame:
    """A comparison frame (`panels.compare_jobbtorg`) as rows of both its years, so each is a column."""
    if "varde_fore" not in frame or frame["jamfort_med_ar"].isna().all():
        return frame
    before = frame.assign(**{schema.AR: frame["jamfort_med_ar"], "varde": frame["varde_fore"],
                             MASKED: frame["text_fore"].map(_marker_of), "noggrannhet": ""})
    return pd.concat([before, frame], ignore_index=True)


def _measure_of(frame: pd.DataFrame, label: str) -> str:
    return frame.loc[frame["matt"] == label, "measure"].iloc[0]


def _unit(measures: set[str]) -> str:
    shares = {m in schema.SHARE_NAMES for m in measures}
    return "" if len(shares) > 1 else UNIT_PERCENT if shares == {True} else UNIT_COUNT


def styled(table: Table):
    """A pandas Styler that shows each number as the page writes it and keeps the number to sort by.

    Cells are formatted in groups of the same code (a few per column), not one by one.
    """
    styler = table.values.style.hide(axis="index")
    for column in table.number_columns:
        for code, rows in table.codes.groupby(column).groups.items():
            styler = styler.format(partial(_shown, table.markers_in_cells, code),
                                   subset=pd.IndexSlice[list(rows), [column]])
    if table.markers_in_cells:  # shown as a static table: numbers to the right, as in the report
        styler = styler.set_properties(subset=table.number_columns, **{"text-align": "right"})
    return styler
