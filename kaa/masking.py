"""Small-cell protection, done once on the facts so that every view agrees.

Primary suppression hides counts from 1 to min_cell-1 (shown as `<5`). Secondary
suppression then hides more figures (shown as `..`) until none of the hidden ones
can be worked out by subtraction from any additive relation the data has:

- the cells of a jobbtorg × kön table add up to their row and column margins,
- the margins add up to the year's total,
- sokta = nadda + ej_nadda, at every cell and margin.

Because the margins are part of the protected facts, every view the dashboard or
the CLI can ask for (a total, a breakdown, a filtered sum) is answered from the
same protected figures: a sum that contains a hidden figure is itself hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaa import schema

MASKED = "maskad"
SECONDARY = ".."
_BREAKDOWNS = (schema.JOBBTORG, schema.KON)
_LINKED = ("sokta", "nadda", "ej_nadda")  # sokta = nadda + ej_nadda


def primary_label(min_cell: int) -> str:
    return f"<{min_cell}"


def _level(frame: pd.DataFrame) -> np.ndarray:
    return frame[schema.JOBBTORG].notna().to_numpy() * 1 + frame[schema.KON].notna().to_numpy() * 2


def _margins(rows: pd.DataFrame) -> pd.DataFrame:
    """Add the margins a group's finest breakdown implies but the source does not state."""
    level = _level(rows)
    present = set(level)
    wanted = []
    if 3 in present:
        wanted = [(1, [schema.JOBBTORG]), (2, [schema.KON]), (0, [])]
    elif present & {1, 2}:
        wanted = [(0, [])]
    added = []
    cells = rows[level == max(present)]
    for lvl, keys in wanted:
        if lvl in present:
            continue
        summed = cells.groupby(keys, dropna=False)["value"].sum().reset_index() if keys else \
            pd.DataFrame({"value": [cells["value"].sum()]})
        first = cells.iloc[0]
        for column in rows.columns:
            if column not in summed:
                summed[column] = None if column in _BREAKDOWNS else first[column]
        summed["anmarkning"] = "Summerad ur källans delar."
        added.append(summed[rows.columns])
    return pd.concat([rows] + added, ignore_index=True) if added else rows


def _relations(group: pd.DataFrame) -> list[tuple[np.ndarray, int]]:
    """(member positions, total position) for every additive relation within one (year, verksamhet, measure)."""
    level = _level(group)
    index = group.index.to_numpy()
    total = index[level == 0]
    if len(total) != 1:
        return []
    relations = []
    for lvl in (1, 2):
        if (level == lvl).any():
            relations.append((index[level == lvl], total[0]))
    if (level == 3).any():
        cells = group[level == 3]
        for dim, lvl in ((schema.JOBBTORG, 1), (schema.KON, 2)):
            margins = group[level == lvl].set_index(dim)
            for value, members in cells.groupby(dim).groups.items():
                if value in margins.index:
                    relations.append((np.asarray(members), margins.loc[value, "_pos"]))
    return relations


def protect(facts: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The facts with every implied margin added and a `maskad` label on each row ("" = shown)."""
    counts = facts[facts["measure"].isin(schema.COUNT_NAMES)]
    other = facts[~facts["measure"].isin(schema.COUNT_NAMES)]
    keys = [schema.AR, schema.VERKSAMHET, "measure"]
    if min_cell > 1 and len(counts):
        counts = pd.concat([_margins(rows) for _, rows in counts.groupby(keys, sort=False)], ignore_index=True)
    out = pd.concat([counts, other], ignore_index=True)
    out[MASKED] = ""
    if min_cell <= 1 or counts.empty:
        return out
    values = out["value"].to_numpy()
    is_count = out["measure"].isin(schema.COUNT_NAMES).to_numpy()
    small = is_count & (values >= 1) & (values < min_cell)
    masked = small.copy()

    out["_pos"] = np.arange(len(out))
    relations = []
    for _, group in out[is_count].groupby(keys, sort=False):
        relations += _relations(group)
    linked = out[out["measure"].isin(_LINKED)]
    position = [schema.AR, schema.VERKSAMHET, schema.JOBBTORG, schema.KON]
    for _, group in linked.groupby(position, dropna=False, sort=False):
        if len(group) == 3:
            by_measure = dict(zip(group["measure"], group["_pos"]))
            relations.append((np.array([by_measure["nadda"], by_measure["ej_nadda"]]), by_measure["sokta"]))
    out = out.drop(columns="_pos")

    changed = True
    while changed:
        changed = False
        for members, total in relations:
            involved = np.append(members, total)
            if masked[involved].sum() != 1:
                continue
            visible = members[~masked[members] & (values[members] > 0)]
            target = visible[np.argmin(values[visible])] if len(visible) else total
            if not masked[target]:
                masked[target] = True
                changed = True
    out.loc[masked, MASKED] = SECONDARY
    out.loc[small, MASKED] = primary_label(min_cell)
    return out


def reason(label: str, min_cell: int) -> str:
    if label == primary_label(min_cell):
        return f"Färre än {min_cell} personer: döljs för att skydda enskilda ungdomar."
    return f"Döljs (..) eftersom värdet annars skulle avslöja en dold uppgift om färre än {min_cell} personer."
