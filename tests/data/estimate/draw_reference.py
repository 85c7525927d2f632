#!/usr/bin/env python3
# Independent implementation of the "sha256-bottom-k v1" draw (src/draw.rs),
# used to pin the algorithm down byte for byte.
#
# Regenerate (from the crate root; plain Python 3, standard library only):
#   python3 tests/data/estimate/draw_reference.py > tests/data/estimate/draw_reference.txt
#
# key(id) = SHA-256(decimal seed in ASCII || 0x00 || id in UTF-8), compared as a
# big-endian 256-bit number; the sample is the k ids with the smallest keys,
# in ascending key order. population_hash = SHA-256 of the ids sorted bytewise
# (UTF-8), each followed by "\n".
import hashlib

POPULATION = [f"conv-{i:04d}" for i in range(1, 51)] + ["é-accent", "日本語", "with space"]
CASES = [(42, 10), (0, 5), (18446744073709551615, 60)]


def key(seed: int, ident: str) -> bytes:
    return hashlib.sha256(str(seed).encode("ascii") + b"\x00" + ident.encode("utf-8")).digest()


def main():
    ids = sorted(POPULATION, key=lambda s: s.encode("utf-8"))
    h = hashlib.sha256(b"".join(i.encode("utf-8") + b"\n" for i in ids)).hexdigest()
    print("# regenerate: python3 tests/data/estimate/draw_reference.py > tests/data/estimate/draw_reference.txt")
    print(f"population_hash {h}")
    for seed, k in CASES:
        print(f"seed {seed} k {k}")
        for ident in sorted(POPULATION, key=lambda i: key(seed, i))[:k]:
            print(f"{key(seed, ident).hex()} {ident}")


if __name__ == "__main__":
    main()
