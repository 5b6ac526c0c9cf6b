"""Columnar coding: a text column factorised to its distinct values, each distinct value coded once,
blank rows found, and the preview (without person_id).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaa.arrow import from_numpy, to_numpy
from kaa.extract.problems import _mask
from kaa.extract.result import _Pending
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it

PREVIEW_ROWS = 20




def _factorize(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Per-row index into the column's distinct values (as small an integer type as fits), and those values."""
    if len(column) == 0:
        return np.zeros(0, dtype=np.int16), pa.array([], pa.string())
    encoded = column.dictionary_encode()
    dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
    if all(chunk.dictionary.equals(dictionary) for chunk in encoded.chunks):
        index_type = np.int16 if len(dictionary) < 2 ** 15 else np.int32
        indices = np.empty(len(column), dtype=index_type)
        offset = 0
        for chunk in encoded.chunks:
            indices[offset:offset + len(chunk)] = to_numpy(chunk.indices)
            offset += len(chunk)
        return indices, dictionary
    distinct = pc.unique(column)  # pragma: no cover - pyarrow shares one dictionary across chunks
    return to_numpy(pc.index_in(column, value_set=distinct)), distinct


def _small_indices(indices: np.ndarray, distinct: int) -> np.ndarray:
    return indices.astype(np.int16 if distinct < 2 ** 15 else np.int32, copy=False)


# ASCII bytes that pyarrow's utf8_trim_whitespace removes at either end of a value.
_TRIMMED_BYTES = np.zeros(256, dtype=bool)
_TRIMMED_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_TRIMMED_BYTES[0x80:] = True  # the start or end of a non-ASCII character, maybe a Unicode space


def _factorize_fixed_width(values: pa.Array, *, untrimmed: bool) -> tuple[np.ndarray, pa.Array] | None:
    """The grouping `_factorize` gives, for values that all have the same length in bytes, else None.

    The bytes that vary between rows are read as integers, eight and then four bytes at a time, and
    numbered by sorting (each step keys the previous step's number with the next four bytes; ids such
    as DEMO-0018837 take one step): several times faster than hashing strings. Equal values get equal
    indices, as from `_factorize`, but numbered in the order of their bytes, not of first appearance
    (the callers compare indices only). With `untrimmed`, None also when a value might start or end
    with whitespace (the caller trims and tries again).
    """
    n = len(values)
    if n == 0 or values.null_count or values.type != pa.string():
        return None
    lengths = pc.min_max(pc.binary_length(values)).as_py()
    width = lengths["min"]
    if width != lengths["max"] or not 0 < width <= 64:
        return None
    start = int(np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset])
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[start:start + n * width].reshape(n, width)
    if untrimmed and (_TRIMMED_BYTES[data[:, 0]].any() or _TRIMMED_BYTES[data[:, -1]].any()):
        return None

    whole = data
    # Bytes that are the same in every row (a common prefix such as DEMO-0) say nothing: leave them out.
    # (Each byte position as one contiguous row: reducing along the rows of `data` is several times slower.)
    positions = np.ascontiguousarray(data.T)
    varying = np.flatnonzero(positions.min(axis=1) != positions.max(axis=1))
    varying = varying if len(varying) else np.zeros(1, dtype=np.intp)
    dense = _factorize_dense_digits(positions[varying])
    del positions
    if dense is not None:
        indices, rows = dense
        return _small_indices(indices, len(rows)), _fixed_width_strings(whole, rows)
    if len(varying) < width:
        data, width = data[:, varying], len(varying)

    def word(begin: int, size: int) -> np.ndarray:
        part = np.zeros((n, size), dtype=np.uint8)
        part[:, :min(size, width - begin)] = data[:, begin:begin + size]
        return part.view(np.uint64 if size == 8 else np.uint32).ravel()

    def number(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row the rank of its key among the distinct keys, and one row of each distinct key."""
        order = np.argsort(keys)
        ordered = keys[order]
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
        ranks = np.empty(n, dtype=np.int32)
        ranks[order] = np.cumsum(starts, dtype=np.int32) - 1
        return ranks, order[starts]

    indices, rows = number(word(0, 8))
    for begin in range(8, width, 4):
        indices, rows = number((indices.astype(np.uint64) << np.uint64(32)) | word(begin, 4))
    return _small_indices(indices, len(rows)), _fixed_width_strings(whole, rows)


def _fixed_width_strings(data: np.ndarray, rows: np.ndarray) -> pa.Array:
    """The given rows of a fixed-width byte matrix (whole UTF-8 values) as a string array: the rows
    gathered as single items (a `take` of the strings, or of the matrix's rows, is several times slower)."""
    width = data.shape[1]  # at least 1 (`_factorize_fixed_width`)
    chosen = np.take(data.view(np.dtype((np.void, width))).ravel(), rows).view(np.uint8)
    offsets = np.arange(0, (len(rows) + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(rows), [None, pa.py_buffer(offsets), pa.py_buffer(chosen)])


def _factorize_dense_digits(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """`_factorize_fixed_width`'s numbering by counting instead of sorting, when the varying bytes
    (`positions`: one row per byte position, one column per value) are ASCII digits spelling numbers
    below four times the number of values (ids such as DEMO-0018837 numbered from 1): the same grouping,
    numbered in the numbers' order, and one row of each; else None."""
    width, n = positions.shape
    if width > 9:
        return None
    digits = positions - np.uint8(48)
    if (digits > 9).any():
        return None
    keys = np.zeros(n, dtype=np.int32)
    for row in digits:
        keys *= 10
        keys += row
    size = int(keys.max()) + 1
    if size > max(4 * n, 1024):
        return None
    present = np.zeros(size, dtype=bool)
    present[keys] = True
    ranks = np.cumsum(present, dtype=np.int32) - 1
    holder = np.empty(size, dtype=np.int64)
    holder[keys] = np.arange(n, dtype=np.int64)  # one row of each distinct number, any will do
    return ranks[keys], holder[present]


def _factorize_ids(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """person_id factorized, ignoring surrounding spaces (`_factorize` of the trimmed ids).

    Pseudonymous ids usually all have the same length and no spaces around them: then their bytes
    are factorized directly (`_factorize_fixed_width`), without trimming or hashing strings.
    """
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    found = _factorize_fixed_width(array, untrimmed=True)
    if found is not None:
        return found
    trimmed = pc.utf8_trim_whitespace(array)
    found = _factorize_fixed_width(trimmed, untrimmed=False)
    return found if found is not None else _factorize(pa.chunked_array([trimmed], pa.string()))


@dataclass
class _Coded:
    """A coded column: per row an index into its distinct values, per distinct value a code.

    A code is >= 0 for a valid value, else EMPTY, BAD or OUT_OF_RANGE.
    """

    indices: np.ndarray
    table: np.ndarray
    distinct: list[str]

    @property
    def codes(self) -> np.ndarray:
        return self.table[self.indices]

    def codes_at(self, positions: np.ndarray) -> np.ndarray:
        return self.table[self.indices[positions]]

    def content_at(self, positions: np.ndarray) -> np.ndarray:
        """Equal for equal meanings; an invalid value only equals itself."""
        codes = self.codes_at(positions).astype(np.int64)
        return np.where(codes >= 0, codes, -10 - self.indices[positions].astype(np.int64))

    def raw(self, position: int) -> str:
        return self.distinct[self.indices[position]]

    def rows_with(self, code: int) -> np.ndarray:
        """The rows (ascending) whose code is `code`, found through the distinct values: usually none."""
        hits = np.flatnonzero(self.table == code)
        if len(hits) == 0:
            return np.zeros(0, dtype=np.int64)
        if len(hits) == 1:
            return np.flatnonzero(self.indices == hits[0])
        return np.flatnonzero(np.isin(self.indices, hits))

    def mask(self, accept: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Per row: does `accept` hold for its code (decided once per distinct value)."""
        return accept(self.table)[self.indices]


def _code(column: pa.ChunkedArray, lookup: Callable[[str], int],
          factorized: tuple[np.ndarray, pa.Array] | None = None) -> _Coded:
    indices, dictionary = factorized if factorized is not None else _factorize(column)
    distinct = dictionary.to_pylist()
    table = np.array([lookup(v) for v in distinct], dtype=np.int32)
    if len(table) and table.min() >= -(2 ** 15) and table.max() < 2 ** 15:
        table = table.astype(np.int16)
    return _Coded(indices=indices, table=table, distinct=distinct)


_BLANK = r'^[\s"\x{A0}]*$'


def _blank_rows(columns: list[pa.ChunkedArray],
                factorized: dict[int, tuple[np.ndarray, pa.Array]] | None = None) -> np.ndarray:
    """Rows with nothing in any column (Excel writes `;;;;` for an empty row).

    `factorized`: columns by position as `_factorize` gives them (indices into the exact distinct values);
    the first of them is looked at on its distinct values only, the rest of the columns on what is left.
    """
    n = len(columns[0]) if columns else 0
    candidates = np.arange(n, dtype=np.int64)
    first = next(iter(factorized or {}), None)
    if first is not None and n:
        indices, distinct = factorized[first]
        candidates = np.flatnonzero(to_numpy(pc.match_substring_regex(distinct, _BLANK))[indices])
    for i, column in enumerate(columns):
        if len(candidates) == 0:
            break
        if i == first:
            continue
        part = column if len(candidates) == n else column.take(from_numpy(candidates))
        empty = to_numpy(pc.match_substring_regex(part, _BLANK))
        candidates = candidates[empty]
    mask = np.zeros(n, dtype=bool)
    mask[candidates] = True
    return mask


def _preview(names: list[str], columns: list[pa.ChunkedArray], hidden: set[int]) -> _Pending:
    """The first rows of the used columns, masked; the frame is built when it is shown."""
    seen: Counter = Counter()
    data = {}
    for i, (name, column) in enumerate(zip(names, columns)):
        if i in hidden:
            continue
        label = name or f"kolumn {i + 1}"
        seen[label] += 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        values = column.slice(0, PREVIEW_ROWS).to_pylist()
        data[label] = [_mask(v.strip()) for v in values]
    return _Pending(_preview_frame, data)


def _preview_frame(data: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame({label: pd.Series(values, dtype="str") for label, values in data.items()})
