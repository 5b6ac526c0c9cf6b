"""A module imported when it is first used, so that commands that never need it do not wait for it.

`python -m kaa import` reads, checks, sums and stores a register extract with pyarrow, numpy and
SQLAlchemy alone; pandas (about 0,2 s to import) is loaded only by the code paths that build frames
(the dashboard's pages, `table`, tidy files, reports with problems).
"""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands in for a module: the first attribute asked for imports it (then the attributes are cached)."""

    def __init__(self, name: str) -> None:
        self.__dict__["_name"] = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self.__dict__["_name"])

    def __getattr__(self, attribute: str):
        value = getattr(self._module(), attribute)
        self.__dict__[attribute] = value
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_name']}>"


#: pandas, imported at its first use.
pandas = LazyModule("pandas")
