"""The published report's figures (data/publicerat.csv) as a facts frame."""

from __future__ import annotations

import csv
from pathlib import Path

from kaa import config, fmt, schema
from kaa.facts import FACT_COLUMNS, normalize_facts
from kaa.lazy import pandas as pd

DATA_DIR = config.REPO_DATA
PUBLISHED_CSV = DATA_DIR / "publicerat.csv"
TARGETS_CSV = DATA_DIR / "targets.csv"
NOTES_CSV = DATA_DIR / "anmarkningar.csv"

SOURCE_LABEL = "Årsrapport 2020 (publicerade siffror)"
SOURCE_ID = "arsrapport-2020"  # the report's stable id among the sources (imports have the store's ids)


def load_published(path: Path = PUBLISHED_CSV) -> pd.DataFrame:
    """Read the report's figures, one row per printed figure, as facts."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    facts = normalize_facts(raw)
    facts["kalla"] = facts["kalla"].radd("Årsrapport 2020, ")
    facts["source"] = SOURCE_LABEL
    facts["source_id"] = SOURCE_ID
    return facts[FACT_COLUMNS]


def published_keys(path: Path = PUBLISHED_CSV) -> set[tuple[int, str, str]]:
    """The (ar, verksamhet, measure) the report has figures for, read as `load_published` reads them
    (an empty verksamhet is Hela KAA) but without pandas and without checking the figures."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {(int(float(row[schema.AR].strip())), (row.get(schema.VERKSAMHET) or "").strip() or schema.HELA_KAA,
             row["measure"].strip()) for row in rows}


DIRECTIONS = ("minst", "högst")


class Target(float):
    """A share's target as a fraction (0.5), with its direction from targets.csv: `minst` (at least) or
    `högst` (at most). It is the number itself wherever a number is wanted (a line at 50 %, a gap)."""

    riktning: str

    def __new__(cls, varde: float, riktning: str = "minst") -> Target:
        if riktning not in DIRECTIONS:
            raise ValueError(f"okänd riktning för ett mål: {riktning}")
        target = super().__new__(cls, varde)
        target.riktning = riktning
        return target

    def __reduce__(self):
        return Target, (float(self), self.riktning)

    def __repr__(self) -> str:
        return f"Target({float(self)!r}, {self.riktning!r})"

    @classmethod
    def of(cls, target: float) -> Target:
        """A target as given: a Target keeps its direction, a bare number is one to reach at least."""
        return target if isinstance(target, Target) else cls(target)

    def met(self, value: float) -> bool:
        return bool(value >= self if self.riktning == "minst" else value <= self)

    @property
    def words(self) -> str:
        """`minst 50 %`."""
        return f"{self.riktning} {fmt.percent(float(self), 0)}"


def load_targets(path: Path = TARGETS_CSV) -> pd.DataFrame:
    """Targets per measure: `measure, verksamhet, riktning (minst|högst), varde, kalla`."""
    targets = pd.read_csv(path, dtype={"varde": float}, encoding="utf-8")
    unknown = set(targets["measure"]) - set(schema.MEASURE_NAMES)
    if unknown:
        raise ValueError(f"Okänt mått i {path.name}: {', '.join(sorted(unknown))}")
    wrong = set(targets["riktning"].fillna("").astype(str)) - set(DIRECTIONS)
    if wrong:
        raise ValueError(f"Okänd riktning i {path.name}: {', '.join(sorted(wrong))} (minst eller högst)")
    return targets


def target_for(targets: pd.DataFrame, measure: str, verksamhet: str = schema.HELA_KAA) -> Target | None:
    """The target for a measure (and verksamhet), with its direction, or None when it has none."""
    hit = targets[(targets["measure"] == measure) & (targets["verksamhet"] == verksamhet)]
    return Target(float(hit["varde"].iloc[0]), hit["riktning"].iloc[0]) if len(hit) else None


def targets_for(targets: pd.DataFrame, measures, verksamhet: str = schema.HELA_KAA) -> dict[str, Target]:
    """The targets of those measures that have one, for a verksamhet: what a chart or a text is held against."""
    found = {m: target_for(targets, m, verksamhet) for m in measures}
    return {m: goal for m, goal in found.items() if goal is not None}


#: The notes' columns as readers see them (Om statistiken, the annual report).
NOTE_COLUMNS = {"avsnitt": "Avsnitt", "i_rapporten": "I rapporten", "sa_har_vi_gjort": "Så har vi gjort"}


def load_notes(path: Path = NOTES_CSV) -> pd.DataFrame:
    """The data-quality notes on the report, shown on the Om statistiken page."""
    return pd.read_csv(path, dtype=str, encoding="utf-8")
