#!/usr/bin/env python3
"""Parquet files for the tests of verbatim's Parquet reader, written and read by pyarrow.

    python3 scripts/parquet_fixture.py write --layout lmsys|wildchat|mapped IN.jsonl OUT.parquet
        [--row-group-size N] [--compression snappy|zstd|gzip|lz4|brotli|none]
        [--timestamp-unit us|ns] [--timestamp-columns NAME,...] [--no-dictionary]
    python3 scripts/parquet_fixture.py read FILE [--column NAME]... [--metadata-only]
    python3 scripts/parquet_fixture.py corrupt IN OUT --row-group G [--column NAME]
        [--mode header|body]

`write` reads JSON Lines records shaped like the public datasets and writes them with the
datasets' own column types: LMSYS-Chat-1M (`conversation_id, model, conversation:
list<struct<content, role>>, turn, language, openai_moderation, redacted`) or WildChat
(`conversation_hash, model, timestamp: timestamp[us, tz=UTC]` (`--timestamp-unit ns`: the older
`timestamp[ns]`), `conversation: list<struct<content, country, hashed_ip, header, language,
redacted, role, state, timestamp, toxic, turn_identifier>>, turn, language, openai_moderation,
detoxify_moderation, toxic, redacted, state, country, hashed_ip, header`). Fields missing from a
record are written as nulls; timestamps are given as ISO 8601 strings. `mapped` lets pyarrow
infer the types of any other layout (`--timestamp-columns` turns ISO strings into
timestamp[us, tz=UTC]).

`read` prints, as one JSON object, what pyarrow itself reads: the number of rows (decoded, unless
`--metadata-only`), the row groups and their rows, the codec, and the values of each `--column`
(timestamps as epoch seconds).

`corrupt` copies a file and damages the data pages of one row group, at offsets taken from
pyarrow's metadata (`row_group(G).column(j).data_page_offset`): `header` overwrites the first
data page header of each chosen column chunk, `body` flips bytes in the middle of the chunk. It
prints the row group, its rows and the offsets damaged.
"""
import argparse
import json
import shutil
import sys
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CATEGORIES = [
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
]
MODERATION = pa.list_(
    pa.struct(
        [
            ("categories", pa.struct([(c, pa.bool_()) for c in CATEGORIES])),
            ("category_scores", pa.struct([(c, pa.float64()) for c in CATEGORIES])),
            ("flagged", pa.bool_()),
        ]
    )
)
DETOXIFY = pa.list_(
    pa.struct(
        [
            (k, pa.float64())
            for k in [
                "identity_attack",
                "insult",
                "obscene",
                "severe_toxicity",
                "sexual_explicit",
                "threat",
                "toxicity",
            ]
        ]
    )
)
HEADER = pa.struct([("accept-language", pa.string()), ("user-agent", pa.string())])

LMSYS = pa.schema(
    [
        ("conversation_id", pa.string()),
        ("model", pa.string()),
        ("conversation", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
        ("turn", pa.int64()),
        ("language", pa.string()),
        ("openai_moderation", MODERATION),
        ("redacted", pa.bool_()),
    ]
)


def wildchat_schema(ts):
    turn = pa.struct(
        [
            ("content", pa.string()),
            ("country", pa.string()),
            ("hashed_ip", pa.string()),
            ("header", HEADER),
            ("language", pa.string()),
            ("redacted", pa.bool_()),
            ("role", pa.string()),
            ("state", pa.string()),
            ("timestamp", ts),
            ("toxic", pa.bool_()),
            ("turn_identifier", pa.int64()),
        ]
    )
    return pa.schema(
        [
            ("conversation_hash", pa.string()),
            ("model", pa.string()),
            ("timestamp", ts),
            ("conversation", pa.list_(turn)),
            ("turn", pa.int64()),
            ("language", pa.string()),
            ("openai_moderation", MODERATION),
            ("detoxify_moderation", DETOXIFY),
            ("toxic", pa.bool_()),
            ("redacted", pa.bool_()),
            ("state", pa.string()),
            ("country", pa.string()),
            ("hashed_ip", pa.string()),
            ("header", HEADER),
        ]
    )


def parse_time(v, naive):
    if not isinstance(v, str):
        return v
    t = datetime.fromisoformat(v.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    t = t.astimezone(timezone.utc)
    return t.replace(tzinfo=None) if naive else t


def write(args):
    with open(args.input, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    naive = args.timestamp_unit == "ns"
    if args.layout == "lmsys":
        schema = LMSYS
    elif args.layout == "wildchat":
        ts = pa.timestamp("ns") if naive else pa.timestamp("us", tz="UTC")
        schema = wildchat_schema(ts)
        for r in rows:
            r["timestamp"] = parse_time(r.get("timestamp"), naive)
            for m in r.get("conversation") or []:
                if isinstance(m, dict):
                    m["timestamp"] = parse_time(m.get("timestamp"), naive)
    else:
        schema = None
        for name in filter(None, (args.timestamp_columns or "").split(",")):
            for r in rows:
                r[name] = parse_time(r.get(name), False)
    if schema is not None:
        table = pa.Table.from_pylist(rows, schema=schema)
    else:
        table = pa.Table.from_pylist(rows)
        for name in filter(None, (args.timestamp_columns or "").split(",")):
            i = table.schema.get_field_index(name)
            table = table.set_column(
                i, name, pc.cast(table.column(name), pa.timestamp("us", tz="UTC"))
            )
    compression = "NONE" if args.compression == "none" else args.compression
    pq.write_table(
        table,
        args.output,
        row_group_size=args.row_group_size,
        compression=compression,
        use_dictionary=not args.no_dictionary,
    )
    meta = pq.ParquetFile(args.output).metadata
    json.dump({"rows": meta.num_rows, "row_groups": meta.num_row_groups}, sys.stdout)
    print()


def column_values(table, name):
    col = table.column(name)
    if pa.types.is_timestamp(col.type):
        per_second = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}[col.type.unit]
        ints = pc.cast(col, pa.int64()).to_pylist()
        return [None if v is None else v // per_second for v in ints]
    return col.to_pylist()


def read(args):
    pf = pq.ParquetFile(args.file)
    meta = pf.metadata
    out = {
        "rows": meta.num_rows,
        "row_groups": meta.num_row_groups,
        "group_rows": [meta.row_group(i).num_rows for i in range(meta.num_row_groups)],
        "compression": meta.row_group(0).column(0).compression if meta.num_row_groups else None,
        "columns_found": pf.schema_arrow.names,
    }
    if not args.metadata_only:
        table = pf.read()
        out["rows"] = table.num_rows
        out["columns"] = {name: column_values(table, name) for name in args.column or []}
    json.dump(out, sys.stdout, default=str, ensure_ascii=False)
    print()


def corrupt(args):
    shutil.copyfile(args.input, args.output)
    meta = pq.ParquetFile(args.input).metadata
    group = meta.row_group(args.row_group)
    damaged = []
    with open(args.output, "r+b") as f:
        for j in range(group.num_columns):
            col = group.column(j)
            if args.column and not col.path_in_schema.split(".")[0] == args.column:
                continue
            start = col.data_page_offset
            if col.has_dictionary_page and col.dictionary_page_offset is not None:
                start = min(start, col.dictionary_page_offset)
            end = start + col.total_compressed_size
            if args.mode == "header":
                at = col.data_page_offset
                f.seek(at)
                f.write(b"\xff" * min(8, end - at))
            else:
                at = col.data_page_offset + (end - col.data_page_offset) // 2
                n = min(16, end - at)
                f.seek(at)
                data = f.read(n)
                f.seek(at)
                f.write(bytes(b ^ 0xFF for b in data))
            damaged.append({"column": col.path_in_schema, "offset": at})
    if not damaged:
        sys.exit(f"no column chunk named {args.column!r} in row group {args.row_group}")
    json.dump(
        {"row_group": args.row_group, "rows": group.num_rows, "damaged": damaged}, sys.stdout
    )
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("--layout", choices=["lmsys", "wildchat", "mapped"], required=True)
    w.add_argument("input")
    w.add_argument("output")
    w.add_argument("--row-group-size", type=int, default=None)
    w.add_argument(
        "--compression",
        choices=["snappy", "zstd", "gzip", "lz4", "brotli", "none"],
        default="snappy",
    )
    w.add_argument("--timestamp-unit", choices=["us", "ns"], default="us")
    w.add_argument("--timestamp-columns")
    w.add_argument("--no-dictionary", action="store_true")
    r = sub.add_parser("read")
    r.add_argument("file")
    r.add_argument("--column", action="append")
    r.add_argument("--metadata-only", action="store_true")
    c = sub.add_parser("corrupt")
    c.add_argument("input")
    c.add_argument("output")
    c.add_argument("--row-group", type=int, required=True)
    c.add_argument("--column")
    c.add_argument("--mode", choices=["header", "body"], default="header")
    args = p.parse_args()
    {"write": write, "read": read, "corrupt": corrupt}[args.command](args)


if __name__ == "__main__":
    main()
