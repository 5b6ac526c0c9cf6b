"""Between pyarrow and numpy without pyarrow's pandas bridge.

pyarrow's own conversions (`Array.to_numpy`, `pa.array(...)`) go through its pandas shim, which imports
pandas (about 0,2 s) the first time, even for integers and booleans. Reading a register CSV needs
only these two kinds, so they are moved here over the arrays' buffers; pandas is then loaded only by
what builds frames.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_NUMPY_TYPES = {pa.int8(): np.int8, pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64,
                pa.uint8(): np.uint8, pa.uint16(): np.uint16, pa.uint32(): np.uint32, pa.uint64(): np.uint64,
                pa.float32(): np.float32, pa.float64(): np.float64}


def to_numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """`values.to_numpy(zero_copy_only=False)` for booleans and numbers without nulls.

    Numbers are read-only views of the buffer (as pyarrow gives them); booleans are unpacked into a
    new array. Anything else (nulls, other types) goes through pyarrow's own conversion.
    """
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return to_numpy(values.chunk(0))
        if values.num_chunks == 0 and (values.type == pa.bool_() or values.type in _NUMPY_TYPES):
            return np.zeros(0, dtype=bool if values.type == pa.bool_() else _NUMPY_TYPES[values.type])
        return np.concatenate([to_numpy(chunk) for chunk in values.chunks])
    n, offset = len(values), values.offset
    if values.null_count:
        return values.to_numpy(zero_copy_only=False)
    if values.type == pa.bool_():
        bits = np.frombuffer(values.buffers()[1], dtype=np.uint8) if n else np.zeros(0, dtype=np.uint8)
        return np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(bool)
    dtype = _NUMPY_TYPES.get(values.type)
    if dtype is None:
        return values.to_numpy(zero_copy_only=False)
    return np.frombuffer(values.buffers()[1], dtype=dtype)[offset:offset + n] if n else np.zeros(0, dtype=dtype)


def from_numpy(values: np.ndarray) -> pa.Array:
    """`pa.array(values)` for a one-dimensional numpy array of booleans or numbers (no nulls)."""
    values = np.ascontiguousarray(values)
    if values.dtype == bool:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    types = {np.dtype(v): k for k, v in _NUMPY_TYPES.items()}
    return pa.Array.from_buffers(types[values.dtype], len(values), [None, pa.py_buffer(values)])
