"""Reads a Parquet file with pyarrow (the conformance suite's second reference reader, for files
DuckDB cannot read) and prints its rows as tagged JSON values, exact (no float or int64 rounding):

    {"i": "123"} integer · {"f": "0.1"} float (repr) · {"b": "hex"} bytes · {"d": "unscaled", "s": scale}
    {"days": n} date · {"us": n} timestamp (floor of finer units) · {"struct": {...}} · {"map": [[k, v], ...]}
    strings, booleans and null as themselves; lists as arrays.

    python read_pyarrow.py FILE
Prints {"rows": [[...], ...]} or {"error": "..."}.
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def tagged(array):
    t = array.type
    if pa.types.is_dictionary(t):
        return tagged(array.dictionary_decode())
    if pa.types.is_struct(t):
        fields = [(t.field(i).name, tagged(array.field(i))) for i in range(t.num_fields)]
        valid = array.is_valid().to_pylist()
        return [{"struct": {n: vals[r] for n, vals in fields}} if valid[r] else None for r in range(len(array))]
    if pa.types.is_map(t):
        keys, items = tagged(array.keys), tagged(array.items)
        offsets = array.offsets.to_pylist()
        valid = array.is_valid().to_pylist()
        return [{"map": [[keys[j], items[j]] for j in range(offsets[r], offsets[r + 1])]} if valid[r] else None for r in range(len(array))]
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        flat = tagged(array.values)
        out = []
        for r in range(len(array)):
            if not array[r].is_valid:
                out.append(None)
                continue
            if pa.types.is_fixed_size_list(t):
                start, end = (r + array.offset) * t.list_size, (r + array.offset + 1) * t.list_size
            else:
                start, end = array.offsets[r].as_py(), array.offsets[r + 1].as_py()
            out.append(flat[start:end])
        return out
    if pa.types.is_timestamp(t):
        per_us = {"s": None, "ms": None, "us": 1, "ns": 1000}[t.unit]
        ints = array.cast(pa.int64()).to_pylist()
        factor = {"s": 1_000_000, "ms": 1000}.get(t.unit)
        return [None if v is None else {"us": str(v * factor if factor else v // per_us)} for v in ints]
    if pa.types.is_date32(t) or pa.types.is_date64(t):
        ints = array.cast(pa.int32() if pa.types.is_date32(t) else pa.int64()).to_pylist()
        return [None if v is None else {"days": v if pa.types.is_date32(t) else v // 86_400_000} for v in ints]
    if pa.types.is_decimal(t):
        return [None if v is None else {"d": str(int(v.scaleb(t.scale))), "s": t.scale} for v in array.to_pylist()]
    if pa.types.is_integer(t):
        return [None if v is None else {"i": str(v)} for v in array.to_pylist()]
    if pa.types.is_floating(t):
        return [None if v is None else {"f": repr(float(v))} for v in array.to_pylist()]
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return [None if v is None else {"b": v.hex()} for v in array.to_pylist()]
    if pa.types.is_null(t):
        return [None] * len(array)
    return array.to_pylist()


def main():
    try:
        table = pq.read_table(sys.argv[1], coerce_int96_timestamp_unit="us")
        columns = [tagged(c.combine_chunks()) for c in table.columns]
        rows = [[c[r] for c in columns] for r in range(table.num_rows)]
        print(json.dumps({"names": table.column_names, "rows": rows}))
    except Exception as e:  # the reference cannot read it: reported, and the suite expects a refusal
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")}))


main()
