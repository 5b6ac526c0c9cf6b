"""The months of an extract with dates, audited with everything else (tests/disclosure_audit.py).

A small synthetic extract with the date columns is imported and protected; the audit collects every table of the
city and every period kaa.periods publishes (months, half-years, years, the year so far to every month end), writes
each figure over the true jobbtorg × kön × month cells it counts from the file itself, and solves for the hidden
ones. The months are published for the city only, so the tables are asked without jobbtorg filters: the sums over
chosen jobbtorg are audited by tests/test_masking.py, and would here only make the test slower.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from kaa import masking, schema
from tests import disclosure_audit as audit

ROWS, SEED, YEARS, MIN_CELL = 600, 3, [2021, 2022], 5


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KAA_DATA_DIR", str(tmp_path_factory.mktemp("kaa_data")))
        raw, fine = audit.import_demo(ROWS, YEARS, SEED, dates=True)
    protected = masking.protect(raw, MIN_CELL)
    published = audit.collect(protected, YEARS, [None], min_cell=MIN_CELL)
    checked = audit.Audit(published, audit.truth(fine, YEARS), MIN_CELL)
    return SimpleNamespace(raw=raw, fine=fine, protected=protected, published=published, audit=checked,
                           report=checked.run())


def _period(figure: audit.Figure) -> bool:
    return figure.place[:1] == (audit.PERIOD,)


def test_the_audit_counts_the_months_from_the_file_as_the_importer_does(audited):
    """The audit's own count of the dates (`date_cells`, in its true cells) gives the importer's figures, cell for
    cell: months, zeros included, and the year's counts."""
    def dated(facts: pd.DataFrame) -> pd.Series:
        rows = facts[(facts[schema.PERIOD].notna() | facts["measure"].isin(audit.DATED))
                     & facts[schema.JOBBTORG].notna() & facts[schema.KON].notna()]
        rows = rows.assign(period=rows[schema.PERIOD].fillna(""), value=rows["value"].astype(float))
        return rows.set_index([schema.AR, schema.VERKSAMHET, schema.JOBBTORG, schema.KON, schema.PERIOD,
                               "measure"])["value"].sort_index()

    imported, counted = dated(audited.raw), dated(audited.fine)
    assert len(counted) == len(YEARS) * len(audit.ALL_CELLS) * (12 * len(audit.FLOWS) + len(audit.DATED))
    pd.testing.assert_series_equal(imported, counted, check_names=False, check_index_type=False)


def test_the_true_figures_meet_everything_a_reader_knows(audited):
    """Every published figure (the periods' too) written over the true cells, and every relation of the months,
    holds for the truth; nothing is shown split by anything but the city."""
    assert audited.audit.violations() == []
    assert not audited.published.unexplained and not audited.published.disagreements
    periods = [f for f in audited.published.figures.values() if _period(f)]
    kinds = {len(f.place[1]) == 2 or f.place[1][0][1:] for f in periods}
    assert True in kinds and (1, 6) in kinds and (0, 11) in kinds  # H2, H1 and the year so far to November
    assert {f.measure for f in periods} == set(audit.FLOWS) | set(audit.STATES)


def test_the_months_have_hidden_figures_and_small_counts(audited):
    """The audit has something to do: months hidden, months among the primary small counts."""
    report = audited.report
    assert report.month_primaries > 20 and report.period_hidden > report.month_primaries
    assert report.primaries > 100 and report.hidden > report.primaries


def test_nothing_published_narrows_a_small_count(audited):
    report = audited.report
    assert not report.narrowed, [(audit.describe(f.figure), f.true, f.possible) for f in report.narrowed[:5]]


def test_no_count_the_protection_hides_is_pinned(audited):
    """No hidden cell, margin, total or month of the protected facts, nor any hidden figure of the tables, can be
    worked out."""
    pinned = [f for f in audited.report.pinned if f.figure.is_fact_shaped or not _period(f.figure)]
    assert not pinned, [(audit.describe(f.figure), f.true, f.possible) for f in pinned[:5]]


def test_no_hidden_figure_is_pinned(audited):
    """Nor any figure worked out from the months (a half-year, a state in a month, the year so far)."""
    report = audited.report
    assert not report.pinned, [(audit.describe(f.figure), f.true, f.possible) for f in report.pinned[:5]]


def _relabelled(audited, label) -> audit.Audit:
    """The audit of the published figures with every hidden cell, margin, total and month relabelled:
    `label(figure, true value)` gives (symbol, value)."""
    checked, truth = audited.audit, audited.audit.true_point()
    figures = {}
    for key, f in audited.published.figures.items():
        if f.is_fact_shaped and f.label:
            symbol, value = label(f, checked.value(f, truth))
            f = dataclasses.replace(f, label=symbol, value=value)
        figures[key] = f
    return audit.Audit(dataclasses.replace(audited.published, figures=figures), audit.truth(audited.fine, YEARS),
                       MIN_CELL)


def _month(figure: audit.Figure) -> bool:
    return _period(figure) and figure.is_fact_shaped


def test_the_months_stay_safe_with_the_protections_own_symbols(audited):
    """The periods show every hidden month as `..`; were they shown with the protection's own symbols (`<5` for the
    small counts it keeps so), a reader who knows which months are 1–4 could still narrow none."""
    own = audited.protected[audited.protected[schema.PERIOD].notna() & audited.protected[schema.JOBBTORG].isna()
                            & audited.protected[schema.KON].isna()]
    symbols = {(int(year), measure, audit.month_of(int(year), date.fromisoformat(f"{period}-01"))): symbol
               for year, measure, period, symbol in zip(own[schema.AR], own["measure"], own[schema.PERIOD],
                                                         own[masking.MASKED])}
    assert "<5" in symbols.values()
    report = _relabelled(audited, lambda f, value: (symbols[(f.year, f.measure, f.place[1][0][1])], f.value)
                         if _month(f) else (f.label, f.value)).run(only=_month)
    assert report.primaries == audited.report.month_primaries
    assert not report.narrowed and not report.pinned


def test_the_audit_sees_through_protection_that_only_hides_the_small_counts(audited):
    """The audit has teeth for the months: had only the small counts been hidden (`<5`, every other cell, margin,
    total and month shown), small months would be narrowed."""
    report = _relabelled(audited, lambda f, value: ("<5", f.value) if 1 <= value < MIN_CELL else ("", value)).run(
        only=_month)
    assert report.primaries == audited.report.month_primaries
    assert len(report.narrowed) > 10
