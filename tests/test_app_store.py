"""The pages over the store: what a user typed is shown as text, a damaged source has a way out,
and every change made on a page is in the event log with the page as its actor."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kaa import fmt, store
from kaa.facts import normalize_facts
from kaa.store import db

ROOT = Path(__file__).resolve().parent.parent
INJECTION = "**fet** ![bild](http://127.0.0.1:9/q.png) :red[röd] <b>html</b>"


def add(name: str, digest: str, year: int = 2020) -> store.ImportOutcome:
    rows = [{"ar": str(year), "jobbtorg": "Jobbtorg Kista", "kon": k, "measure": "inskrivna", "value": "30"}
            for k in ("Kvinna", "Man")]
    return store.add_source(normalize_facts(pd.DataFrame(rows)), digest=digest * 64, filnamn=f"{name}.csv",
                            name=name, rader=2, varningar=[], typ="register")


def ladda_upp(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/ladda-upp.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rendered(at: AppTest) -> list[str]:
    elements = [*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error, *at.toast]
    return [str(e.value) for e in elements]


def test_ladda_upp_says_the_log_is_empty_before_anything_is_changed():
    at = ladda_upp()
    assert "Inga händelser ännu: inget har importerats eller ändrats." in [i.value for i in at.info]


def test_a_source_name_is_shown_as_written_never_as_markdown():
    add(INJECTION, "a")
    at = ladda_upp()
    shown = [text for text in rendered(at) if "fet" in text]
    assert shown, rendered(at)
    for text in shown:  # every Markdown character is escaped, so the browser shows it literally
        assert "**fet**" not in text and "![bild]" not in text and ":red[" not in text and "<b>" not in text
        assert r"\*\*fet\*\*" in text and r"\!\[bild\]" in text


def test_a_shared_link_with_markdown_in_it_is_shown_as_text():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["ar"] = ["**2030** ![i](http://127.0.0.1:9/q.png)"]
    at.query_params["kon"] = ":red[X]"
    at.run()
    toasts = [str(t.value) for t in at.toast]
    assert toasts and all("**2030**" not in t and "![i]" not in t and ":red[X]" not in t for t in toasts), toasts
    assert r"\*\*2030\*\*" in toasts[0]


def test_a_damaged_source_leaves_ladda_upp_with_its_buttons_and_removing_it_heals_every_page():
    add("Hel", "b", 2020)
    bad = add("Trasig", "c", 2021)
    with db.engine_for(write=True).begin() as connection:
        connection.execute(sa.text("UPDATE facts SET value = -1 WHERE source_pk = "
                                   "(SELECT pk FROM sources WHERE id = :id)"), {"id": bad.source.id})
    overview = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    overview.run()
    assert any("Trasig" in e.value and "kan inte läsas" in e.value for e in overview.error)

    at = ladda_upp()
    assert any("Trasig" in e.value for e in at.error)  # named, with what to do
    assert at.button(key=f"toggle-{bad.source.id}").label == "Inaktivera"
    at.toggle(key=f"ask-{bad.source.id}").set_value(True).run()
    at.button(key=f"delete-{bad.source.id}").click().run()
    assert not at.exception
    assert [s.name for s in store.sources()] == ["Hel"]
    overview.run()
    assert not overview.error


def test_changes_made_on_the_page_are_logged_with_the_page_as_actor():
    outcome = add("Loggas", "d")
    at = ladda_upp()
    at.button(key=f"toggle-{outcome.source.id}").click().run()
    assert [s.aktiv for s in store.sources()] == [False]
    assert [s.value for s in at.success] == [fmt.plain("Källan ”Loggas” är inaktiverad.")]  # once, after the redraw
    at.run()
    assert not at.success
    latest = store.events()[0]
    assert latest["action"] == "deactivate" and latest["actor"] == "ej inloggad (webbläsaren)"
    # Ladda upp shows the log, newest first, as text that cannot be edited there.
    at.run()
    log = next(t for t in at.dataframe if "Händelse" in t.value.columns).value
    assert list(log["Händelse"]) == ["inaktiverade", "importerade"]
    assert log["Vem"].iloc[0] == "ej inloggad (webbläsaren)" and set(log["Källa"]) == {outcome.source.id}
    assert not any(b.key and "event" in b.key for b in at.button)  # nothing to change it with


def test_every_page_says_where_its_years_come_from_and_marks_example_data():
    import io

    from kaa import demo, extract

    buffer = io.BytesIO()
    demo.write(demo.generate(400, [2021], seed=4), buffer)
    data = buffer.getvalue()
    store.import_extract(extract.read_extract(data, "demo.csv"), data, "demo.csv", "Demo 2021")
    for page in ("pages/oversikt.py", "pages/uppsok.py", "pages/avslut.py", "pages/jamfor.py", "pages/om.py"):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.run()
        at.switch_page(page).run()
        assert not at.exception, page
        sources = [c.value for c in at.caption if c.value.startswith("Källa: ")]
        assert sources and "Demo 2021" in sources[0] and "exempeldata" in sources[0], (page, sources)
        assert "för 2019–2020" in sources[0] and "för 2021" in sources[0]
        assert any("exempeldata" in w.value for w in at.warning), page


def _upload_page_with(data: bytes, name: str) -> AppTest:
    at = ladda_upp()
    at.get("file_uploader")[0].upload(name, data, "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_after_an_import_the_page_starts_over_clean_and_every_button_acts_at_once():
    import io

    from kaa import demo

    buffer = io.BytesIO()
    demo.write(demo.generate(300, [2020], seed=6), buffer)
    data = buffer.getvalue()
    at = _upload_page_with(data, "uttag.csv")
    assert any("ersätter årsrapportens siffror för 2020" in w.value for w in at.warning)
    at.button(key="confirm_import").click().run()
    assert not at.exception
    assert any("Importerad" in s.value for s in at.success)
    # Clean: no stale warning, no import button, the uploader is empty.
    assert not [b for b in at.button if b.key == "confirm_import"]
    assert not any("ersätter årsrapportens" in w.value for w in at.warning)
    assert at.get("file_uploader")[0].value is None
    (source,) = store.sources()
    for expected in (False, True):  # each click acts on the first try
        at.button(key=f"toggle-{source.id}").click().run()
        assert not at.exception and not at.error
        assert store.sources()[0].aktiv is expected
    at.toggle(key=f"ask-{source.id}").set_value(True).run()
    at.button(key=f"delete-{source.id}").click().run()
    assert not at.exception and store.sources() == []


def test_the_same_file_again_says_before_any_button_that_nothing_would_change():
    import io

    from kaa import demo

    buffer = io.BytesIO()
    demo.write(demo.generate(300, [2021], seed=7), buffer)
    data = buffer.getvalue()
    at = _upload_page_with(data, "uttag.csv")
    at.button(key="confirm_import").click().run()
    again = _upload_page_with(data, "samma.csv")
    notices = [i.value for i in again.info]
    assert any("finns redan" in n and "ändrar ingenting" in n for n in notices), notices
    assert not [b for b in again.button if b.key == "confirm_import"]
    assert len(store.sources()) == 1


def test_a_long_event_log_says_how_much_of_it_the_page_shows():
    outcome = add("Växlas", "e")
    for _ in range(27):  # 1 import + 54 changes
        store.set_active(outcome.source.id, False, actor="test")
        store.set_active(outcome.source.id, True, actor="test")
    at = ladda_upp()
    log = next(t for t in at.dataframe if "Händelse" in t.value.columns).value
    assert len(log) == 50 and store.event_count() == 55
    assert any("Visar de 50 senaste av 55 händelser" in c.value and "python -m kaa logg" in c.value for c in at.caption)
