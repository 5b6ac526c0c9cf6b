"""The check in words: the Swedish report lines, the problem table's headings, the format table for
the page and the README, and the template to download.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import Sequence

from kaa import fmt
from kaa.extract.codes import _DELIMITER_NAMES, _ENCODING_NAMES, EXTRACT_COLUMNS, REGISTER_NAMES, TIDY
from kaa.extract.problems import _TYP_LABELS, FEL, PNR_TYP, VARNING
from kaa.extract.result import ExtractResult
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it


def _heading(typ: str) -> str:
    return _TYP_LABELS.get(typ, typ[:1].upper() + typ[1:])


def report_lines(result: ExtractResult) -> list[str]:
    """The check as Swedish lines: what was read, each problem grouped by kind (capped), the verdict."""
    lines = []
    described = [x for x in (
        "räknade uppgifter" if result.kind == TIDY else "registeruttag",
        _ENCODING_NAMES.get(result.encoding, result.encoding),
        _DELIMITER_NAMES.get(result.delimiter or "", ""),
    ) if x]
    years = ""
    if result.years:
        first, last = result.years[0], result.years[-1]
        years = f", år {first}" if first == last else f", år {first}–{last}"
    name = result.filename or "Filen"
    if not result.encoding:  # not read as a table at all
        lines.append(f"{name}: inga rader kunde läsas.")
    else:
        lines.append(f"{name} ({', '.join(described)}): {fmt.count(result.rows_read)} "
                     f"{'datarad' if result.rows_read == 1 else 'datarader'}{years}.")
    problems = result.problem_rows()
    counts = result.problem_counts
    for allvarlighet, title in ((FEL, "Fel som stoppar importen"), (VARNING, "Varningar")):
        keys = list(dict.fromkeys((p["allvarlighet"], p["typ"]) for p in problems if p["allvarlighet"] == allvarlighet))
        pnr = [k for k in keys if k[1] == PNR_TYP]
        for key in pnr:  # prominently, before everything else, in the problems' order
            texts = [p["meddelande"] for p in problems if (p["allvarlighet"], p["typ"]) == key]
            lines[1:1] = [f"VARNING – {text}" for text in texts]
        keys = [k for k in keys if k[1] != PNR_TYP]
        if not keys:
            continue
        total = sum(counts.get(k, 0) for k in keys)
        lines.append(f"{title} ({fmt.count(total)}):")
        for key in keys:
            shown = [p for p in problems if (p["allvarlighet"], p["typ"]) == key]
            lines.append(f"  {_heading(key[1])} ({fmt.count(counts.get(key, len(shown)))}):")
            lines.extend(f"    {p['meddelande']}" for p in shown)
            rest = counts.get(key, len(shown)) - len(shown)
            if rest > 0:
                unit = (" rad" if rest == 1 else " rader") if any(p["rad"] is not None for p in shown) else ""
                lines.append(f"    … och {fmt.count(rest)}{unit} till")
    if result.dropped_columns:
        lines.append("Kolumner som inte används: " + ", ".join(result.dropped_columns) + ".")
    if result.has_errors:
        lines.append("Filen kan inte importeras: rätta felen ovan och försök igen.")
    else:
        lines.append("Filen kan importeras" + (" (varningarna stoppar inte importen)." if len(problems) else "."))
    return lines


def report_markdown(lines: Sequence[str]) -> str:
    """`report_lines` as a nested Markdown list: each two spaces of indent is one level deeper."""
    return "\n".join("  " * ((len(line) - len(line.lstrip(" "))) // 2) + "- " + fmt.plain(line.strip())
                      for line in lines)


def problems_for_display(problems: pd.DataFrame) -> pd.DataFrame:
    """The problem table with Swedish headings; a problem with the whole file has no row number (empty)."""
    return problems.rename(columns=PROBLEM_LABELS)


#: Swedish headings for the problems frame, for tables on the page.
PROBLEM_LABELS = {
    "allvarlighet": "Allvarlighet", "typ": "Typ", "rad": "Rad", "kolumn": "Kolumn", "varde": "Värde",
    "forvantat": "Förväntat", "meddelande": "Meddelande",
}


def columns_table() -> pd.DataFrame:
    """EXTRACT_COLUMNS as a Swedish documentation table (the upload page and the README)."""
    return pd.DataFrame({
        "Kolumn": [c.name for c in EXTRACT_COLUMNS],
        "Krävs": ["ja" if c.required else "nej" for c in EXTRACT_COLUMNS],
        "Betydelse": [c.meaning for c in EXTRACT_COLUMNS],
        "Värden": [c.allowed for c in EXTRACT_COLUMNS],
        "Andra rubriker som godtas": [", ".join(c.aliases) for c in EXTRACT_COLUMNS],
    })


def summary(result: ExtractResult) -> str:
    """One line on what was read: file, kind, encoding, delimiter, rows and years."""
    return report_lines(result)[0]


TEMPLATE_ROWS = (  # the dates: registrerad, avregistrerad, uppsök, nådd, inskriven, avslut (empty: before the year)
    ("2020", "DEMO-0001", "Kvinna", "17", "Rinkeby-Kista", "Jobbtorg Kista", "ja", "studier", "ja", "ja",
     "Jobbtorg", "ja", "studier", "2019-12-09", "", "2020-01-07", "2020-02-03", "2020-02-17", "2020-09-28"),
    ("2020", "DEMO-0002", "Man", "18", "Skärholmen", "", "nej", "", "ja", "nej", "Aim", "nej", "",
     "", "", "2020-03-02", "", "2020-04-14", ""),
    ("2020", "DEMO-0003", "Kvinna", "16", "Södermalm", "", "", "", "nej", "nej", "", "nej", "",
     "2020-08-24", "2020-10-30", "", "", "", ""),
)


def template_csv() -> bytes:
    """A template to fill in: the header and three synthetic rows; UTF-8 with BOM and `;`, as Swedish Excel wants."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTER_NAMES)
    writer.writerows(TEMPLATE_ROWS)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
