"""A snapshot document packed for the dashboard page: the same document, quick to load.

Most of a document is its count tables (at scale 150 the participants table alone is 1,800 cells
of 132 counters), and loading it as JSON means PostgreSQL writing about 300,000 numbers out of
jsonb and Python parsing them back: about 80 ms of a first render. Packed, each count table keeps
its key columns as JSON (one list per column) and the integer counters after them as one array
of the smallest integer type that holds them; everything else stays JSON; the whole is
zlib-compressed. Unpacked, it equals the document (every value of the same type) except that a
count table's rows are tuples: a snapshot never changes, and the garbage collector stops tracking
a tuple of plain values, so the 5,000 rows of a first render no longer bring on full collections
(each about 65 ms in a gunicorn worker) every few renders. The build stores both the JSON
document (`MetricSnapshot.data`: the API, the admin) and this packing (`MetricSnapshot.document`:
the page).
"""

import json
import struct
import sys
import zlib
from array import array
from itertools import repeat

# The packing's format, ahead of the compressed part: a packing of another format is not read.
FORMAT = b"QPD2"
# The array types a table's counters may take, smallest first, and the bound of their values.
TYPECODES = tuple((code, 2 ** (8 * array(code).itemsize - 1)) for code in "bhiq")
LITTLE = sys.byteorder == "little"


def pack_document(doc: dict) -> bytes:
    """The document packed: its count tables' counters as integer arrays, the rest as JSON."""
    header: dict = {"plain": {}, "tables": {}}
    blobs = []
    for name, value in doc.items():
        packed = _pack_table(value)
        if packed is None:
            header["plain"][name] = value
        else:
            header["tables"][name], blob = packed
            blobs.append(blob)
    head = json.dumps(header, separators=(",", ":")).encode()
    return FORMAT + zlib.compress(struct.pack("<I", len(head)) + head + b"".join(blobs), 1)


def can_unpack(packed: bytes) -> bool:
    """Whether this is a packing unpack_document() reads (not empty, not of another format)."""
    return bytes(packed[: len(FORMAT)]) == FORMAT


def unpack_document(packed: bytes) -> dict:
    """The document that pack_document() packed."""
    if not can_unpack(packed):
        raise ValueError("Not a packed snapshot document of this format.")
    raw = memoryview(zlib.decompress(packed[len(FORMAT) :]))
    (size,) = struct.unpack_from("<I", raw)
    header = json.loads(bytes(raw[4 : 4 + size]))
    doc, position = header["plain"], 4 + size
    for name, table in header["tables"].items():
        end = position + table["bytes"]
        doc[name] = _unpack_table(table, raw[position:end])
        position = end
    return doc


def _pack_table(value) -> tuple[dict, bytes] | None:
    """A count table's header entry and counters, or None for anything else (kept as JSON)."""
    if not (isinstance(value, dict) and set(value) == {"columns", "rows"} and value["rows"]):
        return None
    rows = value["rows"]
    width = len(value["columns"])
    if not all(isinstance(row, list) and len(row) == width for row in rows):
        return None
    keys = _key_count(rows, width)
    if keys == width:
        return None
    counters = [v for row in rows for v in row[keys:]]
    code = _typecode(counters)
    if code is None:
        return None
    values = array(code, counters)
    if not LITTLE:
        values.byteswap()
    blob = values.tobytes()
    # Key columns column by column: a list per row would be one more object per row to collect.
    key_columns = [[row[i] for row in rows] for i in range(keys)]
    entry = {"columns": value["columns"], "rows": len(rows), "keys": key_columns, "type": code}
    return {**entry, "bytes": len(blob)}, blob


def _key_count(rows: list[list], width: int) -> int:
    """How many leading columns stay JSON: all before the trailing run of integer columns."""
    keys = width
    while keys and all(type(row[keys - 1]) is int for row in rows):
        keys -= 1
    return keys


def _typecode(values: list[int]) -> str | None:
    """The smallest array type holding every value (None when none does)."""
    low, high = min(values), max(values)
    return next((code for code, bound in TYPECODES if -bound <= low and high < bound), None)


def _unpack_table(table: dict, blob: memoryview) -> dict:
    values = array(table["type"])
    values.frombytes(blob)
    if not LITTLE:
        values.byteswap()
    flat = values.tolist()
    width = len(table["columns"]) - len(table["keys"])
    keys = zip(*table["keys"], strict=True) if table["keys"] else repeat((), table["rows"])
    rows = [(*key, *flat[i * width : (i + 1) * width]) for i, key in enumerate(keys)]
    return {"columns": table["columns"], "rows": rows}
