"""Values that only look right: full-width and invisible characters read with a warning, look-alike
letters refused with the character named.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from kaa import characters
from kaa.extract.codes import _FOLD
from kaa.extract.columns import _Coded
from kaa.extract.problems import VARNING, _mask, _Problems, _where
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it

#: Problems about one value that may only look valid: their messages name look-alike characters.
_VALUE_TYPES = ("okänd kod", "ogiltigt år", "ogiltig ålder", "år utanför intervallet")
VARIANT_TYP = "ovanliga tecken"
_FOLDED_SILENTLY = "".join(map(chr, _FOLD))  # dashes and spaces: always read as plain ones, no warning


def _variant_message(label: str) -> Callable[[int, str], str]:
    def message(rad: int, value: str) -> str:
        return (f"{_where(rad, label)}: ”{value}” har "
                f"{characters.described(characters.variants(value, _FOLDED_SILENTLY))} och lästes som "
                f"”{_mask(characters.normalized(value).strip())}”. Kontrollera att det stämmer, och skriv gärna "
                "om värdet med vanliga tecken där uttaget görs.")
    return message


def _report_variants(coded: dict[str, _Coded], labels: dict[str, str], rownums: np.ndarray,
                     problems: _Problems) -> None:
    """A warning on each row whose valid value was read only after normalising its characters (`_fold`)."""
    for name, column in coded.items():
        found = [i for i, (value, code) in enumerate(zip(column.distinct, column.table))
                 if code >= 0 and characters.variants(value, _FOLDED_SILENTLY)]
        if found:
            positions = np.flatnonzero(np.isin(column.indices, found))
            problems.add_rows(VARNING, VARIANT_TYP, labels[name], positions, rownums, column.raw,
                              "vanliga tecken", _variant_message(labels[name]))


def _report_tidy_variants(values: pd.Series, codes: pd.Series, label: str, rownums: np.ndarray,
                          problems: _Problems) -> None:
    """`_report_variants` for one column of a tidy file."""
    distinct = {v: bool(characters.variants(v, _FOLDED_SILENTLY)) for v in pd.unique(values)}
    positions = np.flatnonzero((values.map(distinct) & (codes >= 0)).to_numpy(dtype=bool))
    problems.add_rows(VARNING, VARIANT_TYP, label, positions, rownums, lambda p: values.iat[p],
                      "vanliga tecken", _variant_message(label))
