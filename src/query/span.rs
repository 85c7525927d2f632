//! The position matcher: decides phrases and proximity over word positions, and says which
//! positions make each match. The index (postings) and the highlighter (a tokenised
//! transcript) feed it the same way, so a hit is marked exactly when it counts.

use super::ast::{NearKind, Node, Pattern, Reach, Scope};
use super::budget::{Exceeded, Meter};
use crate::index::analyzer::{FIRST_MARK, PARAGRAPH_MARK, SENTENCE_MARK};

/// A phrase item that any word satisfies (a noise word of a Relativity-compatible matter).
pub const ANY_WORD: usize = usize::MAX;

/// How far apart the two sides of a `Near` may be: words, or one unit (sentence, paragraph,
/// message) whose starts are the positions of a mark leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanReach {
    Words(u32),
    /// The leaf whose positions start each unit.
    Unit(usize),
}

/// A positional expression with its word patterns numbered as leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanExpr {
    /// Consecutive leaves (one leaf: a word).
    Phrase(Vec<usize>),
    Or(Vec<SpanExpr>),
    /// Every member must occur; the occurrences of all members count.
    And(Vec<SpanExpr>),
    Near {
        left: Box<SpanExpr>,
        right: Box<SpanExpr>,
        reach: SpanReach,
        kind: NearKind,
    },
}

impl SpanExpr {
    /// Whether the expression can match when only the leaves for which `possible` holds can
    /// occur: a quick test before positions are gathered.
    pub fn may_match(&self, possible: &dyn Fn(usize) -> bool) -> bool {
        match self {
            SpanExpr::Phrase(ids) => ids.iter().all(|&i| i == ANY_WORD || possible(i)),
            SpanExpr::Or(xs) => xs.iter().any(|x| x.may_match(possible)),
            SpanExpr::And(xs) => xs.iter().all(|x| x.may_match(possible)),
            SpanExpr::Near {
                left, right, kind, ..
            } => {
                // A unit reach's mark leaf occurs wherever text does: only the sides count.
                left.may_match(possible)
                    && (*kind == NearKind::NotWithin || right.may_match(possible))
            }
        }
    }
}

/// A leaf: one word pattern and where it may occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub scope: Scope,
    pub pattern: Pattern,
}

/// Builds the positional expression of `node` (a phrase or proximity node, or a group of
/// them), collecting its leaves. `None` for nodes without positions.
pub fn build(node: &Node, leaves: &mut Vec<Leaf>) -> Option<SpanExpr> {
    match node {
        Node::Phrase { scope, items } if !items.is_empty() => {
            let ids = items
                .iter()
                .map(|p| {
                    if matches!(p, Pattern::AnyWord(_)) {
                        return ANY_WORD;
                    }
                    leaves.push(Leaf {
                        scope: *scope,
                        pattern: p.clone(),
                    });
                    leaves.len() - 1
                })
                .collect();
            Some(SpanExpr::Phrase(ids))
        }
        Node::Or(xs) => Some(SpanExpr::Or(
            xs.iter().map(|x| build(x, leaves)).collect::<Option<_>>()?,
        )),
        Node::And(xs) => Some(SpanExpr::And(
            xs.iter().map(|x| build(x, leaves)).collect::<Option<_>>()?,
        )),
        Node::Near {
            left,
            right,
            reach,
            kind,
        } => {
            let left = Box::new(build(left, leaves)?);
            let right = Box::new(build(right, leaves)?);
            let reach = match reach {
                Reach::Words(n) => SpanReach::Words(*n),
                unit => {
                    let mark = match unit {
                        Reach::Sentence => SENTENCE_MARK,
                        Reach::Paragraph => PARAGRAPH_MARK,
                        _ => FIRST_MARK,
                    };
                    leaves.push(Leaf {
                        scope: Scope::Any,
                        pattern: Pattern::Exact(mark.to_string()),
                    });
                    SpanReach::Unit(leaves.len() - 1)
                }
            };
            Some(SpanExpr::Near {
                left,
                right,
                reach,
                kind: *kind,
            })
        }
        Node::Weight { node, .. } => build(node, leaves),
        _ => None,
    }
}

/// A matched stretch of positions, with the positions that make it (for highlighting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    /// Inclusive position ranges of the words that satisfy the match.
    pub marks: Vec<(u32, u32)>,
}

/// Spans beyond this per expression and field are not collected (the match is decided long
/// before; only highlighting of pathological documents is cut short).
const MAX_SPANS: usize = 20_000;

/// Evaluates `expr` where `positions[leaf]` lists the sorted positions of each leaf's words.
pub fn eval(
    expr: &SpanExpr,
    positions: &[Vec<u32>],
    meter: &mut Meter,
) -> Result<Vec<Span>, Exceeded> {
    Ok(match expr {
        SpanExpr::Phrase(ids) => phrase(ids, positions, meter)?,
        SpanExpr::Or(xs) => {
            let mut all = Vec::new();
            for x in xs {
                all.extend(eval(x, positions, meter)?);
            }
            meter.tick(all.len() as u64)?;
            all.sort_by_key(|s| (s.start, s.end));
            all.dedup_by(|a, b| a.start == b.start && a.end == b.end);
            all.truncate(MAX_SPANS);
            all
        }
        SpanExpr::And(xs) => {
            let mut parts = Vec::with_capacity(xs.len());
            for x in xs {
                let p = eval(x, positions, meter)?;
                if p.is_empty() {
                    return Ok(Vec::new());
                }
                parts.push(p);
            }
            let mut all: Vec<Span> = parts.into_iter().flatten().collect();
            meter.tick(all.len() as u64)?;
            all.sort_by_key(|s| (s.start, s.end));
            all.truncate(MAX_SPANS);
            all
        }
        SpanExpr::Near {
            left,
            right,
            reach,
            kind,
        } => {
            let a = eval(left, positions, meter)?;
            if a.is_empty() {
                return Ok(a);
            }
            let b = eval(right, positions, meter)?;
            match reach {
                SpanReach::Words(n) => near(&a, &b, *n, *kind, meter)?,
                SpanReach::Unit(leaf) => same_unit(&a, &b, &positions[*leaf], *kind, meter)?,
            }
        }
    })
}

fn phrase(ids: &[usize], positions: &[Vec<u32>], meter: &mut Meter) -> Result<Vec<Span>, Exceeded> {
    let Some(first) = ids.first().and_then(|i| positions.get(*i)) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    'starts: for &p in first {
        meter.tick(ids.len() as u64)?;
        for (k, id) in ids.iter().enumerate().skip(1) {
            if *id == ANY_WORD {
                continue;
            }
            let want = p + k as u32;
            if positions[*id].binary_search(&want).is_err() {
                continue 'starts;
            }
        }
        let end = p + ids.len() as u32 - 1;
        out.push(Span {
            start: p,
            end,
            marks: vec![(p, end)],
        });
        if out.len() >= MAX_SPANS {
            break;
        }
    }
    Ok(out)
}

/// Words between two spans: 1 when adjacent. Overlapping spans have no distance.
fn gap(a: &Span, b: &Span) -> Option<u32> {
    if a.end < b.start {
        Some(b.start - a.end)
    } else if b.end < a.start {
        Some(a.start - b.end)
    } else {
        None
    }
}

fn near(
    a: &[Span],
    b: &[Span],
    n: u32,
    kind: NearKind,
    meter: &mut Meter,
) -> Result<Vec<Span>, Exceeded> {
    // b is sorted by start; the spans near x start no earlier than this.
    let longest = b.iter().map(|s| s.end - s.start).max().unwrap_or(0);
    pair_up(
        a,
        b,
        kind,
        meter,
        |x| {
            let lo = x.start.saturating_sub(n + longest);
            Some((b.partition_point(|s| s.start < lo), x.end + n))
        },
        |x, y| match kind {
            NearKind::Within | NearKind::NotWithin => gap(x, y).is_some_and(|g| g <= n),
            NearKind::Pre => x.end < y.start && y.start - x.end <= n,
        },
    )
}

/// Spans of `a` and `b` in one unit: no unit start (a position in `starts`) lies after the
/// first word of the pair and at or before its last (a start shares its first word's
/// position). `Pre`: the `a` span ends before the `b` span starts. `NotWithin`: the spans of
/// `a` with no `b` in their unit.
fn same_unit(
    a: &[Span],
    b: &[Span],
    starts: &[u32],
    kind: NearKind,
    meter: &mut Meter,
) -> Result<Vec<Span>, Exceeded> {
    // The unit of a position: how many starts are at or before it.
    let unit = |p: u32| starts.partition_point(|s| *s <= p);
    pair_up(
        a,
        b,
        kind,
        meter,
        |x| {
            let ux = unit(x.start);
            // A span that itself crosses a unit boundary is in no one unit.
            if unit(x.end) != ux {
                return None;
            }
            // b spans of the same unit: from the unit's start to before the next start.
            let lo = if ux == 0 { 0 } else { starts[ux - 1] };
            let last = starts.get(ux).map_or(u32::MAX, |h| h - 1);
            Some((b.partition_point(|s| s.start < lo), last))
        },
        // Two occurrences in the unit, not one word paired with itself (as `w/N` counts).
        |x, y| {
            unit(y.end) == unit(x.start)
                && (x.end < y.start || y.end < x.start)
                && (kind != NearKind::Pre || x.end < y.start)
        },
    )
}

/// The pairing both connectors share: for each span of `a`, the spans of `b` from the start
/// `window` gives up to those starting after its limit, paired where `ok` says; `NotWithin`
/// keeps the spans of `a` that pair with none. A span `window` refuses is left out.
fn pair_up(
    a: &[Span],
    b: &[Span],
    kind: NearKind,
    meter: &mut Meter,
    window: impl Fn(&Span) -> Option<(usize, u32)>,
    ok: impl Fn(&Span, &Span) -> bool,
) -> Result<Vec<Span>, Exceeded> {
    let mut out = Vec::new();
    for x in a {
        let Some((from, last_start)) = window(x) else {
            continue;
        };
        let mut found = false;
        for y in &b[from..] {
            meter.tick(1 + x.marks.len() as u64)?;
            if y.start > last_start {
                break;
            }
            if !ok(x, y) {
                continue;
            }
            found = true;
            if kind == NearKind::NotWithin {
                break;
            }
            let mut marks = x.marks.clone();
            marks.extend_from_slice(&y.marks);
            out.push(Span {
                start: x.start.min(y.start),
                end: x.end.max(y.end),
                marks,
            });
            if out.len() >= MAX_SPANS {
                return Ok(out);
            }
        }
        if kind == NearKind::NotWithin && !found {
            out.push(x.clone());
        }
    }
    out.sort_by_key(|s| (s.start, s.end));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(e: &SpanExpr, p: &[Vec<u32>]) -> Vec<Span> {
        eval(e, p, &mut Meter::unlimited()).unwrap()
    }

    fn positions_of(text: &str, words: &[&str]) -> Vec<Vec<u32>> {
        let toks: Vec<&str> = text.split(' ').collect();
        words
            .iter()
            .map(|w| {
                toks.iter()
                    .enumerate()
                    .filter(|(_, t)| t == &w)
                    .map(|(i, _)| i as u32)
                    .collect()
            })
            .collect()
    }

    fn within(n: u32, kind: NearKind) -> SpanExpr {
        SpanExpr::Near {
            left: Box::new(SpanExpr::Phrase(vec![0])),
            right: Box::new(SpanExpr::Phrase(vec![1])),
            reach: SpanReach::Words(n),
            kind,
        }
    }

    #[test]
    fn same_unit_boundaries() {
        // Units start at 0, 4 and 8: "a x x b | b x a x | x x x x".
        let mut pos = positions_of("a x x b b x a x x x x x", &["a", "b"]);
        pos.push(vec![0, 4, 8]);
        let e = |kind| SpanExpr::Near {
            left: Box::new(SpanExpr::Phrase(vec![0])),
            right: Box::new(SpanExpr::Phrase(vec![1])),
            reach: SpanReach::Unit(2),
            kind,
        };
        let s = ev(&e(NearKind::Within), &pos);
        assert_eq!(s.len(), 2, "{s:?}");
        let s = ev(&e(NearKind::Pre), &pos);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].start, 0);
        let mut pos = positions_of("a x x x b x a", &["a", "b"]);
        pos.push(vec![0, 4]);
        let s = ev(&e(NearKind::NotWithin), &pos);
        assert_eq!(s.len(), 1, "the a of the first unit has no b there");
        assert_eq!(s[0].start, 0);
        // A word does not pair with itself: one "a" in a unit is not "a w/s a".
        let mut pos = positions_of("a x x x a x a", &["a", "a"]);
        pos.push(vec![0, 4]);
        assert_eq!(
            ev(&e(NearKind::Within), &pos).len(),
            2,
            "only the second unit's pair"
        );
        assert_eq!(ev(&e(NearKind::NotWithin), &pos).len(), 1);
    }

    #[test]
    fn distance_boundaries() {
        let pos = positions_of("a x x x b", &["a", "b"]);
        assert!(!ev(&within(4, NearKind::Within), &pos).is_empty());
        assert!(ev(&within(3, NearKind::Within), &pos).is_empty());
        let pos = positions_of("b x a", &["a", "b"]);
        assert!(!ev(&within(2, NearKind::Within), &pos).is_empty());
        assert!(ev(&within(2, NearKind::Pre), &pos).is_empty());
        let pos = positions_of("a b", &["a", "b"]);
        assert!(!ev(&within(1, NearKind::Pre), &pos).is_empty());
    }

    #[test]
    fn not_within_is_asymmetric() {
        let pos = positions_of("a b x x x x x a", &["a", "b"]);
        let s = ev(&within(2, NearKind::NotWithin), &pos);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].start, 7);
        let pos = positions_of("a b", &["a", "b"]);
        assert!(ev(&within(2, NearKind::NotWithin), &pos).is_empty());
        let pos = positions_of("a", &["a", "b"]);
        assert_eq!(ev(&within(2, NearKind::NotWithin), &pos).len(), 1);
    }

    #[test]
    fn marks_only_the_words_that_satisfy() {
        // "apple pie" w/2 cake: the stray "apple" is not marked.
        let pos = positions_of("apple x apple pie x cake", &["apple", "pie", "cake"]);
        let e = SpanExpr::Near {
            left: Box::new(SpanExpr::Phrase(vec![0, 1])),
            right: Box::new(SpanExpr::Phrase(vec![2])),
            reach: SpanReach::Words(2),
            kind: NearKind::Within,
        };
        let s = ev(&e, &pos);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].marks, vec![(2, 3), (5, 5)]);
    }
}
