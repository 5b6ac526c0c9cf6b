"""`python -m kaa`: the same figures as the dashboard, for analysts and scripts."""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import re
import sys
import threading
import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

# pandas, kaa.metrics and kaa.store (SQLAlchemy) are imported by the commands that use them, so that
# `python -m kaa import` starts reading its file before the store's libraries have loaded.
from kaa import config, fmt, schema

if TYPE_CHECKING:
    import pandas as pd

    from kaa import metrics

EXIT_USAGE = 2


class UsageError(Exception):
    """A mistake in how the command was called. The message is Swedish and one line."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse calls this with prefix="" to work out a subcommand's name; keep that as it is.
        super().add_usage(usage, actions, groups, prefix="Användning: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Swedish headings and one-line Swedish errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        self.add_argument("-h", "--help", action="help", help="visa den här hjälpen och avsluta")

    def error(self, message):
        translations = {
            "unrecognized arguments": "okända argument",
            "the following arguments are required": "följande argument saknas",
            "invalid choice": "ogiltigt val",
            "choose from": "välj bland",
            "expected one argument": "ett värde saknas",
            "argument": "argument",
        }
        for english, swedish in translations.items():
            message = message.replace(english, swedish)
        # "argument --limit: ska vara ..." (argparse's wording around our type= messages) -> "--limit: ska vara ..."
        message = re.sub(r"^argument (-[^:]+|[A-ZÅÄÖ]+): ", r"\1: ", message)
        raise UsageError(message)


# Argument types: argparse calls them on the text given; a wrong value is one Swedish line (see _Parser.error).

def _digits(text: str) -> int | None:
    """The number written with the digits 0-9 only (no sign, no other script's digits), or None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdecimal() else None


def _whole_number(minimum: int) -> Callable[[str], int]:
    words = "ett positivt heltal" if minimum == 1 else "ett heltal, 0 eller större"

    def parse(text: str) -> int:
        number = _digits(text)
        if number is None or number < minimum:
            raise argparse.ArgumentTypeError(f"ska vara {words}, inte ”{text}”.")
        return number
    return parse


def _year(text: str) -> int | str:
    """A year as a number; any other text is kept, and `_table_request` names it with the years there are."""
    number = _digits(text)
    return text if number is None else number


def _names(unknown_kind: str, known: Sequence[str], hint: str) -> Callable[[str], list[str]]:
    """A comma-separated list of names from `known`; `unknown_kind` says what a wrong one is (okänt mått)."""
    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [name for name in names if name not in known]
        if unknown:
            raise argparse.ArgumentTypeError(f"{unknown_kind}: {', '.join(unknown)}. {hint}")
        return names
    return parse


def _verksamhet(text: str) -> str:
    verksamhet = {v.lower(): v for v in schema.VERKSAMHET_VALUES}.get(text.strip().lower())
    if verksamhet is None:
        raise argparse.ArgumentTypeError(f"okänd verksamhet: {text}. Välj en av "
                                         + ", ".join(f"”{v}”" for v in schema.VERKSAMHET_VALUES) + ".")
    return verksamhet


def _encoding(text: str) -> str:
    folded = text.lower().replace("-", "")
    if folded not in ("cp1252", "utf8", "windows1252"):
        raise argparse.ArgumentTypeError(f"okänd kodning: {text}. Välj cp1252 eller utf-8.")
    return "utf-8" if folded == "utf8" else "cp1252"


DESCRIPTION = f"""\
KAA-statistik på kommandoraden: samma siffror som i instrumentpanelen.

Siffrorna kommer från Årsrapport 2020 (data/publicerat.csv) och från importerade
källor i katalogen som miljövariabeln KAA_DATA_DIR pekar på (standard: data/store/).

{schema.STATISTIKAR_TEXT}

Mått: {", ".join(schema.MEASURE_NAMES)}.
Se python -m kaa table --help för format, dimensioner och exempel.
"""

TABLE_EPILOG = f"""\
Mått (--measures):
  antal:   {", ".join(schema.COUNT_NAMES)}
  andelar: {", ".join(schema.SHARE_NAMES)}
  median:  {", ".join(schema.STATISTIC_NAMES)} (dagar)

Andelar räknas alltid ur sina antal (t.ex. andel_studier = avslut_studier / avslutade).
Där källan bara publicerar en andel (Aims avslut, andelen sysselsatta nådda) visas den
publicerade andelen.

Format:
  csv       en rubrikrad; grupperingskolumner först, sedan ett antal eller en andel per
            kolumn. Antal som heltal, andelar som decimalbråk med fyra decimaler (0.4391).
            En uppgift som inte finns är en tom cell, aldrig 0.
  json      en lista med en post per rad; saknade uppgifter är null.
  markdown  en läsbar tabell med svensk talformatering; saknade uppgifter visas som –,
            ungefärliga antal med sitt förbehåll (minst 6 800). Under tabellen står varför
            uppgifter saknas och vad tecknen för dolda tal betyder.

--yoy lägger till <kolumn>_forandring för varje mått: skillnaden mot samma grupp
föregående år som finns i data (antal i personer, andelar som decimalbråk, så -0.0426
betyder −4,26 procentenheter). Tom där föregående år saknar uppgiften.

--period manad|halvar|ar lägger till kolumnen period: månader (2021-03; statistikåret
börjar med december året före), Skolverkets halvår (2021-H1 = januari–juni, 2021-H2 =
juli–december, där december hör till nästa statistikår) eller året (standard, tabellen
som utan --period). Varje ungdom räknas en gång per period. Månader och halvår kräver ett
uttag med datumkolumner och redovisas för hela staden och hela KAA.

--hittills ÅÅÅÅ-MM-DD ger statistikåret från 1 december till slutet av den sista hela
månaden fram till datumet, bredvid samma period ett år tidigare.

Exempel:
  python -m kaa table --year 2020 --by jobbtorg --format csv
  python -m kaa table --period manad --year 2025 --measures nya_i_registret,nadda,avslutade
  python -m kaa table --hittills 2025-03-31 --measures registrerade,sokta,nadda,andel_nadda
  python -m kaa table --year 2019 --year 2020 --by kon --measures nadda,ej_nadda,andel_nadda --yoy
  python -m kaa table --verksamhet Aim --measures inskrivna,avslutade,andel_studier
"""


def _day(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"”{text}” är inget datum. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2025-03-31.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m kaa", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO",
                                     parser_class=_Parser)
    table = commands.add_parser("table", help="skriv ut en tabell med antal och andelar",
                                description="Skriv ut antal och andelar per år, jobbtorg och kön.",
                                epilog=TABLE_EPILOG)
    table.set_defaults(func=run_table)
    table.add_argument("--year", action="append", type=_year, metavar="ÅR",
                       help="statistikår; kan anges flera gånger (standard: alla år)")
    table.add_argument("--by", default=[schema.AR], metavar="DIMENSIONER",
                       type=_names("okänd dimension", schema.GROUPABLE, f"Välj bland: {', '.join(schema.GROUPABLE)}."),
                       help="kommaseparerade dimensioner bland ar, jobbtorg, kon (standard: ar). "
                            "Året ingår alltid; uppdelning på jobbtorg eller kön avslutas med en Totalt-rad.")
    table.add_argument("--verksamhet", default=schema.HELA_KAA, type=_verksamhet, metavar="VERKSAMHET",
                       help=f"”{schema.HELA_KAA}” (standard) eller en del av den: "
                            + ", ".join(f"”{v}”" for v in schema.VERKSAMHET_PARTS))
    table.add_argument("--measures", metavar="MÅTT", default=list(schema.MEASURE_NAMES),
                       type=_names("okänt mått", schema.MEASURE_NAMES, "Se python -m kaa table --help för alla mått."),
                       help="kommaseparerade mått (standard: alla)")
    table.add_argument("--yoy", action="store_true", help="lägg till förändring mot föregående år")
    when = table.add_mutually_exclusive_group()
    when.add_argument("--period", default=schema.PERIOD_KINDS[-1], choices=schema.PERIOD_KINDS, metavar="PERIOD",
                      help="manad, halvar eller ar (standard): lägger till kolumnen period, se nedan")
    when.add_argument("--hittills", type=_day, metavar="ÅÅÅÅ-MM-DD",
                      help="statistikåret hittills (1 december till datumets sista hela månad) mot samma "
                           "period året före")
    table.add_argument("--format", default="markdown", choices=("markdown", "csv", "json"), metavar="FORMAT",
                       help="markdown (standard), csv eller json")
    table.add_argument("--min-cell", type=_whole_number(0), metavar="N",
                       help=f"antal från 1 till N-1 visas som <N, och det som skulle avslöja dem döljs också "
                            f"(standard: {config.min_cell()}, från KAA_MIN_CELL; 0 visar allt)")
    validate = commands.add_parser(
        "validate", help="kontrollera ett registeruttag (CSV eller Excel .xlsx/.xlsm) utan att importera",
        description="Kontrollera ett registeruttag. Slutkod 0 om filen går att importera (varningar är "
                    "tillåtna), 1 om den har fel.")
    validate.set_defaults(func=run_validate)
    validate.add_argument("file", metavar="FIL", help="CSV- eller Excel-fil (.xlsx, .xlsm)")
    imp = commands.add_parser(
        "import", help="importera ett registeruttag (bara summerade antal sparas)",
        description="Kontrollera och importera ett registeruttag. Bara summerade antal sparas, aldrig rader "
                    "om enskilda ungdomar. Slutkod 0 när filen importerades eller redan fanns, 1 vid fel (då "
                    "sparas ingenting).")
    imp.set_defaults(func=run_import)
    imp.add_argument("file", metavar="FIL", help="CSV- eller Excel-fil (.xlsx, .xlsm)")
    imp.add_argument("--name", metavar="NAMN", help="källans namn (standard: filnamnet)")
    commands.add_parser("sources", help="lista importerade källor och vilka år de står för",
                        description="Lista importerade källor. För varje år och mått gäller den senast "
                                    "importerade aktiva källan som har det; årsrapporten gäller för resten."
                        ).set_defaults(func=run_sources)
    events = commands.add_parser(
        "logg", aliases=["events"],
        help="visa händelseloggen: vem som importerade, aktiverade, inaktiverade eller tog bort",
        description="Visa lagrets händelselogg, nyast först. Loggen kan bara fyllas på, aldrig ändras.")
    events.set_defaults(func=run_events)
    events.add_argument("--limit", type=_whole_number(1), metavar="N",
                        help="bara de N senaste händelserna (standard: alla)")
    events.add_argument("--format", default="markdown", choices=("markdown", "csv", "json"), metavar="FORMAT",
                        help="markdown (standard, för att läsa), csv eller json (för att bearbeta)")
    for command, text in (("remove", "ta bort en importerad källa för gott"),
                          ("deactivate", "sluta använda en källa utan att ta bort den"),
                          ("activate", "börja använda en inaktiverad källa igen")):
        sub = commands.add_parser(command, help=text, description=text[0].upper() + text[1:] + ".")
        sub.set_defaults(func=run_source_change)
        sub.add_argument("source", metavar="KÄLLA", help="källans id eller namn (se python -m kaa sources)")
    rapport = commands.add_parser(
        "rapport", help="skriv årsrapportens statistikdel för ett år som Word-dokument (eller PDF)",
        description="Skriv årsrapportens statistikdel för ett statistikår: tabeller, diagram och utkast till "
                    "text ur samma siffror som instrumentpanelen. Slutar filnamnet på .pdf görs dokumentet om "
                    "till PDF med LibreOffice.")
    rapport.set_defaults(func=run_rapport)
    rapport.add_argument("--year", required=True, type=_year, metavar="ÅR", help="statistikåret")
    rapport.add_argument("--out", metavar="FIL", help="filen som skrivs (standard: kaa-arsrapport-ÅR.docx)")
    rapport.add_argument("--no-charts", action="store_true",
                         help="beskriv diagrammen i ord i stället för att rita dem (snabbare, kräver ingen Chromium)")
    demo = commands.add_parser(
        "demo", help="skriv ett syntetiskt registeruttag för demonstrationer och tester",
        description="Skriv ett påhittat registeruttag (id:n som DEMO-0000001) vars proportioner liknar "
                    "Stockholms publicerade siffror för 2020. Standard är Windows-1252 med semikolon, "
                    "som svenska Excel sparar CSV.")
    demo.set_defaults(func=run_demo)
    demo.add_argument("--rows", required=True, type=_whole_number(1), metavar="N", help="antal rader")
    demo.add_argument("--years", default="2016-2025", metavar="ÅR", help="t.ex. 2016-2025 eller 2019,2020")
    demo.add_argument("--seed", default=0, type=_whole_number(0), metavar="S", help="slumpfrö (standard 0)")
    demo.add_argument("--encoding", default="cp1252", type=_encoding, metavar="KODNING",
                      help="cp1252 (standard) eller utf-8")
    demo.add_argument("--utan-datum", action="store_true",
                      help="utan de valfria datumkolumnerna (registrerad_datum … avslut_datum)")
    demo.add_argument("--out", required=True, metavar="FIL", help="filen som skrivs")
    return parser


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"filen {path} finns inte.") from None
    except IsADirectoryError:
        raise UsageError(f"{path} är en katalog, inte en fil.") from None
    except OSError as error:
        raise UsageError(f"filen {path} kan inte läsas: {error.strerror}.") from None


def _report(data: bytes, path: str):
    """Validate an extract's bytes and print its report; the read result."""
    from kaa.extract import read_extract, report_lines

    result = read_extract(data, Path(path).name)
    print("\n".join(report_lines(result)))
    return result


def run_validate(args) -> int:
    result = _report(_read_file(args.file), args.file)
    return 1 if result.has_errors else 0


def _in_background(function: Callable[[], object]) -> Callable[[], object]:
    """Start `function` in a thread; the returned function waits for it and gives its value (or raises its error).

    Reading a file spends most of its time in pyarrow and numpy, which release the GIL, so an import
    (mostly Python) or hashing (hashlib releases the GIL too) runs meanwhile on another core.
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="kaa background", daemon=True)
    thread.start()

    def value() -> object:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]
    return value


def _load_store():
    """kaa.store, and with it SQLAlchemy (about 0,15 s) and the database driver (psycopg: about 0,1 s):
    `run_import` loads them while the file is read (and a database server's first connection is opened
    meanwhile; nothing is read or written there until the file has been checked)."""
    store = importlib.import_module("kaa.store")
    store.load_driver()
    return store


def run_import(args) -> int:
    import hashlib

    # Reading releases the GIL: the file is read on another core while pyarrow and numpy are imported,
    # and hashed (hashlib releases it too) while it is parsed.
    contents = _in_background(lambda: _read_file(args.file))
    import kaa.extract  # noqa: F401 - pyarrow and numpy first, then the store's SQLAlchemy meanwhile

    store_module = _in_background(_load_store)
    data = contents()
    hashed = _in_background(lambda: hashlib.sha256(data).hexdigest())
    result = _report(data, args.file)
    store = store_module()
    if result.has_errors:
        print("Inget importerades. Rätta felen ovan och försök igen.")
        return 1
    # The same notices as on the page, before anything is stored (a StoreError reaches main(), which
    # prints it as one Swedish line with exit code 1). The store answers which years the report backs
    # today from the keys of its figures: nothing here builds a pandas frame (nor imports pandas).
    from kaa import notices

    digest = hashed()
    existing = store.source_for(data, digest)
    replaced = store.replaced_published_years(_fact_years(result)) if existing is None else []
    for notice in notices.import_notices(replaced, existing):
        print(notice)
    if existing is not None:
        return 0
    outcome = store.import_extract(result, data, Path(args.file).name, args.name, digest=digest)
    print(outcome.message)
    return 0


def _fact_years(result) -> list[int]:
    """The years an extract's facts have (as `kaa.panels` reads them off the frame)."""
    return sorted({int(y) for y in result.fact_columns()[schema.AR]})


def run_sources(args) -> int:
    from kaa import store

    current = store.sources()
    if not current:
        print("Inga importerade källor. Alla år kommer från årsrapporten.")
        return 0
    backs = store.backing()
    lines = ["| Id | Namn | Fil | Importerad | År | Rader | Status | Gäller för år |", "|---|---|---|---|---|---|---|---|"]
    for s in current:
        used = backs.get(s.id, [])
        lines.append(f"| {s.id} | {s.name} | {s.filnamn} | {s.importerad.replace('T', ' ')} | "
                     f"{', '.join(map(str, s.ar))} | {fmt.count(s.rader)} | {'aktiv' if s.aktiv else 'inaktiv'} | "
                     f"{fmt.years(used) if used else '–'} |")
    print("\n".join(lines))
    return 0


def run_events(args) -> int:
    from kaa import store

    from kaa import tables

    logged = store.events(args.limit)
    if args.format != "markdown":
        sys.stdout.write(render(tables.events_data(logged), args.format))
        return 0
    if not logged:
        print("Händelseloggen är tom: inget har importerats eller ändrats.")
        return 0
    shown = tables.events_table(logged, store.ACTION_LABELS).texts()
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "|".join("---" for _ in shown.columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in shown.itertuples(index=False)]
    print("\n".join(lines))
    return 0


def run_source_change(args) -> int:
    from kaa import store

    if args.command == "remove":
        if sys.stdin.isatty():
            answer = input(f"Ta bort källan ”{args.source}” för gott? Skriv ja för att bekräfta: ")
            if answer.strip().lower() not in ("ja", "j"):
                print("Inget togs bort.")
                return 1
        source = store.remove(args.source)
        print(f"Källan ”{source.name}” ({source.id}) är borttagen.")
    else:
        source = store.set_active(args.source, args.command == "activate")
        print(f"Källan ”{source.name}” är nu {'aktiv' if source.aktiv else 'inaktiv'}.")
    return 0


def run_demo(args) -> int:
    from kaa import demo

    try:
        years = demo.parse_years(args.years)
    except ValueError as error:
        raise UsageError(str(error)) from None
    table = demo.generate(args.rows, years, seed=args.seed, dates=not args.utan_datum)
    demo.write(table, args.out, encoding=args.encoding, delimiter=";")
    print(f"Skrev {fmt.count(table.num_rows)} syntetiska rader ({years[0]}–{years[-1]}, {args.encoding}, ;) till "
          f"{args.out}.")
    return 0


def _table_request(args, facts: pd.DataFrame) -> metrics.Selection:
    """The selection the table's flags ask for; a year the figures lack is a usage error that lists them."""
    from kaa import metrics, store

    known_years = store.available_years(facts)
    unknown = [year for year in args.year or [] if year not in known_years]
    if unknown:
        raise UsageError(f"okänt år: {unknown[0]}. Tillgängliga år: {', '.join(map(str, known_years))}.")
    min_cell = store.min_cell() if args.min_cell is None else args.min_cell
    return metrics.Selection(years=tuple(args.year or ()) or None, verksamhet=args.verksamhet, min_cell=min_cell)


def _typed(frame: pd.DataFrame, masked: pd.DataFrame, accuracy: pd.DataFrame, fmt_name: str) -> pd.DataFrame:
    """Counts as integers, shares as 4-decimal fractions, masked cells as `<N` or `..`, missing as empty.

    Markdown is for reading: Swedish formatting, and approximate published counts keep their
    qualifier (`minst 6 800`). csv and json carry the plain numbers.
    """
    import pandas as pd

    from kaa import metrics

    out = frame.copy()
    for column in out.columns:
        if column in schema.GROUPABLE or column == schema.PERIOD:
            continue
        base = column.removesuffix(metrics.CHANGE_SUFFIX)
        if fmt_name == "markdown" and column != base:
            out[column] = [fmt.change(base, v) for v in out[column]]
        elif fmt_name == "markdown":
            out[column] = [fmt.value(base, v, a) for v, a in zip(out[column], accuracy[column])]
        elif base in schema.COUNT_NAMES:
            out[column] = out[column].round().astype("Int64")
        elif base in schema.STATISTIC_NAMES and column == base and fmt_name == "csv":  # days: 26 or 26.5
            out[column] = [f"{v:g}" if pd.notna(v) else "" for v in out[column]]
        elif fmt_name == "csv":
            out[column] = [f"{v:.4f}" if pd.notna(v) else "" for v in out[column]]
        if column in masked and (masked[column] != "").any():
            labels = masked[column].to_numpy()
            out[column] = out[column].astype(object).where(labels == "", labels)
    return out


def render(frame: pd.DataFrame, fmt_name: str) -> str:
    """The table as csv, json or Swedish-formatted markdown (cells already typed by `_typed`)."""
    if fmt_name == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    if fmt_name == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False, double_precision=10))
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    header = [schema.DIMENSION_LABELS.get(c) or _column_label(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"


def _column_label(column: str) -> str:
    from kaa import metrics

    base = column.removesuffix(metrics.CHANGE_SUFFIX)
    label = schema.MEASURES[base].label
    return f"{label}, förändring" if base != column else label


def run_table(args) -> int:
    from kaa import metrics, periods, store

    facts = store.load_facts()
    sel = _table_request(args, facts)
    by, measures = args.by or [schema.AR], args.measures or list(schema.MEASURE_NAMES)
    if args.period != periods.AR or args.hittills is not None:
        if by != [schema.AR] or args.yoy:
            raise UsageError("--period manad/halvar och --hittills går inte att kombinera med --by eller --yoy: "
                             "siffror per månad och halvår finns bara för hela staden.")
        frame, masked, accuracy, missing = periods.table_parts(store.protect(facts, sel.min_cell), args.period, sel,
                                                               measures, day=args.hittills)
    else:
        frame, masked, accuracy, missing = metrics.table_parts(store.protect(facts, sel.min_cell), by, sel,
                                                               measures, yoy=args.yoy)
    frame = frame.drop(columns="jamfort_med_ar", errors="ignore")
    sys.stdout.write(render(_typed(frame, masked, accuracy, args.format), args.format))
    if args.format == "markdown":  # what – and the symbols mean, under the table (csv and json are data only)
        from kaa import masking

        notes = (["Saknas (–): " + " ".join(missing)] if missing else []) + masking.legend(
            masked.to_numpy().ravel(), sel.min_cell)
        if notes:
            sys.stdout.write("\n" + "\n".join(notes) + "\n")
    return 0


def run_rapport(args) -> int:
    from kaa import report, store

    facts = store.load_facts()
    years = sorted(int(y) for y in facts[schema.AR].unique())
    if not isinstance(args.year, int) or args.year not in years:
        raise UsageError(f"året {args.year} finns inte i statistiken. Välj bland: {', '.join(map(str, years))}.")
    out = Path(args.out or f"kaa-arsrapport-{args.year}.docx")
    if out.suffix.lower() not in (".docx", ".pdf"):
        raise UsageError(f"filen {out.name} ska sluta på .docx (Word) eller .pdf.")
    # A report is for spreading: small counts are always hidden, with the threshold the pages use.
    data = report.make(store.protect(facts, config.min_cell()), args.year, config.min_cell(), protected=True,
                       charts=not args.no_charts)
    if out.suffix.lower() == ".pdf":
        try:
            data = report.pdf(data)
        except report.RenderError as error:
            kept = out.with_suffix(".docx")
            written = _write(kept, data)
            print(f"fel: {error}" + (f" Word-filen finns i {kept}." if written else ""), file=sys.stderr)
            return 1
    if not _write(out, data):
        return 1
    print(f"Skrev {out} (årsrapport {args.year}).")
    return 0


def _write(path: Path, data: bytes) -> bool:
    try:
        path.write_bytes(data)
        return True
    except OSError as error:
        print(f"fel: kunde inte skriva {path} ({error.strerror or type(error).__name__}).", file=sys.stderr)
        return False


def _is_store_error(error: Exception) -> bool:
    """A StoreError (only a loaded store raises one: the store is not imported to find out)."""
    store = sys.modules.get("kaa.store")
    return store is not None and isinstance(error, getattr(store, "StoreError", ()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        return args.func(args)
    except UsageError as error:
        print(f"fel: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader (e.g. `| head`) has had enough: stop quietly, as Unix tools do
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the interpreter's final flush cannot fail
        return 0
    except Exception as error:  # noqa: BLE001 - one Swedish line, never a traceback
        if _is_store_error(error):
            print(f"fel: {error}", file=sys.stderr)
            return 1
        print(f"fel: oväntat fel ({type(error).__name__}). Kontakta förvaltningens statistiker.", file=sys.stderr)
        return 1
