"""What an analyst must know before confirming an import, the same on the page and the command line.

No pandas here: `python -m kaa import` prints these from the store's narrow answer
(`kaa.store.replaced_published_years`); the page asks `kaa.panels` with today's facts frame.
"""

from __future__ import annotations

from typing import Sequence

from kaa import fmt, schema

#: The headline figures the import preview shows (and whose sources the notices look at).
IMPORT_PREVIEW_MEASURES = ("registrerade", "sokta", "nadda", "inskrivna", "avslutade", "andel_studier")


def basis(measure: str) -> str:
    """The measure whose source a figure has: a share's denominator, else the measure itself."""
    return schema.MEASURES[measure].denominator if measure in schema.SHARE_NAMES else measure


def import_notices(replaced: Sequence[int], existing=None) -> list[str]:
    """The notices: the file is stored already (`existing`, the source with the same SHA-256), or the
    import replaces the published report's figures for the years `replaced`, or nothing."""
    if existing is not None:
        state = "aktiv" if existing.aktiv else "inaktiv"
        return [f"Filen finns redan som ”{existing.name}” ({state}, importerad {existing.importerad[:10]}). En ny "
                "import ändrar ingenting" + ("." if existing.aktiv else "; aktivera källan för att använda den.")]
    if replaced:
        return [f"Importen ersätter årsrapportens siffror för {fmt.years(list(replaced))} på alla sidor. Det går "
                "att ångra: inaktivera eller ta bort källan."]
    return []
