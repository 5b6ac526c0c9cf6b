"""The Parquet store: atomic writes, concurrent imports, idempotency, sources and which year they back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from kaa import metrics, schema, store
from kaa.facts import normalize_facts

ROOT = Path(__file__).resolve().parent.parent


def facts_for(year: int, inskrivna: int, jobbtorg: str = "Jobbtorg Kista") -> pd.DataFrame:
    rows = [{"ar": str(year), "jobbtorg": jobbtorg, "kon": kon, "measure": "inskrivna", "value": str(inskrivna)}
            for kon in schema.KON_VALUES]
    return normalize_facts(pd.DataFrame(rows))


def add(year: int, inskrivna: int, digest: str, name: str | None = None) -> store.ImportOutcome:
    return store.add_source(facts_for(year, inskrivna), digest=digest, filnamn=f"{digest}.csv", name=name,
                            rader=100, varningar=[], typ="register")


def inskrivna(year: int) -> float:
    table = metrics.table(store.load_facts(), ["ar"], measures=["inskrivna"])
    return table.loc[table["ar"] == year, "inskrivna"].iloc[0]


def test_an_import_writes_parquet_and_manifest_and_backs_its_year(kaa_data_dir):
    outcome = add(2020, 50, "a" * 64)
    assert outcome.new
    assert (kaa_data_dir / "manifest.json").exists()
    assert (kaa_data_dir / outcome.source.file).exists()
    assert inskrivna(2020) == 100  # the imported source replaces the report for 2020
    assert inskrivna(2019) == 1023  # the report stays the fallback
    assert store.backing() == {outcome.source.id: [2020]}
    facts = store.load_facts()
    is_2020 = (facts["ar"] == 2020) & (facts["verksamhet"] == schema.HELA_KAA)
    assert set(facts.loc[is_2020 & (facts["measure"] == "inskrivna"), "source"]) == {outcome.source.label}
    assert set(facts.loc[is_2020 & (facts["measure"] == "nadda"), "source"]) == {
        "Årsrapport 2020 (publicerade siffror)"}


def test_a_source_replaces_only_the_figures_it_has(kaa_data_dir):
    rows = [{"ar": "2019", "measure": "kontakt_brev", "value": "7000"}]
    store.add_source(normalize_facts(pd.DataFrame(rows)), digest="k" * 64, filnamn="brev.csv", name="Brev 2019",
                     rader=1, varningar=[], typ="tidy")
    table = metrics.table(store.load_facts(), ["ar"], measures=["kontakt_brev", "registrerade", "nadda"])
    row = table[table["ar"] == 2019].iloc[0]
    assert row["kontakt_brev"] == 7000  # new
    assert row["registrerade"] == 8724 and row["nadda"] == 3323  # the report's other 2019 figures stay


def test_a_damaged_manifest_is_a_swedish_error(kaa_data_dir):
    (kaa_data_dir / "manifest.json").write_text("{inte json", encoding="utf-8")
    with pytest.raises(store.StoreError, match="skadad"):
        store.load_facts()


def test_importing_the_same_file_twice_changes_nothing(kaa_data_dir):
    first = add(2021, 10, "b" * 64)
    manifest = (kaa_data_dir / "manifest.json").read_bytes()
    again = add(2021, 10, "b" * 64)
    assert not again.new
    assert again.source.id == first.source.id
    assert "finns redan" in again.message
    assert (kaa_data_dir / "manifest.json").read_bytes() == manifest


def test_latest_active_source_wins_and_deactivating_restores_the_previous(kaa_data_dir):
    older = add(2020, 40, "c" * 64, name="äldre")
    time.sleep(1.1)  # ids carry the second of import
    newer = add(2020, 60, "d" * 64, name="nyare")
    assert inskrivna(2020) == 120
    store.set_active("nyare", False)
    assert inskrivna(2020) == 80
    store.set_active(newer.source.id, True)
    assert inskrivna(2020) == 120
    removed = store.remove("nyare")
    assert removed.id == newer.source.id
    assert not (kaa_data_dir / newer.source.file).exists()
    assert inskrivna(2020) == 80
    store.remove(older.source.id)
    assert inskrivna(2020) == 980
    assert store.sources() == []


def test_unknown_source_is_a_swedish_error():
    with pytest.raises(store.StoreError, match="finns inte"):
        store.remove("saknas")


def test_version_changes_when_sources_change():
    before = store.version()
    add(2022, 7, "e" * 64)
    after = store.version()
    assert after != before
    store.set_active(store.sources()[0].id, False)
    assert store.version() != after


def _run(code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


IMPORT_ONE = """
    import sys
    sys.path.insert(0, ".")
    import pandas as pd
    from kaa import store
    from kaa.facts import normalize_facts
    year, digest = int(sys.argv[1]) if len(sys.argv) > 1 else {year}, "{digest}"
    rows = [{{"ar": str({year}), "jobbtorg": "Jobbtorg City", "kon": k, "measure": "inskrivna", "value": "30"}}
            for k in ("Kvinna", "Man")]
    print(store.add_source(normalize_facts(pd.DataFrame(rows)), digest=digest * 64, filnamn="x.csv",
                           name=None, rader=2, varningar=[], typ="register").new)
"""


def test_two_concurrent_imports_both_land(kaa_data_dir):
    env = {**os.environ, "KAA_DATA_DIR": str(kaa_data_dir)}
    procs = [_run(IMPORT_ONE.format(year=2023 + i, digest=d), env) for i, d in enumerate("fg")]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == "True"
    assert sorted(s.ar for s in store.sources()) == [(2023,), (2024,)]


KILLED_MID_WRITE = """
    import os, sys, time
    sys.path.insert(0, ".")
    import pandas as pd
    from kaa import store
    from kaa.facts import normalize_facts
    real = store._atomic_write
    def slow(path, write):
        if MATCH(path):
            # Write half of the file, tell the parent, and hang: the parent kills us here.
            import io, tempfile
            buffer = io.BytesIO()
            write(buffer)
            data = buffer.getvalue()
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
            open(os.environ["READY"], "w").close()
            time.sleep(60)
        return real(path, write)
    store._atomic_write = slow
    rows = [{"ar": "2020", "jobbtorg": "Jobbtorg City", "kon": k, "measure": "inskrivna", "value": "1"}
            for k in ("Kvinna", "Man")]
    store.add_source(normalize_facts(pd.DataFrame(rows)), digest="h" * 64, filnamn="x.csv", name=None,
                     rader=2, varningar=[], typ="register")
"""


@pytest.mark.parametrize("target", ["manifest.json", "parquet"])
def test_a_kill_mid_import_leaves_the_previous_state(kaa_data_dir, tmp_path, target):
    add(2021, 25, "i" * 64, name="före")
    manifest_before = json.loads((kaa_data_dir / "manifest.json").read_text(encoding="utf-8"))
    ready = tmp_path / "ready"
    env = {**os.environ, "KAA_DATA_DIR": str(kaa_data_dir), "READY": str(ready)}
    match = f"lambda path: path.name == 'manifest.json'" if target == "manifest.json" else \
        "lambda path: path.suffix == '.parquet'"
    proc = _run(KILLED_MID_WRITE.replace("MATCH(path)", f"({match})(path)"), env)
    deadline = time.time() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert json.loads((kaa_data_dir / "manifest.json").read_text(encoding="utf-8")) == manifest_before
    assert [s.name for s in store.sources()] == ["före"]
    assert inskrivna(2021) == 50
    assert inskrivna(2020) == 980
    assert list(kaa_data_dir.glob(".tmp-*")), "the kill should have left a half-written file behind"
    # The store still takes imports afterwards, and the next write sweeps the leftovers away.
    assert add(2022, 9, "j" * 64).new
    assert not list(kaa_data_dir.glob(".tmp-*"))
    assert sorted(p.name for p in kaa_data_dir.glob("*.parquet")) == sorted(s.file for s in store.sources())
