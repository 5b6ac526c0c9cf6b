"""What an extract with dates counts per month, and how fast the young people placed under uppsök were reached.

Per (year, jobbtorg, kön) and month of the statistics year, schema.FLOW_MEASURES: how many entered the register,
left it, were placed under uppsök, were reached (nadda), left it unreached, entered enrolment and ended their
support (and why); nya_nadda per cohort (the month they were placed under uppsök) and reached by the time of the
extract. Every month of a group with rows is counted, zeros included, so the months add up to the year's figure,
which is counted too (for nadda and the exits it is the year's count as before: once the date column is there
every reached and every ended has a date). Per year also the reach measures (schema.REACH_MEASURES) and the median
days to reach at every level (a median does not add up, so each level gets its own).

Only these sums leave the import: the months' figures become facts with a `period`, the rest facts of the year.
"""

from __future__ import annotations

import numpy as np

from kaa import schema
from kaa.extract import dates
from kaa.extract.codes import NADD_JA, NADD_NEJ
from kaa.extract.columns import _Coded
from kaa.lazy import pandas as pd

#: The date and status columns each measure counts with (all of them needed).
PERIOD_DEPENDS = {
    "nya_i_registret": ("registrerad_datum",),
    "avregistrerade": ("avregistrerad_datum",),
    "nya_under_uppsok": ("uppsok_datum", "nadd"),
    "nadda": ("nadd_datum", "nadd"),
    "ej_nadda_avregistrerade": ("avregistrerad_datum", "nadd"),
    "nya_nadda": ("uppsok_datum", "nadd_datum", "nadd"),
    "nya_inskrivna": ("inskriven_datum", "inskriven"),
    "avslutade": ("avslut_datum", "avslutad"),
    **{name: ("avslut_datum", "avslutad", "avslutsorsak") for name in ("avslut_studier", "avslut_arbete",
                                                                          "avslut_annan")},
}
MONTHS = 12
#: Reached within these many days of being placed under uppsök (schema: nadda_inom_30_dagar, nadda_inom_90_dagar).
WITHIN = (30, 90)


def period_columns(coded: dict[str, _Coded], keep: np.ndarray, group: np.ndarray, first: int,
                   groups: int) -> dict[str, np.ndarray]:
    """The facts columns (ar, jobbtorg, kon, period, verksamhet, measure, value) of the months and of the year's
    flows and reach measures, for the rows kept. `group` is each row's (year - first, jobbtorg, kön) number, of
    `groups` in all (years × jobbtorg × kön)."""
    measures = [m for m in schema.FLOW_MEASURES if set(PERIOD_DEPENDS[m]) <= set(coded)]
    if not measures:
        return {}
    n_jobbtorg, n_kon = len(schema.JOBBTORG_NAMES), len(schema.KON_VALUES)
    every = keep.all()
    group = group if every else group[keep]
    # Per row the month its statistics year begins with (December before it), as months since January 1970; and
    # per date column the month of each row's date (-1 when empty), looked up per distinct value, not per row.
    year_first = group // (n_jobbtorg * n_kon) * 12 + ((first - 1) * 12 + 11 - 1970 * 12)

    def kept(values: np.ndarray) -> np.ndarray:
        return values if every else values[keep]

    def month_of(name: str) -> np.ndarray:
        table = coded[name].table.astype(np.int64)
        months = np.where(table >= 0, table.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64), -1)
        return kept(months.astype(np.int32)[coded[name].indices])

    def status(name: str, *codes: int) -> np.ndarray:
        return kept(coded[name].mask(lambda c: np.isin(c, codes)))

    month = {name: month_of(name) for name in dates.STARTS + ("avregistrerad_datum", "nadd_datum", "avslut_datum")
             if name in coded}

    def in_year(name: str) -> np.ndarray:
        return month[name] >= year_first  # no date lies after its year (dates.check), and empty ones are -1

    def given(name: str) -> np.ndarray:
        return month[name] >= 0

    when: dict[str, tuple[np.ndarray, str]] = {}  # measure: (rows counted, the date column that places them)
    if "nya_i_registret" in measures:
        when["nya_i_registret"] = in_year("registrerad_datum"), "registrerad_datum"
    if "avregistrerade" in measures:
        when["avregistrerade"] = given("avregistrerad_datum"), "avregistrerad_datum"
    if "nadd" in coded:
        reached, unreached = status("nadd", NADD_JA), status("nadd", NADD_NEJ)
        if "nya_under_uppsok" in measures:
            when["nya_under_uppsok"] = (reached | unreached) & in_year("uppsok_datum"), "uppsok_datum"
        if "nadda" in measures:
            when["nadda"] = reached & given("nadd_datum"), "nadd_datum"
        if "ej_nadda_avregistrerade" in measures:
            when["ej_nadda_avregistrerade"] = unreached & given("avregistrerad_datum"), "avregistrerad_datum"
        if "nya_nadda" in measures:  # by cohort: the month they were placed under uppsök
            when["nya_nadda"] = reached & in_year("uppsok_datum") & given("nadd_datum"), "uppsok_datum"
    if "nya_inskrivna" in measures:
        when["nya_inskrivna"] = status("inskriven", 1) & in_year("inskriven_datum"), "inskriven_datum"
    if "avslutade" in measures:
        ended = status("avslutad", 1) & given("avslut_datum")
        when["avslutade"] = ended, "avslut_datum"
        for code, name in enumerate(schema.AVSLUT_ORSAKER[:3]):  # AVSLUTSORSAKER's codes, in the same order
            if name in measures:
                when[name] = ended & status("avslutsorsak", code), "avslut_datum"

    present = np.bincount(group, minlength=groups) > 0
    rows = np.flatnonzero(present)
    by_month = np.zeros((len(measures), groups, MONTHS), dtype=np.int64)
    for i, name in enumerate(measures):
        counted, column = when[name]
        index = group[counted] * MONTHS + (month[column][counted] - year_first[counted])
        by_month[i] = np.bincount(index, minlength=groups * MONTHS).reshape(groups, MONTHS)
    out: dict[str, list] = {}

    def emit(values: np.ndarray, measure_names, periods, cells: np.ndarray) -> None:
        """values: (measures, cells, periods) for the groups `cells`."""
        k, n, p = values.shape
        out.setdefault("cell", []).append(np.tile(np.repeat(cells, p), k))
        out.setdefault(schema.PERIOD, []).append(np.tile(np.asarray(periods, dtype=object), k * n))
        out.setdefault("measure", []).append(np.repeat(np.asarray(measure_names, dtype=object), n * p))
        out.setdefault("value", []).append(values.reshape(-1).astype("float64"))

    # The months, labelled by their calendar month, and the year's flows that the vocabulary does not count already.
    labels = np.array([[schema.month_label(first + y, m) for m in range(MONTHS)]
                       for y in range(groups // (n_jobbtorg * n_kon))], dtype=object)
    cell_year = rows // (n_jobbtorg * n_kon)
    monthly = by_month[:, rows, :]
    k, n = len(measures), len(rows)
    out["cell"] = [np.tile(np.repeat(rows, MONTHS), k)]
    out[schema.PERIOD] = [np.tile(labels[cell_year].reshape(-1), k)]
    out["measure"] = [np.repeat(np.asarray(measures, dtype=object), n * MONTHS)]
    out["value"] = [monthly.reshape(-1).astype("float64")]
    annual = [m for m in measures if m not in ("nadda", "avslutade", "avslut_studier", "avslut_arbete",
                                               "avslut_annan")]
    emit(monthly.sum(axis=2)[[measures.index(m) for m in annual]][:, :, None], annual, [None], rows)

    if {"nya_under_uppsok", "nya_nadda"} <= set(measures):
        new_reached, _ = when["nya_nadda"]
        positions = np.flatnonzero(new_reached)
        if not every:
            positions = np.flatnonzero(keep)[positions]
        waited = (coded["nadd_datum"].codes_at(positions).astype(np.int32)
                  - coded["uppsok_datum"].codes_at(positions).astype(np.int32))
        within = [np.bincount(group[new_reached][waited <= limit], minlength=groups)[rows] for limit in WITHIN]
        emit(np.stack(within)[:, :, None], ("nadda_inom_30_dagar", "nadda_inom_90_dagar"), [None], rows)
        medians = _medians(group[new_reached], waited, first, n_jobbtorg, n_kon)
    else:
        medians = None
    cell = np.concatenate(out.pop("cell"))
    columns = {
        schema.AR: (cell // (n_jobbtorg * n_kon) + first).astype("int64"),
        schema.JOBBTORG: np.array(schema.JOBBTORG_NAMES, dtype=object)[(cell // n_kon) % n_jobbtorg],
        schema.KON: np.array(schema.KON_VALUES, dtype=object)[cell % n_kon],
        **{name: np.concatenate(parts) for name, parts in out.items()},
    }
    if medians is not None:
        columns = {c: np.concatenate([columns[c], medians[c]]) for c in columns}
    columns[schema.VERKSAMHET] = np.full(len(columns["value"]), schema.HELA_KAA, dtype=object)
    return columns


def _medians(group: np.ndarray, waited: np.ndarray, first: int, n_jobbtorg: int, n_kon: int) -> dict[str, np.ndarray]:
    """The median days to reach per year at every level (jobbtorg × kön, jobbtorg, kön, the city)."""
    frame = pd.DataFrame({"year": group // (n_jobbtorg * n_kon), "j": (group // n_kon) % n_jobbtorg,
                          "k": group % n_kon, "days": waited})
    parts = []
    for keys in (["year", "j", "k"], ["year", "j"], ["year", "k"], ["year"]):
        median = frame.groupby(keys)["days"].median().reset_index()
        for missing in {"j", "k"} - set(keys):
            median[missing] = -1
        parts.append(median)
    both = pd.concat(parts, ignore_index=True)
    j, k = both["j"].to_numpy(), both["k"].to_numpy()
    jobbtorg = np.array(schema.JOBBTORG_NAMES + (None,), dtype=object)[np.where(j >= 0, j, n_jobbtorg)]
    kon = np.array(schema.KON_VALUES + (None,), dtype=object)[np.where(k >= 0, k, n_kon)]
    return {
        schema.AR: both["year"].to_numpy().astype("int64") + first, schema.JOBBTORG: jobbtorg, schema.KON: kon,
        schema.PERIOD: np.full(len(both), None, dtype=object),
        "measure": np.full(len(both), "dagar_till_nadd_median", dtype=object),
        "value": both["days"].to_numpy().astype("float64"),
    }
