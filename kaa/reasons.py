"""Why a figure is missing or hidden, as records: a code and its fields, made into Swedish at the edge.

A frame's `orsaker` column holds a row's records (`encode`d, so frames stay plain text for caches and
Arrow); its `orsak` column is the same said in Swedish (`text`). Merging works on the records, never on
the sentences: `merge` says each reason once per breakdown and set of years, and a measure missing per a
coarser breakdown (or missing from the source outright) is not said again per a finer one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

from kaa import fmt, masking, schema

NOT_IN_SOURCE = "ej_i_kallan"          # the source has no figure for the measure that year
NOT_BROKEN_DOWN = "ej_uppdelad"        # the source has it, but not per `dims`
HIDDEN = "dold"                        # a small count, or one that would reveal one (`symbol`: <5 or ..)
HIDDEN_SHARE = "dold_andel"            # a share computed from a hidden count
CANNOT_COMPUTE = "kan_inte_beraknas"   # a share whose counts (`measures`) are missing
ZERO_DENOMINATOR = "namnare_noll"      # a share whose denominator (`measures[0]`) is 0
TEXT = "text"                          # a sentence given as it is (`text`)
_GROUPED = (NOT_IN_SOURCE, NOT_BROKEN_DOWN)


@dataclass(frozen=True)
class Reason:
    code: str
    measures: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    dims: tuple[str, ...] = ()
    symbol: str = ""
    min_cell: int = 0
    text: str = ""


#: Said when a unit is asked for a measure it does not keep, and when a register measure is asked for per a
#: breakdown it is not kept by (whatever the year: the same for every register extract).
UNIT_ONLY = ("Verksamheterna (Aim, Skolslussen och Jobbtorg) redovisas bara med inskrivna, nyinskrivna, avslutade och "
             "avslutade till studier, arbete och annan sysselsättning.")
PER_KON_ONLY = ("Vad de nådda gjorde och avslutsorsakerna utöver studier, arbete och annan sysselsättning redovisas "
                "per kön och för hela staden, inte per jobbtorg: uppdelade på jobbtorg blir antalen för små för att "
                "visas. Okänd sysselsättning och okänd orsak redovisas också per jobbtorg.")
CITY_UNIT_ONLY = ("Skolslussen och Jobbtorg redovisas bara för hela staden: uppdelade på jobbtorg eller kön blir "
                  "antalen för små för att visas.")
LATENT_ONLY = ("Nådda med okänd sysselsättning, avslutade med okänd orsak och registrerade utan stadsdel redovisas per "
               "jobbtorg och per kön, men inte per jobbtorg och kön samtidigt: där blir antalen för små för att visas.")

AREA_ONLY = ("Per stadsdelsområde och per ålder redovisas bara registrerade, sökta, nådda och ej nådda för hela KAA, "
             "och per stadsdelsområde Aims inskrivna, för hela staden per år, inte samtidigt per jobbtorg, kön, "
             "stadsdelsområde eller ålder: uppdelade så blir antalen för små för att visas.")


FEW_FOR_MEDIAN = ("Medianen visas bara där antalet den räknas på (nya under uppsök som har nåtts) visas och är minst "
                  "{min_cell}: annars kan den säga något om enskilda ungdomar.")
NONE_REACHED = "Ingen av dem som placerades under uppsök under året har nåtts: det finns ingen median."
NO_MEDIAN = ("Dagar till nådd finns bara där källan har datum för uppsök och nådd (inte i årsrapporten), och för en "
             "grupp i taget: hela staden, ett jobbtorg, ett kön, eller ett jobbtorg och ett kön.")


def missing(measure: str, year: int, in_source: bool, dims: Sequence[str] = (),
            verksamhet: str = schema.HELA_KAA) -> Reason:
    """Why a count is missing: a unit does not keep it, it is not in the source that year, or not per the
    breakdown asked for."""
    if verksamhet != schema.HELA_KAA and measure not in schema.UNIT_MEASURES:
        return Reason(TEXT, text=UNIT_ONLY)
    if not in_source:
        return Reason(NOT_IN_SOURCE, (measure,), (int(year),))
    if set(schema.AREA_DIMENSIONS) & set(dims) and not _published_per_area(measure, verksamhet, dims):
        return Reason(TEXT, text=AREA_ONLY)
    if verksamhet in schema.CITY_UNITS and dims:
        return Reason(TEXT, text=CITY_UNIT_ONLY)
    if measure in schema.PER_KON_MEASURES and schema.JOBBTORG in dims:
        return Reason(TEXT, text=PER_KON_ONLY)
    if measure in schema.LATENT_CELL_MEASURES and {schema.JOBBTORG, schema.KON} <= set(dims):
        return Reason(TEXT, text=LATENT_ONLY)
    return Reason(NOT_BROKEN_DOWN, (measure,), (int(year),), tuple(sorted(dims)))


def _published_per_area(measure: str, verksamhet: str, dims: Sequence[str]) -> bool:
    """Whether a measure is kept per the one stadsdel or age breakdown asked for (schema.AREA_MEASURES)."""
    if len(dims) != 1:
        return False
    if verksamhet == schema.HELA_KAA:
        return measure in schema.AREA_MEASURES
    return verksamhet == schema.AIM and measure in schema.AIM_AREA_MEASURES and set(dims) == {schema.STADSDEL}


def hidden(symbol: str, min_cell: int) -> Reason:
    return Reason(HIDDEN, symbol=symbol, min_cell=min_cell)


def _labels(measures: Iterable[str]) -> list[str]:
    return [schema.MEASURES[m].label.lower() for m in measures]


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def sentence(reason: Reason) -> str:
    """One record in Swedish."""
    what, years = _and(_labels(reason.measures)) if reason.measures else "", fmt.years(reason.years) \
        if reason.years else ""
    if reason.code == NOT_IN_SOURCE:
        return f"Källan har ingen uppgift om {what} för {years}."
    if reason.code == NOT_BROKEN_DOWN and not reason.dims:  # only per a breakdown, not for the city as a whole
        return f"Källan redovisar inte {what} för hela staden {years}."
    if reason.code == NOT_BROKEN_DOWN:
        per = " och ".join(schema.DIMENSION_LABELS[d].lower() for d in reason.dims)
        return f"Källan redovisar inte {what} per {per} för {years}."
    if reason.code == HIDDEN:
        return masking.reason(reason.symbol, reason.min_cell)
    if reason.code == HIDDEN_SHARE:
        return masking.share_reason(reason.min_cell)
    if reason.code == CANNOT_COMPUTE:
        return "Kan inte beräknas: uppgift om " + " och ".join(_labels(reason.measures)) + " saknas."
    if reason.code == ZERO_DENOMINATOR:
        return f"Kan inte beräknas: {_labels(reason.measures)[0]} är 0."
    return reason.text


def merge(reasons: Iterable[Reason]) -> list[Reason]:
    """Each reason once: missing measures grouped per breakdown (none: not in the source) and set of
    years, in the vocabulary's order; a measure said for a coarser breakdown not said again for a finer."""
    order: list[Reason | frozenset[str] | None] = []
    # breakdown (None: not in the source at all, the coarsest of all) → measure → years
    groups: dict[frozenset[str] | None, dict[str, set[int]]] = {}
    dims_of: dict[frozenset[str] | None, tuple[str, ...]] = {}
    for reason in dict.fromkeys(reasons):
        if reason.code not in _GROUPED:
            order.append(reason)
            continue
        key = frozenset(reason.dims) if reason.code == NOT_BROKEN_DOWN else None
        if key not in groups:
            groups[key], dims_of[key] = {}, reason.dims
            order.append(key)
        for measure in reason.measures:
            groups[key].setdefault(measure, set()).update(reason.years)
    for key, measures in groups.items():
        for coarser, known in groups.items():
            if key is not None and (coarser is None or coarser < key):
                for measure in list(measures):
                    measures[measure] -= known.get(measure, set())
                    if not measures[measure]:
                        del measures[measure]
    out: list[Reason] = []
    for item in order:
        if isinstance(item, Reason):
            out.append(item)
            continue
        # One record per set of years, so no measure is said to be missing in a year it is not.
        by_years: dict[frozenset[int], list[str]] = {}
        for measure in sorted(groups[item], key=lambda m: schema.MEASURE_RANK.get(m, len(schema.MEASURE_RANK))):
            by_years.setdefault(frozenset(groups[item][measure]), []).append(measure)
        for years, measures in sorted(by_years.items(), key=lambda kv: (sorted(kv[0]), -len(kv[0]))):
            code = NOT_IN_SOURCE if item is None else NOT_BROKEN_DOWN
            out.append(Reason(code, tuple(measures), tuple(sorted(years)), dims_of[item]))
    return out


def sentences(reasons: Iterable[Reason]) -> list[str]:
    """The merged reasons in Swedish, a sentence each."""
    return [sentence(r) for r in merge(reasons)]


def text(reasons: Iterable[Reason]) -> str:
    """A row's reasons as one text (empty when there are none)."""
    return " ".join(sentences(reasons))


def encode(reasons: Iterable[Reason]) -> str:
    """A row's records as the frame's `orsaker` cell (empty when there are none)."""
    records = [{k: v for k, v in asdict(r).items() if v not in ((), "", 0) or k == "code"} for r in reasons]
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")) if records else ""


def decode(cell: str) -> tuple[Reason, ...]:
    """The records of an `orsaker` cell."""
    if not cell:
        return ()
    return tuple(Reason(**{k: tuple(v) if isinstance(v, list) else v for k, v in record.items()})
                 for record in json.loads(cell))


def of_cells(cells: Iterable[str]) -> list[Reason]:
    """The records of several `orsaker` cells, in order."""
    return [reason for cell in cells for reason in decode(cell)]
