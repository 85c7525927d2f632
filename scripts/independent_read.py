#!/usr/bin/env python3
"""An independent reading of a conversation file, to check verbatim's import and search.

Reads a JSON array (possibly cut off mid-record) element by element with Python's own JSON
decoder, or JSON Lines, and prints one JSON object: the number of complete records, how many of
them have at least one non-empty message, the byte offset where a cut-off record starts, and for
each word given, the number of conversations whose message text contains it as a whole word
(case-insensitive; words are runs of letters and digits).

    python3 scripts/independent_read.py FILE [WORD...]
"""
import json
import re
import sys

WORD = re.compile(r"[^\W_]+", re.UNICODE)


def messages(rec):
    for key, text_key in (("conversations", "value"), ("messages", "content"), ("conversation", "content")):
        if isinstance(rec.get(key), list):
            for m in rec[key]:
                t = m.get(text_key) if isinstance(m, dict) else None
                if isinstance(t, list):
                    t = "\n".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in t)
                if isinstance(t, str) and t.strip():
                    yield t
            return


def records(data):
    dec = json.JSONDecoder()
    i = 0
    n = len(data)
    while i < n and data[i].isspace():
        i += 1
    if i < n and data[i] == "[":
        i += 1
        while True:
            while i < n and (data[i].isspace() or data[i] == ","):
                i += 1
            if i >= n:
                return None, i  # cut off before the array closed
            if data[i] == "]":
                return None, None
            start = i
            try:
                rec, i = dec.raw_decode(data, i)
            except json.JSONDecodeError:
                return None, start
            yield rec
    else:
        for line in data[i:].splitlines():
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    pass


def main():
    path, words = sys.argv[1], [w.lower() for w in sys.argv[2:]]
    with open(path, encoding="utf-8", errors="strict") as f:
        data = f.read()
    complete = 0
    with_messages = 0
    counts = {w: 0 for w in words}
    gen = records(data)
    cut_at = None
    while True:
        try:
            rec = next(gen)
        except StopIteration as stop:
            if stop.value is not None:
                _, cut_at = stop.value
            break
        complete += 1
        texts = list(messages(rec))
        if texts:
            with_messages += 1
        bag = set(w.lower() for t in texts for w in WORD.findall(t))
        for w in words:
            if w in bag:
                counts[w] += 1
    cut_byte = len(data[:cut_at].encode("utf-8")) if cut_at is not None else None
    print(json.dumps({"records": complete, "with_messages": with_messages,
                      "truncated_at": cut_byte, "words": counts}))


if __name__ == "__main__":
    main()
