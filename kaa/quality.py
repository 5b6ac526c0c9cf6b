"""How complete the register is: the registered without a district, said per year from the protected figures."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from kaa import fmt, masking, metrics, schema


def without_district(facts: pd.DataFrame, sel: metrics.Selection) -> pd.DataFrame:
    """Per year of the selection (every jobbtorg and both kön, whatever it chose): everyone registered, those
    without a district and their share (metrics.share), from the protected facts.

    Without a district is the `Saknar stadsdel` row per stadsdelsområde where an extract has one (some of them
    have a jobbtorg), else the `Saknar stadsdel` row per jobbtorg (the report's: no district, so no jobbtorg).
    A count that is hidden or missing gives no share; `orsak` then says why, from the row itself."""
    whole = replace(sel, jobbtorg=None, kon=None)
    rows = pd.concat([metrics.with_totals(facts, [dimension], whole).rename(columns={dimension: "_del"})
                      .assign(_per=dimension) for dimension in (schema.STADSDEL, schema.JOBBTORG)])
    rows = rows[rows["measure"] == "registrerade"]
    # Per year, the breakdown by stadsdel where its Saknar stadsdel is there (shown or hidden), else by jobbtorg.
    place = rows[(rows["_per"] == schema.STADSDEL) & (rows["_del"] == schema.SAKNAR_STADSDEL)]
    by_place = set(place.loc[place["value"].notna() | (place[masking.MASKED] != ""), schema.AR])
    rows = rows[(rows["_per"] == schema.STADSDEL) == rows[schema.AR].isin(by_place)]
    out = []
    for year, group in rows.groupby(schema.AR, sort=True):
        total = group[group["_del"] == schema.TOTALT]
        without = group[group["_del"] == schema.SAKNAR_STADSDEL]
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
