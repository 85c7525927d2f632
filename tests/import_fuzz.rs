//! Random corruption of conversation files (byte flips, cuts, inserted garbage) in every
//! layout: every record the damage left intact is imported, every other record is imported or
//! rejected with its position, and the counts add up. Nothing is ever silently absent.

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::json;

const N: usize = 60;

fn record(i: usize) -> serde_json::Value {
    json!({
        "id": format!("rec{i:03}"),
        "model": "gpt-4",
        "created": "2023-05-01T10:00:00Z",
        "messages": [
            {"role": "user", "content": format!("question number {i}, with \"quotes\" and {{braces}}")},
            {"role": "assistant", "content": format!("answer {i}: [brackets], commas, \\ backslash")}
        ]
    })
}

/// The file in one layout, and each record's byte range in it.
fn layout(kind: u8) -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    if kind != 0 {
        out.extend_from_slice(if kind == 1 { b"[" } else { b"[\n  " });
    }
    for i in 0..N {
        let v = record(i);
        let s = if kind == 2 {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            v.to_string()
        };
        let start = out.len();
        out.extend_from_slice(s.as_bytes());
        ranges.push((start, out.len()));
        match kind {
            0 => out.push(b'\n'),
            1 if i + 1 < N => out.push(b','),
            2 if i + 1 < N => out.extend_from_slice(b",\n  "),
            _ => {}
        }
    }
    if kind != 0 {
        out.extend_from_slice(b"]\n");
    }
    (out, ranges)
}

#[derive(Debug, Clone)]
enum Damage {
    Flip(usize, u8),
    Cut(usize),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, x)| Damage::Flip(at, x)),
        any::<usize>().prop_map(Damage::Cut),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b'"'),
                    Just(b'{'),
                    Just(b'}'),
                    Just(b'['),
                    Just(b']'),
                    Just(b','),
                    Just(b'\\'),
                    Just(b'\n'),
                    any::<u8>()
                ],
                1..12
            )
        )
            .prop_map(|(at, g)| Damage::Insert(at, g)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Damage::Delete(at, n)),
    ]
}

/// Applies the damage; returns the new bytes and, per original record, whether its bytes
/// survived untouched (and where they now are).
fn apply(bytes: &[u8], ranges: &[(usize, usize)], ds: &[Damage]) -> (Vec<u8>, Vec<bool>) {
    let mut b = bytes.to_vec();
    // Track each record's range through the edits; `None` once touched.
    let mut live: Vec<Option<(usize, usize)>> = ranges.iter().map(|r| Some(*r)).collect();
    for d in ds {
        let len = b.len().max(1);
        let (lo, hi, delta): (usize, usize, isize) = match d {
            Damage::Flip(at, x) => {
                let at = at % len;
                if at < b.len() {
                    b[at] ^= x;
                }
                (at, at + 1, 0)
            }
            Damage::Cut(at) => {
                let at = at % len;
                b.truncate(at);
                (at, usize::MAX, 0)
            }
            Damage::Insert(at, g) => {
                let at = at % (b.len() + 1);
                b.splice(at..at, g.iter().copied());
                (at, at, g.len() as isize)
            }
            Damage::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(b.len());
                b.drain(at..end);
                (at, end, -((end - at) as isize))
            }
        };
        for r in live.iter_mut() {
            if let Some((s, e)) = *r {
                // An insertion exactly at a boundary leaves the record itself intact.
                let touched = if lo == hi {
                    lo > s && lo < e
                } else {
                    lo < e && hi > s
                };
                if touched {
                    *r = None;
                } else if s >= hi.min(usize::MAX - 1) && hi != usize::MAX {
                    *r = Some(((s as isize + delta) as usize, (e as isize + delta) as usize));
                }
            }
        }
    }
    (b, live.iter().map(Option::is_some).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn corrupted_files_lose_nothing_silently(
        kind in 0u8..3,
        ds in prop::collection::vec(damage(), 1..4),
    ) {
        let (bytes, ranges) = layout(kind);
        let (bad, intact) = apply(&bytes, &ranges, &ds);
        let tmp = tempfile::tempdir().unwrap();
        let f = write(tmp.path(), "conv.json", &bad);
        let m = tmp.path().join("m");
        let s = try_import(&m, &[f]).unwrap();
        let file = &s.files[0];
        if file.error.is_some() {
            // Not JSON at all any more (the first byte was hit): said, and nothing imported.
            prop_assert_eq!(file.counts.imported, 0);
            return Ok(());
        }
        let c = file.counts;
        prop_assert_eq!(c.records, c.imported + c.duplicates + c.rejected, "counts add up: {:?}", file);
        let idx = verbatim::index::ConvIndex::open(&m.join("index")).unwrap();
        for (i, ok) in intact.iter().enumerate() {
            if *ok {
                let id = format!("rec{i:03}");
                prop_assert!(
                    verbatim::search::get(&idx, &id).unwrap().is_some(),
                    "intact record {} missing after {:?} (layout {}): {:?}", id, ds, kind, file
                );
            }
        }
        // Every reject says where it was.
        let rejects = std::fs::read_to_string(m.join("rejects.jsonl")).unwrap_or_default();
        for line in rejects.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            prop_assert!(v.get("offset").is_some() && v.get("line").is_some(), "{}", line);
        }
    }
}
