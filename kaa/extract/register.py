"""Register extracts (one row per young person and year): the checks, the duplicate-person check and
the sums that become facts.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaa import characters, schema
from kaa.arrow import from_numpy, to_numpy
from kaa.extract.codes import (
    _ALLOWED,
    AVSLUT_CODES,
    AVSLUTSORSAKER,
    BAD,
    BOOL_CODES,
    DATE_NAMES,
    EMPTY,
    FIRST_YEAR,
    ID_PREFIX,
    KON_CODES,
    NADD_CODES,
    NADD_JA,
    NADD_NEJ,
    OUT_OF_RANGE,
    REGISTER_NAMES,
    SAKNAR_INDEX,
    SYSS_CODES,
    SYSSELSATT,
    SYSSELSATTNING,
    VERKSAMHET_CODES,
    VERKSAMHETER,
    _age_code,
    _code_from,
    _jobbtorg_code,
    _last_year,
    _stadsdel_key,
    _stadsdel_lookup,
    _year_code,
)
from kaa.extract import dates
from kaa.extract.periods import period_columns
from kaa.extract.columns import _code, _Coded, _factorize_ids
from kaa.extract.problems import EXEMPELDATA_TYP, FEL, VARNING, _parallel, _Problems, _where
from kaa.extract.result import _facts_frame, _Pending
from kaa.extract.variants import _VALUE_TYPES, _report_variants
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it


def _check_register(columns: dict[str, pa.ChunkedArray], labels: dict[str, str], rownums: np.ndarray,
                    stadsdel_map: pd.DataFrame | None, problems: _Problems,
                    factorized: dict[str, tuple[np.ndarray, pa.Array]] | None = None):
    """Validate every column and combination; return the coded columns and which rows to count.

    Each column is released as soon as it is coded, so only small integer arrays remain. `factorized`
    holds columns already factorized (by the personnummer scan), by name.
    """
    factorized = factorized or {}
    n = len(rownums)
    coded: dict[str, _Coded] = {}

    def report(name: str, typ: str, positions: np.ndarray, what: Callable[[str], str],
               expected: str | None = None) -> None:
        note = characters.note if typ in _VALUE_TYPES else (lambda v: "")
        problems.add_rows(FEL, typ, labels[name], positions, rownums, coded[name].raw,
                          _ALLOWED.get(name, "") if expected is None else expected,
                          lambda rad, v: f"{_where(rad, labels[name])}: {note(v)}{what(v)}")

    def report_empty(name: str, fix: str) -> None:
        problems.add_rows(FEL, "tomt värde", labels[name], coded[name].rows_with(EMPTY), rownums,
                          lambda p: "", "ett värde",
                          lambda rad, v: f"{_where(rad, labels[name])}: värdet saknas. {fix}")

    lookups: dict[str, Callable[[str], int]] = {
        "ar": _year_code,
        "kon": _code_from(KON_CODES),
        "alder": _age_code,
        "jobbtorg": _jobbtorg_code,
        "nadd": _code_from(NADD_CODES, allow_empty=0),
        "sysselsattning": _code_from(SYSS_CODES),
        "inskriven": _code_from(BOOL_CODES),
        "nyinskriven": _code_from(BOOL_CODES),
        "verksamhet": _code_from(VERKSAMHET_CODES),
        "avslutad": _code_from(BOOL_CODES),
        "avslutsorsak": _code_from(AVSLUT_CODES),
    }
    lookups.update(dict.fromkeys(DATE_NAMES, dates.date_code))
    districts: list[str] = []
    if "stadsdel" in columns:
        lookups["stadsdel"], districts = _stadsdel_lookup(stadsdel_map)
    last = _last_year()
    names = [name for name in REGISTER_NAMES if name in columns and name != "person_id"]
    coded.update(zip(names, _parallel(
        lambda name: _code(columns.pop(name), lookups[name], factorized.pop(name, None)), names)))
    for name in names:
        if name in DATE_NAMES:  # dates.check says what is wrong with a date
            continue
        bad = coded[name].rows_with(BAD)
        if name == "ar":
            report_empty(name, "Ange statistikåret, t.ex. 2020.")
            report(name, "ogiltigt år", bad,
                   lambda v: f"”{v}” är inget årtal. Ange statistikåret med fyra siffror, t.ex. 2020.",
                   f"ett årtal mellan {FIRST_YEAR} och {last}")
            report(name, "år utanför intervallet", coded[name].rows_with(OUT_OF_RANGE),
                   lambda v: f"året {v} ligger utanför {FIRST_YEAR}–{last}. Rätta året.",
                   f"ett årtal mellan {FIRST_YEAR} och {last}")
        elif name == "kon":
            report_empty(name, "Ange Kvinna eller Man.")
            report(name, "okänd kod", bad, lambda v: f"”{v}” är inget giltigt värde. Förväntat: {_ALLOWED['kon']}.")
        elif name == "alder":
            report(name, "ogiltig ålder", bad,
                   lambda v: f"”{v}” är ingen ålder mellan 15 och 20. Rätta åldern eller lämna cellen tom.")
        elif name == "stadsdel":
            report(name, "okänd kod", bad,
                   lambda v: (f"”{v}” är inget av stadsdelsområdena {', '.join(districts)}. " if districts else
                              f"”{v}” är inget känt stadsdelsområde. ")
                   + "Rätta stavningen, eller lämna stadsdelen tom och fyll i jobbtorget.")
        else:
            report(name, "okänd kod", bad,
                   lambda v, name=name: f"”{v}” är inget giltigt värde. Förväntat: {_ALLOWED[name]}.")
        del bad
    _report_variants(coded, labels, rownums, problems)

    # Impossible combinations.
    def is_(name: str, value: int) -> np.ndarray | None:
        return coded[name].mask(lambda codes: codes == value) if name in coded else None

    not_inskriven = is_("inskriven", 0)
    given = {name: is_(name, 1) for name in ("nyinskriven", "avslutad")}
    given["avslutsorsak"] = coded["avslutsorsak"].mask(lambda codes: codes >= 0) if "avslutsorsak" in coded else None
    if not_inskriven is not None:
        for name, mask in given.items():
            if mask is None:
                continue
            report(name, "omöjlig kombination", np.flatnonzero(mask & not_inskriven),
                   lambda v, name=name: (f"”{v}” men ungdomen är inte inskriven (”{labels['inskriven']}” är nej). "
                                         f"Sätt inskriven till ja eller rätta ”{labels[name]}”."),
                   f"{labels['inskriven']} = ja")
    if given["avslutsorsak"] is not None and "avslutad" in coded:
        mask = given["avslutsorsak"] & is_("avslutad", 0)
        if not_inskriven is not None:
            mask &= ~not_inskriven  # already reported above
        report("avslutsorsak", "omöjlig kombination", np.flatnonzero(mask),
               lambda v: (f"avslutsorsak ”{v}” men stödet är inte avslutat (”{labels['avslutad']}” är nej). "
                          "Sätt avslutad till ja eller töm avslutsorsaken."),
               f"{labels['avslutad']} = ja")
    del not_inskriven, given
    dates.check(coded, labels, rownums, problems)

    keep = np.ones(n, dtype=bool)
    if "person_id" in columns:
        person = columns.pop("person_id")
        person_index, distinct = factorized.pop("person_id", None) or _factorize_ids(person)
        del person
        empty_distinct = to_numpy(pc.binary_length(distinct)) == 0
        empty_id = empty_distinct[person_index] if empty_distinct.any() else np.zeros(n, dtype=bool)
        problems.add_rows(FEL, "tomt värde", labels["person_id"], np.flatnonzero(empty_id), rownums,
                          lambda p: "", "ett pseudonymt id", lambda rad, v: (
                              f"{_where(rad, labels['person_id'])}: id saknas. Varje rad måste ha ungdomens "
                              "pseudonyma id."))
        ids = pc.filter(distinct, from_numpy(to_numpy(pc.binary_length(distinct)) > 0))
        if len(ids) and pc.all(pc.starts_with(ids, ID_PREFIX)).as_py():
            problems.add(VARNING, EXEMPELDATA_TYP, (
                f"Alla id i ”{labels['person_id']}” är demo-id (de börjar med DEMO): filen ser ut att vara mallen "
                "eller påhittade demodata, inte ett uttag ur registret. Om du importerar den visar alla sidor dess "
                "påhittade siffror för filens år. Importera den bara för att prova, och ta bort källan efteråt."),
                kolumn=labels["person_id"])
        if "ar" in coded:
            keep = _check_duplicates(person_index, len(distinct), coded, labels, rownums, empty_id, problems)
    return coded, keep


def _check_duplicates(person_index: np.ndarray, persons: int, coded: dict[str, _Coded],
                      labels: dict[str, str], rownums: np.ndarray, empty_id: np.ndarray,
                      problems: _Problems) -> np.ndarray:
    """The same person twice in a year: identical rows count once (warning), different ones are errors."""
    n = len(rownums)
    key = coded["ar"].codes.astype(np.int64)
    usable = (key >= 0) & ~empty_id
    key *= persons + 1
    key += person_index
    key[~usable] = -1
    keep = np.ones(n, dtype=bool)
    # Usually no key occurs twice, and when the keys lie close together (a few years of persons numbered
    # 0, 1, 2, ...) marking them in a table of their range says so without sorting.
    present = key[usable]
    if len(present) == 0:
        return keep
    low = int(present.min())
    span = int(present.max()) - low + 1
    if span <= max(16 * n, 1 << 20):
        seen = np.zeros(span, dtype=bool)
        present -= low
        seen[present] = True
        if int(np.count_nonzero(seen)) == len(present):
            return keep
        del seen
    del present
    # The keys that occur more than once: sorting the keys alone is fast (no positions to carry), and
    # the rows with those keys are looked up only when there are any.
    ordered = np.sort(key)
    same_as_next = ordered[1:] == ordered[:-1]
    same_as_next &= ordered[1:] >= 0
    if not same_as_next.any():
        return keep
    where = np.flatnonzero(np.isin(key, ordered[1:][same_as_next]))
    del ordered, same_as_next
    content_names = [name for name in coded if name != "ar"]
    frame = pd.DataFrame({"key": key[where], "position": where})
    for name in content_names:
        frame[name] = coded[name].content_at(where)
    identical = frame.duplicated(subset=["key", *content_names], keep="first").to_numpy()
    same_as = frame.groupby(["key", *content_names])["position"].transform("first").to_numpy()
    copies = frame["position"].to_numpy()[identical]
    keep[copies] = False
    original = dict(zip(copies.tolist(), same_as[identical].tolist()))
    distinct_rows = frame[~identical]
    conflict = distinct_rows["key"].duplicated(keep="first").to_numpy()
    positions = distinct_rows["position"].to_numpy()[conflict]
    first_pos = distinct_rows.groupby("key")["position"].transform("first").to_numpy()[conflict]
    other = dict(zip(positions.tolist(), first_pos.tolist()))
    position_at = {int(rownums[p]): int(p) for p in np.concatenate([copies, positions])}
    label_id = labels.get("person_id", "person_id")
    problems.add_rows(VARNING, "dubblett", label_id, copies, rownums, lambda p: "",
                      "en rad per ungdom och år", lambda rad, v: (
                          f"Rad {rad} är en exakt kopia av rad {int(rownums[original[position_at[rad]]])} "
                          "(samma ungdom och år). Den räknas bara en gång; ta gärna bort den."))

    def differing(position: int) -> str:
        pair = np.array([position, other[position]])
        names = [labels[name] for name in content_names if len(set(coded[name].content_at(pair))) > 1]
        return ", ".join(f"”{x}”" for x in names) or "ett värde"

    problems.add_rows(FEL, "motstridig dubblett", label_id, positions, rownums, lambda p: "",
                      "en rad per ungdom och år", lambda rad, v: (
                          f"Rad {rad}: samma ungdom och år som rad {int(rownums[other[position_at[rad]]])}, men "
                          f"med annat innehåll ({differing(position_at[rad])} skiljer sig). Behåll bara den rad "
                          "som stämmer."))
    return keep


MEASURE_DEPENDS = {
    "registrerade": (),
    "sokta": ("nadd",), "nadda": ("nadd",), "ej_nadda": ("nadd",),
    "nadda_sysselsatta": ("nadd", "sysselsattning"),
    **{name: ("nadd", "sysselsattning") for name in schema.NADDA_SYSSELSATTNING},
    "inskrivna": ("inskriven",), "nyinskrivna": ("nyinskriven",),
    "avslutade": ("avslutad",),
    **{name: ("avslutsorsak",) for name in schema.AVSLUT_ORSAKER},
    "utan_stadsdel": ("stadsdel",),
}


#: Kept per kön and for the city, not per jobbtorg × kön (a module attribute, so the audit can count them finer).
PER_KON_MEASURES = schema.PER_KON_MEASURES


def _register_facts(coded: dict[str, _Coded], keep: np.ndarray, kalla: str) -> _Pending:
    """Sum the person rows to facts: one row per (ar, jobbtorg, kön, verksamhet, measure).

    Every (ar, jobbtorg, kön) group with rows gets every measure its columns allow, for
    Hela KAA and (with a verksamhet column) for each unit, which keeps only schema.UNIT_MEASURES, zeros
    included; PER_KON_MEASURES are then summed to their per-kön margins and the city. The columns are plain arrays (a
    few thousand rows); the facts frame is built from them when it is first asked for.

    One pass over the rows: each row gets one number for its group and the states of the columns the
    measures look at (e.g. nadd: empty, ja or nej), and a single bincount counts them all; the
    measures are then sums over the states. What each distinct value means is decided once, on the
    coded columns' tables, not per row.
    """
    n_jobbtorg, n_kon = len(schema.JOBBTORG_NAMES), len(schema.KON_VALUES)
    year_table = coded["ar"].table.astype(np.int64)
    seen = np.bincount(coded["ar"].indices if keep.all() else coded["ar"].indices[keep],
                       minlength=len(year_table)) > 0
    first = int(year_table[seen].min()) if seen.any() else FIRST_YEAR
    last = int(year_table[seen].max()) if seen.any() else FIRST_YEAR - 1
    size = (last - first + 1) * n_jobbtorg * n_kon

    def row_values(column: _Coded, table: np.ndarray) -> np.ndarray:
        return table.astype(np.int32)[column.indices]

    # The group: ((year - first) * n_jobbtorg + jobbtorg) * n_kon + kön; jobbtorg as given, else from
    # stadsdel, else Saknar stadsdel.
    group = row_values(coded["ar"], (year_table - first) * (n_jobbtorg * n_kon))
    given = coded["jobbtorg"].table if "jobbtorg" in coded else None
    derived = coded["stadsdel"].table if "stadsdel" in coded else None
    if given is not None and derived is not None:
        pair = coded["jobbtorg"].indices.astype(np.int32) * len(derived)
        pair += coded["stadsdel"].indices
        both = np.where(given[:, None] >= 0, given[:, None],
                        np.where(derived[None, :] >= 0, derived[None, :], SAKNAR_INDEX)).ravel()
        group += (both.astype(np.int32) * n_kon)[pair]
        del pair
    elif given is not None or derived is not None:
        name, table = ("jobbtorg", given) if given is not None else ("stadsdel", derived)
        group += row_values(coded[name], np.where(table >= 0, table, SAKNAR_INDEX) * n_kon)
    else:
        group += SAKNAR_INDEX * n_kon
    group += row_values(coded["kon"], coded["kon"].table)
    area = _area_columns(coded, keep, group, first) if "nadd" in coded else {}
    months = period_columns(coded, keep, group, first, size)

    # The states each measure needs, one axis per column (an absent column has one state).
    no = np.zeros(0, dtype=np.int64)
    # A coded column's state is its code + 1, and 0 for an empty cell: sysselsättning's six, avslutsorsak's
    # seven and verksamhet's three codes each count on their own.
    def code_state(codes: int) -> Callable[[np.ndarray], np.ndarray]:
        return lambda c: np.where((c >= 0) & (c < codes), c + 1, 0)

    states = {  # axis: (column, number of states, state of each code)
        "nadd": ("nadd", 3, lambda c: np.where((c == NADD_JA) | (c == NADD_NEJ), c, 0)),
        "syss": ("sysselsattning", len(SYSSELSATTNING) + 1, code_state(len(SYSSELSATTNING))),
        "orsak": ("avslutsorsak", len(AVSLUTSORSAKER) + 1, code_state(len(AVSLUTSORSAKER))),
        "inskriven": ("inskriven", 2, lambda c: c == 1),
        "nyinskriven": ("nyinskriven", 2, lambda c: c == 1),
        "avslutad": ("avslutad", 2, lambda c: c == 1),
        "verk": ("verksamhet", len(VERKSAMHETER) + 1, code_state(len(VERKSAMHETER))),
        # Without a stadsdelsområde (empty, or one the vocabulary does not have): as _area_index says.
        "plats": ("stadsdel", 2, lambda c: _place_table(coded["stadsdel"]) == len(schema.STADSDEL_NAMES) - 1),
    }
    shape = [size]
    cell = group
    for axis, (name, count, state_of) in states.items():
        count = count if name in coded else 1
        shape.append(count)
        cell *= count
        if count > 1:
            cell += row_values(coded[name], state_of(coded[name].table).astype(np.int32))
    del group
    if not keep.all():
        cell = cell[keep]
    counts = np.bincount(cell, minlength=int(np.prod(shape))).reshape(shape)
    del cell
    axes = {axis: i + 1 for i, axis in enumerate(states)}

    def total(of: np.ndarray, **chosen) -> np.ndarray:
        """Sum over every axis but the group, keeping only the chosen states (slices or indices)."""
        index = [slice(None)] * of.ndim
        for axis, states_kept in chosen.items():
            index[axes[axis]] = states_kept if isinstance(states_kept, slice) else slice(states_kept, states_kept + 1)
        return of[tuple(index)].sum(axis=tuple(range(1, of.ndim)))

    measure_states = {
        "registrerade": {}, "sokta": {"nadd": slice(1, 3)}, "nadda": {"nadd": NADD_JA},
        "ej_nadda": {"nadd": NADD_NEJ},
        "nadda_sysselsatta": {"nadd": NADD_JA, "syss": slice(min(SYSSELSATT) + 1, max(SYSSELSATT) + 2)},
        **{name: {"nadd": NADD_JA, "syss": state} for state, name in enumerate(schema.NADDA_SYSSELSATTNING, 1)},
        "inskrivna": {"inskriven": 1}, "nyinskrivna": {"nyinskriven": 1}, "avslutade": {"avslutad": 1},
        **{name: {"orsak": state} for state, name in enumerate(schema.AVSLUT_ORSAKER, 1)},
        "utan_stadsdel": {"plats": 1},
    }
    measures = [m for m in schema.COUNT_NAMES if m in MEASURE_DEPENDS and set(MEASURE_DEPENDS[m]) <= set(coded)]
    units = [(schema.HELA_KAA, {})] + ([(name, {"verk": state}) for state, name in enumerate(VERKSAMHETER, 1)]
                                       if "verksamhet" in coded else [])
    by_unit = {unit: np.stack([total(counts, **only, **measure_states[m]) for m in measures], axis=1)
               if measures else np.zeros((size, 0), dtype=np.int64) for unit, only in units}
    del counts
    # The groups with rows: where the first measure of Hela KAA (registrerade) is not 0.
    present = np.flatnonzero(by_unit[schema.HELA_KAA][:, 0] > 0) if measures else no
    # Rows in the order (ar, jobbtorg, kön, verksamhet, measure) of the vocabulary: a group's index
    # grows with (ar, jobbtorg, kön), and the units and measures are laid out in their order.
    rank = {v: i for i, v in enumerate(schema.VERKSAMHET_VALUES)}
    unit_names = sorted(by_unit, key=rank.__getitem__)
    values = np.stack([by_unit[unit][present] for unit in unit_names], axis=1)  # group, unit, measure
    per_group = len(unit_names) * len(measures)
    kon = np.repeat(present % n_kon, per_group)
    jobbtorg_index = np.repeat((present // n_kon) % n_jobbtorg, per_group)
    year = np.repeat(present // (n_kon * n_jobbtorg) + first, per_group)
    columns = {
        schema.AR: year.astype("int64"),
        schema.JOBBTORG: np.array(schema.JOBBTORG_NAMES, dtype=object)[jobbtorg_index],
        schema.KON: np.array(schema.KON_VALUES, dtype=object)[kon],
        schema.VERKSAMHET: np.tile(np.repeat(np.array(unit_names, dtype=object), len(measures)), len(present)),
        "measure": np.tile(np.array(measures, dtype=object), len(present) * len(unit_names)),
        "value": values.reshape(-1).astype("float64"),
    }
    # A unit (verksamhet) keeps only what is counted of the young people it supports: the enrolment measures.
    kept = (columns[schema.VERKSAMHET] == schema.HELA_KAA) | np.isin(columns["measure"], schema.UNIT_MEASURES)
    columns = {name: column[kept] for name, column in columns.items()}
    columns = _per_kon(columns, PER_KON_MEASURES)
    none = np.full(len(columns["value"]), None, dtype=object)
    columns.update({schema.STADSDEL: none, schema.ALDER: none, schema.PERIOD: none})
    for more in (area, months):
        if more:
            n = len(more["value"])
            more = {**{c: np.full(n, None, dtype=object) for c in (schema.STADSDEL, schema.ALDER, schema.PERIOD)},
                    **more}
            columns = {c: np.concatenate([columns[c], more[c]]) for c in columns}
    return _Pending(_facts_frame, {
        **columns,
        "noggrannhet": schema.EXAKT, "kalla": kalla, "anmarkning": "", "source": "", "source_id": "",
    })


def _place_table(column: _Coded) -> np.ndarray:
    """Per distinct value of the stadsdel column, its index in schema.STADSDEL_NAMES (the last, Saknar stadsdel, for
    an empty cell or a district the vocabulary does not have)."""
    places = {_stadsdel_key(s): i for i, s in enumerate(schema.STADSDEL_NAMES[:-1])}
    return np.array([places.get(_stadsdel_key(raw), len(places)) if code >= 0 else len(places)
                     for raw, code in zip(column.distinct, column.table)], dtype=np.int32)


def _area_index(coded: dict[str, _Coded], name: str) -> np.ndarray | None:
    """Per row, the index of its stadsdelsområde or age in schema.STADSDEL_NAMES or schema.ALDER_VALUES (the last,
    Saknar …, for an empty cell); None without the column."""
    if name not in coded:
        return None
    column = coded[name]
    if name == "stadsdel":
        return _place_table(column)[column.indices]
    ages = np.array([int(code) - 15 if code >= 0 else len(schema.ALDER_VALUES) - 1 for code in column.table],
                    dtype=np.int32)
    return ages[column.indices]


def _area_columns(coded: dict[str, _Coded], keep: np.ndarray, group: np.ndarray, first: int) -> dict[str, np.ndarray]:
    """schema.AREA_MEASURES for the whole KAA per year and stadsdelsområde, and per year and age, with the
    jobbtorg × stadsdel × kön and jobbtorg × kön × ålder cells they are margins of (which kaa.masking keeps
    latent: in its model, never published); and schema.AIM_AREA_MEASURES for Aim per year and stadsdelsområde,
    with its cells likewise. `group` is each row's (year, jobbtorg, kön) number."""
    n_jobbtorg, n_kon = len(schema.JOBBTORG_NAMES), len(schema.KON_VALUES)
    nadd = coded["nadd"].table
    state = np.where((nadd == NADD_JA) | (nadd == NADD_NEJ), nadd, 0).astype(np.int32)[coded["nadd"].indices]
    # Enrolled in Aim (schema.AIM_AREA_MEASURES): a second axis, counted per stadsdel only.
    aim = None
    if {"verksamhet", "inskriven"} <= set(coded):
        in_aim = coded["verksamhet"].mask(lambda c: c == VERKSAMHETER.index(schema.AIM))
        aim = (in_aim & coded["inskriven"].mask(lambda c: c == 1)).astype(np.int32)
    out: dict[str, list[np.ndarray]] = {}
    for name, dimension, values in (("stadsdel", schema.STADSDEL, schema.STADSDEL_NAMES),
                                    ("alder", schema.ALDER, schema.ALDER_VALUES)):
        index = _area_index(coded, name)
        if index is None:
            continue
        m = len(values)
        with_aim = aim is not None and dimension == schema.STADSDEL
        cell = (group // n_kon * m + index) * n_kon + group % n_kon  # ((year, jobbtorg), place, kön)
        cell = cell * 3 + state
        if with_aim:
            cell = cell * 2 + aim
        if not keep.all():
            cell = cell[keep]
        # Per cell: not sought, reached, not reached (each: not in Aim, in Aim).
        width = 6 if with_aim else 3
        counts = np.bincount(cell, minlength=width * (-(-(int(cell.max(initial=0)) + 1) // width)))
        counts = counts.reshape(-1, 3, 2) if with_aim else counts.reshape(-1, 3, 1)
        del cell
        in_aim = counts[:, :, 1].sum(axis=1) if with_aim else None
        counts = counts.sum(axis=2)
        by_measure = np.stack([counts.sum(axis=1), counts[:, 1] + counts[:, 2], counts[:, NADD_JA],
                               counts[:, NADD_NEJ]], axis=1)  # schema.AREA_MEASURES
        present = np.flatnonzero(by_measure[:, 0] > 0)
        kon = present % n_kon
        place = present // n_kon % m
        year_jobbtorg = present // n_kon // m
        # The cells, and per year and place their sum over jobbtorg and kön.
        margin_key = (year_jobbtorg // n_jobbtorg) * m + place
        margins, inverse = np.unique(margin_key, return_inverse=True)
        units = [(schema.HELA_KAA, schema.AREA_MEASURES, by_measure[present])]
        if with_aim:
            units.append((schema.AIM, schema.AIM_AREA_MEASURES, in_aim[present][:, None]))
        other = schema.ALDER if dimension == schema.STADSDEL else schema.STADSDEL
        for unit, measures, cells in units:
            summed = np.zeros((len(margins), len(measures)), dtype=np.int64)
            np.add.at(summed, inverse, cells)
            parts = [
                (year_jobbtorg // n_jobbtorg, np.array(schema.JOBBTORG_NAMES, dtype=object)[year_jobbtorg % n_jobbtorg],
                 np.array(schema.KON_VALUES, dtype=object)[kon], place, cells),
                (margins // m, np.full(len(margins), None, dtype=object), np.full(len(margins), None, dtype=object),
                 margins % m, summed),
            ]
            k = len(measures)
            for year, jobbtorg, kon_names, places, values_ in parts:
                piece = {
                    schema.AR: np.repeat(year + first, k).astype("int64"),
                    schema.JOBBTORG: np.repeat(jobbtorg, k), schema.KON: np.repeat(kon_names, k),
                    dimension: np.repeat(np.array(values, dtype=object)[places], k),
                    other: np.full(len(year) * k, None, dtype=object),
                    schema.VERKSAMHET: np.full(len(year) * k, unit, dtype=object),
                    "measure": np.tile(np.array(measures, dtype=object), len(year)),
                    "value": values_.reshape(-1).astype("float64"),
                }
                for column, array in piece.items():
                    out.setdefault(column, []).append(array)
    return {column: np.concatenate(arrays) for column, arrays in out.items()}


def _per_kon(columns: dict[str, np.ndarray], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The rows of the `names` measures summed to their per-kön margins and the total, per year and
    verksamhet, in place of their jobbtorg × kön cells."""
    fine = np.isin(columns["measure"], names) & np.array([j is not None for j in columns[schema.JOBBTORG]])
    if not fine.any():
        return columns
    sums: dict[tuple, float] = {}
    for ar, jobbtorg, kon, verksamhet, measure, value in zip(*(columns[c][fine] for c in (
            schema.AR, schema.JOBBTORG, schema.KON, schema.VERKSAMHET, "measure", "value"))):
        for key in ((ar, None, kon, verksamhet, measure), (ar, None, None, verksamhet, measure)):
            sums[key] = sums.get(key, 0.0) + value
    keys = list(sums)
    coarse = {schema.AR: np.array([k[0] for k in keys], dtype="int64"),
              **{c: np.array([k[i] for k in keys], dtype=object)
                 for i, c in ((1, schema.JOBBTORG), (2, schema.KON), (3, schema.VERKSAMHET), (4, "measure"))},
              "value": np.array(list(sums.values()), dtype="float64")}
    return {c: np.concatenate([columns[c][~fine], coarse[c]]) for c in columns}
