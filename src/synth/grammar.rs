//! A small template grammar: named rules, each a list of alternatives separated by `|`.
//!
//! Inside an alternative:
//! - `{rule}` expands another rule, `{rule?}` does so half of the time;
//! - `{S.rule}` expands the rule of the current domain (`politics.rule`, `cooking.rule`, ...),
//!   falling back to the plain `rule` when the domain has none;
//! - `{$var}` inserts a context variable (the article's people, the conversation's dish...);
//! - `{#kind:args}` inserts a random number in a news-like spelling;
//! - `{an}` becomes "a" or "an" to agree with the next word.
//!
//! Templates are parsed once; rendering is a walk over pre-parsed pieces, which keeps a million
//! conversations within a few minutes.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result, bail};

use super::rng::Rng;

const AN_MARK: char = '\u{1}';
/// A domain reference with no rule in that domain.
const MISSING: u32 = u32::MAX;
const CAP_MARK: char = '\u{2}';

#[derive(Debug, Clone)]
enum Num {
    /// Digits in `lo..=hi`.
    Int(u64, u64),
    /// A count in news style: spelled out below ten, digits (with separators) above.
    Count(u64, u64),
    /// A count with thousands separators, for large numbers.
    Big(u64, u64),
    /// A decimal with one digit.
    Dec(u64, u64),
    Pct,
    Money,
    Ord(u64, u64),
    Time,
}

#[derive(Debug, Clone)]
enum Piece {
    Lit(Box<str>),
    Rule(u32),
    MaybeRule(u32),
    Domain(u32),
    MaybeDomain(u32),
    Var(u16),
    Num(Num),
    An,
    Cap,
}

type Alt = Vec<Piece>;

pub struct Grammar {
    rules: Vec<Vec<Alt>>,
    /// Rules whose alternatives may each be used once per context when avoiding repeats.
    strict: Vec<bool>,
    names: HashMap<String, u32>,
    /// For each `S.rule` reference: the rule id to use in each domain.
    domain_refs: Vec<Vec<u32>>,
    vars: Vec<&'static str>,
}

/// Per-render state: the domain (section or topic), the values of the variables and, when
/// `avoid_repeats` is on, the alternatives already used (one article or conversation should
/// not say the same thing twice in the same words).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub domain: usize,
    pub vars: Vec<String>,
    pub avoid_repeats: bool,
    used: RefCell<HashSet<u64>>,
    /// Set when a strict rule had no unused alternative left: the render is incomplete.
    exhausted: Cell<bool>,
}

impl Ctx {
    pub fn new(g: &Grammar) -> Ctx {
        Ctx {
            domain: 0,
            vars: vec![String::new(); g.vars.len()],
            avoid_repeats: false,
            used: RefCell::new(HashSet::new()),
            exhausted: Cell::new(false),
        }
    }

    /// Clears the exhausted flag before a render.
    pub fn clear_exhausted(&self) {
        self.exhausted.set(false);
    }

    /// Whether a strict rule ran out of alternatives since the last `clear_exhausted`.
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// Forgets the alternatives used so far.
    pub fn reset_used(&self) {
        self.used.borrow_mut().clear();
    }

    pub fn set(&mut self, var: VarId, value: impl Into<String>) {
        self.vars[var.0 as usize] = value.into();
    }

    pub fn get(&self, var: VarId) -> &str {
        &self.vars[var.0 as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleId(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarId(u16);

impl Grammar {
    /// Parses rule tables. `domains` are the prefixes `{S.x}` may resolve to; `vars` the
    /// names `{$x}` may use. Any unknown reference is an error, so typos fail the build's tests
    /// instead of printing holes into the data.
    pub fn compile(
        sources: &[&[(&'static str, &'static str)]],
        domains: &[&str],
        vars: &[&'static str],
        strict: &[&str],
    ) -> Result<Grammar> {
        let mut names = HashMap::new();
        let mut raw: Vec<(&str, &str)> = Vec::new();
        for src in sources {
            for &(name, body) in src.iter() {
                if names.insert(name.to_string(), raw.len() as u32).is_some() {
                    bail!("grammar rule {name} is defined twice");
                }
                raw.push((name, body));
            }
        }
        let is_strict = |name: &str| {
            let base = name.rsplit('.').next().unwrap_or(name);
            strict.contains(&base)
        };
        let mut g = Grammar {
            strict: raw.iter().map(|(n, _)| is_strict(n)).collect(),
            rules: Vec::with_capacity(raw.len()),
            names,
            domain_refs: Vec::new(),
            vars: vars.to_vec(),
        };
        let mut domain_ref_ids: HashMap<String, u32> = HashMap::new();
        for (name, body) in &raw {
            let mut alts = Vec::new();
            for alt in body.split('|') {
                let alt = alt.trim();
                let pieces = g
                    .parse_alt(alt, domains, &mut domain_ref_ids)
                    .with_context(|| format!("in grammar rule {name}: {alt:?}"))?;
                alts.push(pieces);
            }
            g.rules.push(alts);
        }
        Ok(g)
    }

    fn parse_alt(
        &mut self,
        alt: &str,
        domains: &[&str],
        domain_ref_ids: &mut HashMap<String, u32>,
    ) -> Result<Alt> {
        let mut out = Vec::new();
        let mut rest = alt;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                out.push(Piece::Lit(rest.into()));
                break;
            };
            if open > 0 {
                out.push(Piece::Lit(rest[..open].into()));
            }
            let close = rest[open..]
                .find('}')
                .map(|c| c + open)
                .context("unclosed {")?;
            let inner = &rest[open + 1..close];
            rest = &rest[close + 1..];
            out.push(self.parse_slot(inner, domains, domain_ref_ids)?);
        }
        Ok(out)
    }

    fn parse_slot(
        &mut self,
        inner: &str,
        domains: &[&str],
        domain_ref_ids: &mut HashMap<String, u32>,
    ) -> Result<Piece> {
        if inner == "an" {
            return Ok(Piece::An);
        }
        if inner == "^" {
            return Ok(Piece::Cap);
        }
        if let Some(v) = inner.strip_prefix('$') {
            let idx = self
                .vars
                .iter()
                .position(|x| *x == v)
                .with_context(|| format!("unknown variable ${v}"))?;
            return Ok(Piece::Var(idx as u16));
        }
        if let Some(n) = inner.strip_prefix('#') {
            return parse_num(n).map(Piece::Num);
        }
        let (name, maybe) = match inner.strip_suffix('?') {
            Some(n) => (n, true),
            None => (inner, false),
        };
        if let Some(base) = name.strip_prefix("S.") {
            let id = match domain_ref_ids.get(base) {
                Some(&id) => id,
                None => {
                    let mut per = Vec::with_capacity(domains.len());
                    // A domain may lack a rule that only other domains' templates use;
                    // it renders as nothing there. At least one domain must have it.
                    for d in domains {
                        per.push(self.resolve(d, base).unwrap_or(MISSING));
                    }
                    if per.iter().all(|&r| r == MISSING) {
                        bail!("no domain has a rule {base}");
                    }
                    let id = self.domain_refs.len() as u32;
                    self.domain_refs.push(per);
                    domain_ref_ids.insert(base.to_string(), id);
                    id
                }
            };
            return Ok(if maybe {
                Piece::MaybeDomain(id)
            } else {
                Piece::Domain(id)
            });
        }
        let id = *self
            .names
            .get(name)
            .with_context(|| format!("unknown rule {name}"))?;
        Ok(if maybe {
            Piece::MaybeRule(id)
        } else {
            Piece::Rule(id)
        })
    }

    /// The rule `base` as seen from `domain`: `domain.base`, then the same in each enclosing
    /// domain (`es.travel` -> `es`), then plain `base` for top-level domains only (so a
    /// Spanish conversation never falls back to an English rule).
    fn resolve(&self, domain: &str, base: &str) -> Option<u32> {
        let mut d = domain;
        loop {
            if let Some(&id) = self.names.get(&format!("{d}.{base}")) {
                return Some(id);
            }
            match d.rfind('.') {
                Some(i) => d = &d[..i],
                None => break,
            }
        }
        if domain.contains('.') {
            None
        } else {
            self.names.get(base).copied()
        }
    }

    /// Public form of `resolve`.
    pub fn resolve_id(&self, domain: &str, base: &str) -> Option<RuleId> {
        self.resolve(domain, base).map(RuleId)
    }

    pub fn id(&self, name: &str) -> Result<RuleId> {
        self.names
            .get(name)
            .map(|&i| RuleId(i))
            .with_context(|| format!("grammar has no rule {name}"))
    }

    pub fn var(&self, name: &str) -> Result<VarId> {
        self.vars
            .iter()
            .position(|v| *v == name)
            .map(|i| VarId(i as u16))
            .with_context(|| format!("grammar has no variable {name}"))
    }

    /// Renders one rule and tidies it as a sentence (spacing, a/an, initial capital).
    pub fn sentence(&self, id: RuleId, ctx: &Ctx, rng: &mut Rng, out: &mut String) {
        let mut raw = String::with_capacity(160);
        self.expand(id.0, ctx, rng, &mut raw, 0);
        tidy(&raw, true, out);
    }

    /// Renders one rule and tidies it without forcing a capital (for fragments and names).
    pub fn phrase(&self, id: RuleId, ctx: &Ctx, rng: &mut Rng, out: &mut String) {
        let mut raw = String::with_capacity(64);
        self.expand(id.0, ctx, rng, &mut raw, 0);
        tidy(&raw, false, out);
    }

    /// Convenience: a rendered fragment as a new string.
    pub fn make(&self, id: RuleId, ctx: &Ctx, rng: &mut Rng) -> String {
        let mut s = String::new();
        self.phrase(id, ctx, rng, &mut s);
        s
    }

    fn expand(&self, rule: u32, ctx: &Ctx, rng: &mut Rng, out: &mut String, depth: u32) {
        // The grammars are acyclic by construction; the cap only stops a future mistake from
        // overflowing the stack.
        if depth > 24 {
            return;
        }
        let alts = &self.rules[rule as usize];
        let mut pick = rng.below(alts.len());
        if ctx.avoid_repeats && self.strict[rule as usize] {
            let key = |i: usize| (rule as u64) << 32 | i as u64;
            let mut used = ctx.used.borrow_mut();
            let n = alts.len();
            match (0..n)
                .map(|k| (pick + k) % n)
                .find(|&i| !used.contains(&key(i)))
            {
                Some(i) => pick = i,
                None => {
                    ctx.exhausted.set(true);
                    return;
                }
            }
            used.insert(key(pick));
        } else if ctx.avoid_repeats && alts.len() > 1 {
            let key = |i: usize| (rule as u64) << 32 | i as u64;
            let mut used = ctx.used.borrow_mut();
            let mut tries = 0;
            while used.contains(&key(pick)) && tries < 6 {
                pick = rng.below(alts.len());
                tries += 1;
            }
            used.insert(key(pick));
        }
        let alt = &alts[pick];
        for p in alt {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Rule(r) => self.expand(*r, ctx, rng, out, depth + 1),
                Piece::MaybeRule(r) => {
                    if rng.chance(0.5) {
                        self.expand(*r, ctx, rng, out, depth + 1)
                    }
                }
                Piece::Domain(d) => {
                    let r = self.domain_refs[*d as usize][ctx.domain];
                    if r != MISSING {
                        self.expand(r, ctx, rng, out, depth + 1)
                    }
                }
                Piece::MaybeDomain(d) => {
                    let r = self.domain_refs[*d as usize][ctx.domain];
                    if rng.chance(0.5) && r != MISSING {
                        self.expand(r, ctx, rng, out, depth + 1)
                    }
                }
                Piece::Var(v) => out.push_str(&ctx.vars[*v as usize]),
                Piece::Num(n) => render_num(n, rng, out),
                Piece::An => out.push(AN_MARK),
                Piece::Cap => out.push(CAP_MARK),
            }
        }
    }
}

fn parse_num(spec: &str) -> Result<Num> {
    let mut it = spec.split(':');
    let kind = it.next().unwrap_or("");
    let mut arg = || -> Result<u64> {
        it.next()
            .context("number slot needs bounds")?
            .parse::<u64>()
            .context("number slot bound is not a number")
    };
    Ok(match kind {
        "n" => Num::Int(arg()?, arg()?),
        "c" => Num::Count(arg()?, arg()?),
        "big" => Num::Big(arg()?, arg()?),
        "dec" => Num::Dec(arg()?, arg()?),
        "ord" => Num::Ord(arg()?, arg()?),
        "pct" => Num::Pct,
        "money" => Num::Money,
        "time" => Num::Time,
        other => bail!("unknown number kind {other}"),
    })
}

const SMALL: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

pub fn push_thousands(n: u64, out: &mut String) {
    let s = n.to_string();
    let b = s.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if i > 0 && (b.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c as char);
    }
}

fn render_num(n: &Num, rng: &mut Rng, out: &mut String) {
    use std::fmt::Write;
    match *n {
        Num::Int(lo, hi) => {
            let _ = write!(out, "{}", rng.range(lo, hi));
        }
        Num::Count(lo, hi) => {
            let v = rng.range(lo, hi);
            if v < 10 {
                out.push_str(SMALL[v as usize]);
            } else {
                push_thousands(v, out);
            }
        }
        Num::Big(lo, hi) => push_thousands(rng.range(lo, hi), out),
        Num::Dec(lo, hi) => {
            let v = rng.range(lo * 10, hi * 10);
            let _ = write!(out, "{}.{}", v / 10, v % 10);
        }
        Num::Pct => {
            if rng.chance(0.5) {
                let _ = write!(out, "{} percent", rng.range(2, 68));
            } else {
                let v = rng.range(11, 489);
                let _ = write!(out, "{}.{} percent", v / 10, v % 10);
            }
        }
        Num::Money => match rng.below(4) {
            0 => {
                out.push('$');
                push_thousands(rng.range(12, 990) * 1000, out);
            }
            1 => {
                let v = rng.range(11, 99);
                let _ = write!(out, "${}.{} million", v / 10, v % 10);
            }
            2 => {
                let _ = write!(out, "${} million", rng.range(12, 950));
            }
            _ => {
                let v = rng.range(11, 249);
                let _ = write!(out, "${}.{} billion", v / 10, v % 10);
            }
        },
        Num::Ord(lo, hi) => {
            let v = rng.range(lo, hi);
            let suffix = match (v % 10, v % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            let _ = write!(out, "{v}{suffix}");
        }
        Num::Time => {
            let h = rng.range(1, 12);
            let m = rng.below(4) * 15;
            let half = if rng.chance(0.5) { "a.m." } else { "p.m." };
            if m == 0 {
                let _ = write!(out, "{h} {half}");
            } else {
                let _ = write!(out, "{h}:{m:02} {half}");
            }
        }
    }
}

/// Whether "an" (not "a") goes before `word`. Spelling-based with the common exceptions.
pub fn wants_an(word: &str) -> bool {
    let lower: String = word
        .chars()
        .take(6)
        .flat_map(char::to_lowercase)
        .collect::<String>();
    let first = match lower.chars().next() {
        Some(c) => c,
        None => return false,
    };
    let all_caps = word.len() > 1
        && word
            .chars()
            .take_while(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase());
    if all_caps {
        return "aefhilmnorsx".contains(first);
    }
    if first.is_ascii_digit() {
        return lower.starts_with('8')
            || lower.starts_with("11")
            || lower.starts_with("18") && !lower.starts_with("18,");
    }
    for p in ["uni", "use", "usu", "uti", "eu", "one", "once", "ur"] {
        if lower.starts_with(p) {
            return false;
        }
    }
    for p in ["hour", "honest", "honor", "heir"] {
        if lower.starts_with(p) {
            return true;
        }
    }
    "aeiou".contains(first)
}

/// Tidies rendered template text: resolves a/an marks, collapses spaces left by empty slots,
/// drops spaces before punctuation and optionally capitalises the first letter.
pub fn tidy(raw: &str, capitalize: bool, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    let mut cap_next = false;
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' => {
                if out.len() > start {
                    pending_space = true;
                }
            }
            CAP_MARK => cap_next = true,
            AN_MARK => {
                if pending_space {
                    out.push(' ');
                }
                let rest = raw[i + c.len_utf8()..].trim_start_matches([' ', AN_MARK]);
                let word = rest.split([' ', ',', '.']).next().unwrap_or("");
                let word = word.trim_start_matches(['“', '"', '‘', '\'', '(', CAP_MARK]);
                let an = if wants_an(word) { "an" } else { "a" };
                if cap_next {
                    out.push_str(if an == "an" { "An" } else { "A" });
                    cap_next = false;
                } else {
                    out.push_str(an);
                }
                pending_space = true;
                // Skip the spaces the template put after the mark.
                while let Some(&(_, ' ')) = chars.peek() {
                    chars.next();
                }
            }
            ',' | '.' | ';' | ':' | '!' | '?' | ')' | '”' => {
                // A space before closing punctuation only ever comes from an empty slot.
                pending_space = false;
                out.push(c);
            }
            '\n' => {
                pending_space = false;
                // Trailing spaces at a line end come from empty slots too.
                while out.len() > start && out.ends_with(' ') {
                    out.pop();
                }
                out.push(c);
            }
            _ => {
                if pending_space && !out.ends_with(['“', '(', '\n']) {
                    out.push(' ');
                }
                pending_space = false;
                if cap_next && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                    cap_next = false;
                } else {
                    out.push(c);
                }
            }
        }
    }
    if capitalize {
        capitalize_first(out, start);
    }
}

/// Upper-cases the first letter at or after `start`, skipping opening quotes and markup.
pub fn capitalize_first(s: &mut String, start: usize) {
    let Some((off, c)) = s[start..]
        .char_indices()
        .find(|(_, c)| !matches!(c, '“' | '"' | '‘' | '\'' | '(' | '*' | '#' | ' ' | '>'))
    else {
        return;
    };
    if !c.is_lowercase() {
        return;
    }
    let at = start + off;
    let upper: String = c.to_uppercase().collect();
    s.replace_range(at..at + c.len_utf8(), &upper);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &[(&str, &str)] = &[
        ("greet", "hello {who}|hi {who?} there"),
        ("who", "{an} owl|{an} hour-long wait|{$name}"),
        ("politics.topic", "the vote"),
        ("topic", "the weather"),
        ("t", "{S.topic} at {#time}, {#pct} of {#money}"),
    ];

    #[test]
    fn renders_and_tidies() {
        let g = Grammar::compile(&[SRC], &["politics", "sport"], &["name"], &[]).unwrap();
        let mut ctx = Ctx::new(&g);
        ctx.set(g.var("name").unwrap(), "Ana");
        let mut rng = Rng::new(3);
        let greet = g.id("greet").unwrap();
        for _ in 0..200 {
            let mut s = String::new();
            g.sentence(greet, &ctx, &mut rng, &mut s);
            assert!(s.starts_with('H'), "{s}");
            assert!(!s.contains("  ") && !s.contains('\u{1}'), "{s:?}");
            assert!(!s.contains("a owl") && !s.contains("a hour"), "{s}");
        }
        let t = g.id("t").unwrap();
        ctx.domain = 0;
        assert!(g.make(t, &ctx, &mut rng).starts_with("the vote"));
        ctx.domain = 1;
        assert!(g.make(t, &ctx, &mut rng).starts_with("the weather"));
    }

    #[test]
    fn unknown_references_fail() {
        assert!(Grammar::compile(&[&[("a", "{b}")]], &[], &[], &[]).is_err());
        assert!(Grammar::compile(&[&[("a", "{$b}")]], &[], &[], &[]).is_err());
        assert!(Grammar::compile(&[&[("a", "{#zz}")]], &[], &[], &[]).is_err());
    }

    #[test]
    fn an_rules() {
        assert!(wants_an("apple") && wants_an("hour") && wants_an("FBI") && wants_an("8"));
        assert!(!wants_an("university") && !wants_an("car") && !wants_an("one-time"));
    }
}
