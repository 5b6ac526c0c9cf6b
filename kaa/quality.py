"""How complete the register is: the registered without a district, said per year from the protected figures."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from kaa import fmt, masking, metrics, schema


def without_district(facts: pd.DataFrame, sel: metrics.Selection) -> pd.DataFrame:
    """Per year of the selection (every jobbtorg, whatever it chose): everyone registered, those without a
    district (the `Saknar stadsdel` row) and their share (metrics.share), from the protected facts.

    A count that is hidden or missing gives no share; `orsak` then says why, from the row itself."""
    frame = metrics.with_totals(facts, [schema.JOBBTORG], replace(sel, jobbtorg=None))
    rows = frame[frame["measure"] == "registrerade"]
    out = []
    for year, group in rows.groupby(schema.AR, sort=True):
        total = group[group[schema.JOBBTORG] == schema.TOTALT]
        without = group[group[schema.JOBBTORG] == schema.SAKNAR_STADSDEL]
        if total.empty or without.empty:
            continue
        total, without = total.iloc[0], without.iloc[0]
        why = " ".join(dict.fromkeys(str(r["orsak"]) for r in (without, total) if r["orsak"]))
        out.append({schema.AR: int(year), "registrerade": total["value"], "utan_stadsdel": without["value"],
                    "andel": metrics.share(without["value"], total["value"]),
                    "symbol": without[masking.MASKED] or total[masking.MASKED], "orsak": why})
    return pd.DataFrame(out, columns=[schema.AR, "registrerade", "utan_stadsdel", "andel", "symbol", "orsak"])


def without_district_sentences(table: pd.DataFrame) -> list[str]:
    """A sentence per year of `without_district`'s table, in Swedish."""
    out = []
    for row in table.to_dict("records"):
        if pd.isna(row["andel"]):
            shown = row["symbol"] or fmt.MISSING
            out.append(f"{row[schema.AR]}: {shown}. {row['orsak']}".strip())
            continue
        out.append(f"{row[schema.AR]}: {fmt.count(row['utan_stadsdel'])} av {fmt.count(row['registrerade'])} "
                   f"registrerade ({fmt.percent(row['andel'])}) saknar stadsdel.")
    return out
