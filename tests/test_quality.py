"""The data-quality figures: who in the register has no district."""

from __future__ import annotations

import pandas as pd

from kaa import quality, schema
from kaa.facts import normalize_facts
from kaa.metrics import Selection


def test_without_a_district_counts_everyone_without_one_and_falls_back_to_the_jobbtorg_row():
    rows = []
    for year in (2023, 2024):
        # 200 registered: 150 with a jobbtorg from their district, 30 with a jobbtorg but no district, 20 with neither.
        rows += [{"ar": year, "jobbtorg": j, "kon": "Kvinna", "measure": "registrerade", "value": v}
                 for j, v in (("Jobbtorg Kista", 120), ("Jobbtorg City", 60), (schema.SAKNAR_STADSDEL, 20))]
    rows += [{"ar": 2024, "stadsdel": s, "measure": "registrerade", "value": v}  # 2023 has no districts
             for s, v in (("Rinkeby-Kista", 90), ("Spånga-Tensta", 0), ("Södermalm", 60),
                          (schema.SAKNAR_STADSDEL, 50))]
    facts = normalize_facts(pd.DataFrame(rows).astype(str).replace("nan", ""))
    table = quality.without_district(facts, Selection(kon=("Man",), min_cell=0)).set_index("ar")
    assert table.loc[2024, ["registrerade", "utan_stadsdel"]].tolist() == [200, 50]  # 30 + 20, from the districts
    assert table.loc[2023, ["registrerade", "utan_stadsdel"]].tolist() == [200, 20]  # the jobbtorg row
    assert quality.without_district_sentences(table.reset_index())[1] == (
        "2024: 50 av 200 registrerade (25,0\u00a0%) saknar stadsdel.")
