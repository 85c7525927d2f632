//! Turns a parsed query into a tantivy query.

use std::ops::Bound as StdBound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use anyhow::Result;
use tantivy::Searcher;
use tantivy::schema::Field;

use super::ast::{Bound, Filter, Node, Pattern, Scope};
use super::budget::Budget;
use super::keyset::KeySetQuery;
use super::live_set::{LiveSet, LiveSetQuery};
use super::materialized::Materialized;
use super::proximity::SpanQuery;
use super::span;
use crate::detect::FindingsIndex;
use crate::index::Fields;
use crate::index::common_grams;
use crate::review::ReviewState;

/// What compiling needs besides the query: the index's fields, a searcher (patterns are
/// expanded against its term dictionaries) and, for review filters, the review state (no
/// state: no conversation is tagged).
#[derive(Clone)]
pub struct Env<'a> {
    pub fields: &'a Fields,
    pub searcher: &'a Searcher,
    pub review: Option<&'a ReviewState>,
    /// Stored findings, for `score:`, `article:`, `label:` and `strong:`.
    pub findings: Option<&'a FindingsIndex>,
    /// What the query may cost (default limits unless the caller gives its own).
    pub budget: Budget,
    /// The matter, for `viewed:` (read from its audit trail when a query asks).
    pub matter_dir: Option<&'a std::path::Path>,
}

impl<'a> Env<'a> {
    pub fn new(
        fields: &'a Fields,
        searcher: &'a Searcher,
        review: Option<&'a ReviewState>,
    ) -> Self {
        Env {
            fields,
            searcher,
            review,
            findings: None,
            budget: Budget::default(),
            matter_dir: None,
        }
    }

    pub fn with_matter(mut self, matter_dir: Option<&'a std::path::Path>) -> Self {
        self.matter_dir = matter_dir;
        self
    }

    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    pub fn with_findings(mut self, findings: Option<&'a FindingsIndex>) -> Self {
        self.findings = findings;
        self
    }
}

/// A set of conversation ids as a query.
fn id_set(ids: Vec<&str>) -> Box<dyn Query> {
    if ids.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(KeySetQuery::new(ids))
}

/// Expanded word lists of more than this many words use a term-set query (no scoring).
const SCORED_EXPANSION: usize = 512;

pub fn compile(node: &Node, ctx: &Env) -> Result<Box<dyn Query>> {
    Ok(match node {
        Node::All => Box::new(AllQuery),
        Node::Phrase { items, .. } if items.is_empty() => Box::new(EmptyQuery),
        Node::Phrase { scope, items } if items.len() == 1 => word(*scope, &items[0], ctx)?,
        Node::Phrase { scope, items } if items.iter().all(Pattern::is_exact) => {
            exact_phrase(*scope, items, ctx)
        }
        Node::Phrase { .. } | Node::Near { .. } => positional(node, ctx)?,
        Node::Weight { node, weight } => {
            Box::new(BoostQuery::new(compile(node, ctx)?, *weight as f32))
        }
        Node::Or(xs) => Box::new(BooleanQuery::new(
            xs.iter()
                .map(|x| Ok((Occur::Should, compile(x, ctx)?)))
                .collect::<Result<_>>()?,
        )),
        Node::And(xs) => {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for x in xs {
                match x {
                    Node::Not(inner) => clauses.push((Occur::MustNot, excluded(inner, ctx)?)),
                    other => clauses.push((Occur::Must, compile(other, ctx)?)),
                }
            }
            if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Node::Not(inner) => all_except(excluded(inner, ctx)?),
        Node::Filter(Filter::Viewed(yes)) => {
            let viewed = match ctx.matter_dir {
                Some(dir) => crate::audit::viewed(dir)?,
                None => Default::default(),
            };
            let q = id_set(viewed.iter().map(String::as_str).collect());
            if *yes { q } else { all_except(q) }
        }
        Node::Filter(Filter::ModelLike(p)) => glob(p, ctx.fields.model)?,
        Node::Filter(Filter::IdLike(p)) => glob(p, ctx.fields.id)?,
        Node::Filter(Filter::Designation(d)) => designated(d, ctx)?,
        Node::Filter(Filter::Produced(yes)) => {
            let reg = register(ctx)?;
            let q = id_set(reg.produced_ids());
            if *yes { q } else { all_except(q) }
        }
        Node::Filter(Filter::Bates(number)) => id_set(register(ctx)?.ids_with_bates(number)),
        Node::Filter(f @ (Filter::Group(_) | Filter::Principal(_) | Filter::Similarity(_, _))) => {
            match ctx.matter_dir {
                Some(dir) => {
                    let groups = crate::groups::require(dir)?;
                    let mut ids: Vec<&str> = Vec::new();
                    for g in &groups.groups {
                        for (k, m) in g.members.iter().enumerate() {
                            let keep = match f {
                                Filter::Group(id) => g.id == *id || id == "ANY" || id == "NONE",
                                Filter::Principal(yes) => (k == 0) == *yes,
                                Filter::Similarity(lo, hi) => {
                                    in_bounds((m.similarity * 1000.0).round() as u64, *lo, *hi)
                                }
                                _ => false,
                            };
                            if keep {
                                ids.push(m.conversation.as_str());
                            }
                        }
                    }
                    let q = id_set(ids);
                    // `principal:no`: every conversation that leads no group.
                    if matches!(f, Filter::Group(id) if id == "NONE") {
                        all_except(q)
                    } else if matches!(f, Filter::Principal(false)) {
                        let leaders: Vec<&str> = groups
                            .groups
                            .iter()
                            .map(|g| g.members[0].conversation.as_str())
                            .collect();
                        all_except(id_set(leaders))
                    } else {
                        q
                    }
                }
                None => Box::new(EmptyQuery),
            }
        }
        Node::Filter(Filter::Family(name)) => match ctx.fields.family {
            Some(field) => Box::new(TermQuery::new(
                Term::from_field_text(field, name),
                IndexRecordOption::Basic,
            )),
            None => anyhow::bail!(
                "this matter's index was built before families were recorded: family: needs \
                 the conversations imported into a new matter"
            ),
        },
        Node::Filter(Filter::Ids(ids)) => id_set(ids.iter().map(String::as_str).collect()),
        Node::Filter(Filter::Batch(name)) => match ctx.matter_dir {
            Some(dir) => {
                let ids = crate::review::batches::ids_of(dir, name)?;
                id_set(ids.iter().map(String::as_str).collect())
            }
            None => Box::new(EmptyQuery),
        },
        Node::Filter(Filter::List(name)) => match ctx.matter_dir {
            Some(dir) => {
                let list = crate::review::saved::load_list(dir, name)?;
                id_set(list.ids.iter().map(String::as_str).collect())
            }
            None => Box::new(EmptyQuery),
        },
        Node::Filter(Filter::Sample(name)) => match ctx.matter_dir {
            Some(dir) => {
                let ids = crate::sample::member_ids(dir, name)?;
                id_set(ids.iter().map(String::as_str).collect())
            }
            None => Box::new(EmptyQuery),
        },
        Node::Filter(f) => filter(f, ctx),
    })
}

/// A `*`/`?` pattern over a keyword field's terms, as a regular expression walked over the
/// term dictionary (bounded by the dictionary, not by the documents).
fn glob(pattern: &str, field: Field) -> Result<Box<dyn Query>> {
    let mut re = String::with_capacity(pattern.len() * 2);
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    Ok(Box::new(RegexQuery::from_pattern(&re, field).map_err(
        |e| anyhow::anyhow!("the pattern {pattern:?} cannot be searched: {e}"),
    )?))
}

/// The matter's production register (empty without a matter).
fn register(ctx: &Env) -> Result<std::sync::Arc<crate::export::register::Register>> {
    match ctx.matter_dir {
        Some(dir) => crate::export::register::load_cached(dir),
        None => Ok(Default::default()),
    }
}

/// `designation:D`: conversations coded D, or, when D is the matter's default, every
/// conversation not coded otherwise; `designation:none` those with no designation at all.
fn designated(want: &str, ctx: &Env) -> Result<Box<dyn Query>> {
    let default = match ctx.matter_dir {
        Some(dir) => crate::review::designation::matter_default(dir)?.map(|d| d.to_lowercase()),
        None => None,
    };
    let coded = |key: &str, pred: Box<dyn Fn(&str) -> bool + Send + Sync>| {
        live(ctx, &format!("designation {key}"), move |c| {
            c.designation().is_some_and(|d| pred(&d.to_lowercase()))
        })
    };
    let w = want.to_string();
    Ok(match (want, default.as_deref()) {
        ("none", Some(_)) => Box::new(EmptyQuery),
        ("none", None) => all_except(coded("any", Box::new(|_| true))),
        (_, Some(d)) if want == d => {
            all_except(coded(&format!("not {want:?}"), Box::new(move |x| x != w)))
        }
        _ => coded(&format!("is {want:?}"), Box::new(move |x| x == w)),
    })
}

/// The conversations whose review satisfies `pred`, as a set kept with the review state under
/// `key` (no state: none).
fn live(
    ctx: &Env,
    key: &str,
    pred: impl Fn(&crate::review::ReviewView) -> bool + Send + Sync + 'static,
) -> Box<dyn Query> {
    match ctx.review {
        Some(state) => {
            let id = ctx.fields.id;
            let set = state.derived(&format!("{id:?} {key}"), || LiveSet::new(state, id, pred));
            if set.is_empty() {
                Box::new(EmptyQuery)
            } else {
                Box::new(LiveSetQuery(set))
            }
        }
        None => Box::new(EmptyQuery),
    }
}

/// Every conversation but those `q` matches.
fn all_except(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (Occur::MustNot, q),
    ]))
}

/// A clause under NOT, materialised so exclusion can probe it in any order.
fn excluded(node: &Node, ctx: &Env) -> Result<Box<dyn Query>> {
    Ok(Box::new(Materialized(compile(node, ctx)?)))
}

fn fields_of(scope: Scope, fields: &Fields) -> Vec<(&'static str, Field)> {
    scope
        .fields()
        .iter()
        .filter_map(|n| fields.text_field(n).map(|f| (*n, f)))
        .collect()
}

/// The fields of `scope` that hold text in some segment of the searcher. A field no segment
/// holds (no system prompts, no titles) matches nothing, and asking tantivy about it costs a
/// search its first fraction of a millisecond.
fn present_fields_of(scope: Scope, ctx: &Env) -> Vec<(&'static str, Field)> {
    let mut out = fields_of(scope, ctx.fields);
    out.retain(|(_, f)| crate::index::presence::holds(ctx.searcher, *f));
    out
}

fn any_of(mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match qs.len() {
        0 => Box::new(EmptyQuery),
        1 => qs.remove(0),
        _ => Box::new(BooleanQuery::new(
            qs.into_iter().map(|q| (Occur::Should, q)).collect(),
        )),
    }
}

/// One word or word pattern, in every field of its scope.
fn word(scope: Scope, pattern: &Pattern, ctx: &Env) -> Result<Box<dyn Query>> {
    let mut per_field = Vec::new();
    for (_, field) in present_fields_of(scope, ctx) {
        let words = pattern.expand(ctx.searcher, field)?;
        ctx.budget
            .spend_terms(words.len(), &super::ast::pattern_text(pattern))?;
        let terms: Vec<Term> = words
            .iter()
            .map(|w| Term::from_field_text(field, w))
            .collect();
        if terms.len() > SCORED_EXPANSION {
            per_field.push(Box::new(TermSetQuery::new(terms)) as Box<dyn Query>);
        } else {
            per_field.extend(terms.into_iter().map(|t| {
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            }));
        }
    }
    Ok(any_of(per_field))
}

fn exact_phrase(scope: Scope, items: &[Pattern], ctx: &Env) -> Box<dyn Query> {
    let words: Vec<&str> = items
        .iter()
        .map(|p| match p {
            Pattern::Exact(w) => w.as_str(),
            _ => "",
        })
        .collect();
    let schema = ctx.searcher.schema();
    any_of(
        present_fields_of(scope, ctx)
            .into_iter()
            .map(|(_, field)| {
                let grams = crate::index::analyzer::has_common_grams(crate::index::analyzer_of(
                    schema, field,
                ));
                match grams.then(|| common_grams::phrase_terms(&words)).flatten() {
                    // The phrase's pairs of common words are terms of their own.
                    Some(terms) if terms.len() == 1 => Box::new(TermQuery::new(
                        Term::from_field_text(field, &terms[0].1),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                    Some(terms) => Box::new(PhraseQuery::new_with_offset(
                        terms
                            .iter()
                            .map(|(at, w)| (*at, Term::from_field_text(field, w)))
                            .collect(),
                    )),
                    None => Box::new(PhraseQuery::new(
                        words
                            .iter()
                            .map(|w| Term::from_field_text(field, w))
                            .collect(),
                    )),
                }
            })
            .collect(),
    )
}

/// Phrases with patterns and proximity: the position matcher, field by field (a match never
/// spans two fields, nor two messages of one field).
fn positional(node: &Node, ctx: &Env) -> Result<Box<dyn Query>> {
    let mut leaves = Vec::new();
    let Some(expr) = span::build(node, &mut leaves) else {
        return Ok(Box::new(EmptyQuery));
    };
    let part = super::budget::part_name(node.to_string());
    if let Some(mark) = leaves.iter().find_map(|l| match &l.pattern {
        Pattern::Exact(w) => super::pattern::mark_name(w),
        _ => None,
    }) && !crate::index::text_mode_of(ctx.searcher.schema(), ctx.fields.assistant).1
    {
        anyhow::bail!(
            "this matter's index was built before sentences, paragraphs and message ends were \
             indexed, so {mark} (/s, /p, w/seg, xfirstword, xlastword) cannot be searched in it; \
             import the files into a new matter to use them"
        );
    }
    let mut per_field: Vec<Box<dyn Query>> = Vec::new();
    for (name, field) in present_fields_of(Scope::Any, ctx) {
        let mut leaf_terms = Vec::with_capacity(leaves.len());
        let mut any = false;
        for leaf in &leaves {
            let terms: Vec<Term> = if leaf.scope.covers(name) {
                leaf.pattern
                    .expand(ctx.searcher, field)?
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect()
            } else {
                Vec::new()
            };
            ctx.budget
                .spend_terms(terms.len(), &super::ast::pattern_text(&leaf.pattern))?;
            any |= !terms.is_empty();
            leaf_terms.push(terms);
        }
        if any {
            per_field.push(Box::new(SpanQuery {
                field,
                expr: expr.clone(),
                leaf_terms,
                budget: ctx.budget.clone(),
                part: part.clone(),
            }));
        }
    }
    Ok(any_of(per_field))
}

fn filter(f: &Filter, ctx: &Env) -> Box<dyn Query> {
    let fields = ctx.fields;
    let key = format!("{f:?}");
    let review =
        |pred: Box<dyn Fn(&crate::review::ReviewView) -> bool + Send + Sync>| live(ctx, &key, pred);
    match f {
        Filter::Model(m) => Box::new(TermQuery::new(
            Term::from_field_text(fields.model, m),
            IndexRecordOption::Basic,
        )),
        Filter::Language(l) => Box::new(TermQuery::new(
            Term::from_field_text(fields.language, l),
            IndexRecordOption::Basic,
        )),
        Filter::Id(id) => Box::new(TermQuery::new(
            Term::from_field_text(fields.id, id),
            IndexRecordOption::Basic,
        )),
        Filter::Created(lo, hi) => {
            let t =
                // Dates are indexed as i64 nanoseconds: a bound past that range (`created:>=99999`)
                // is held at its end instead of overflowing.
                |s: i64| {
                    let s = s.clamp(-9_223_372_036, 9_223_372_035);
                    Term::from_field_date(fields.created, DateTime::from_timestamp_secs(s))
                };
            Box::new(RangeQuery::new(bound(*lo, t), bound(*hi, t)))
        }
        Filter::Turns(lo, hi) => {
            let t = |n: u64| Term::from_field_u64(fields.turns, n);
            Box::new(RangeQuery::new(bound(*lo, t), bound(*hi, t)))
        }
        Filter::Tag(tag) => {
            let tag = tag.clone();
            review(Box::new(move |c| c.has_tag(&tag)))
        }
        Filter::Reviewed(yes) => {
            let q = live(ctx, "reviewed", |c| c.reviewed());
            if *yes { q } else { all_except(q) }
        }
        Filter::Reviewer(name) => {
            let name = name.clone();
            review(Box::new(move |c| c.has_reviewer(&name)))
        }
        Filter::Score(lo, hi) => found(ctx, &|c| in_bounds(c.score as u64, *lo, *hi)),
        Filter::Article(a) => found(ctx, &|c| c.articles.iter().any(|x| x == a)),
        Filter::Label(l) => found(ctx, &|c| c.labels.iter().any(|x| x.as_str() == l)),
        Filter::Elicitation(e) => found(ctx, &|c| c.elicitations.iter().any(|x| x.as_str() == e)),
        Filter::Supplied(lo, hi) => found(ctx, &|c| in_bounds(c.supplied as u64, *lo, *hi)),
        Filter::Strong(true) => found(ctx, &|c| c.strong),
        Filter::Strong(false) => all_except(found(ctx, &|c| c.strong)),
        // Compiled with the matter's files in `compile`.
        Filter::Viewed(_)
        | Filter::Designation(_)
        | Filter::Produced(_)
        | Filter::Bates(_)
        | Filter::Sample(_)
        | Filter::List(_)
        | Filter::Batch(_)
        | Filter::Group(_)
        | Filter::Family(_)
        | Filter::Ids(_)
        | Filter::Principal(_)
        | Filter::Similarity(_, _)
        | Filter::ModelLike(_)
        | Filter::IdLike(_) => Box::new(EmptyQuery),
        Filter::NoteWord(word) => {
            let word = crate::index::analyzer::tokenize(word)
                .into_iter()
                .map(|t| t.0)
                .collect::<Vec<_>>();
            review(Box::new(move |c| {
                c.note().is_some_and(|n| {
                    let toks: Vec<String> = crate::index::analyzer::tokenize(n)
                        .into_iter()
                        .map(|t| t.0)
                        .collect();
                    !word.is_empty() && toks.windows(word.len()).any(|w| w == word.as_slice())
                })
            }))
        }
    }
}

/// The conversations whose findings satisfy `pred` (none when detection never ran).
fn found(
    ctx: &Env,
    pred: &dyn Fn(&crate::detect::findings::ConvFindings) -> bool,
) -> Box<dyn Query> {
    match ctx.findings {
        Some(f) => id_set(f.ids_where(pred)),
        None => Box::new(EmptyQuery),
    }
}

fn in_bounds(v: u64, lo: Bound<u64>, hi: Bound<u64>) -> bool {
    let above = match lo {
        Bound::Included(x) => v >= x,
        Bound::Excluded(x) => v > x,
        Bound::Unbounded => true,
    };
    let below = match hi {
        Bound::Included(x) => v <= x,
        Bound::Excluded(x) => v < x,
        Bound::Unbounded => true,
    };
    above && below
}

fn bound<T>(b: Bound<T>, term: impl Fn(T) -> Term) -> StdBound<Term> {
    match b {
        Bound::Included(v) => StdBound::Included(term(v)),
        Bound::Excluded(v) => StdBound::Excluded(term(v)),
        Bound::Unbounded => StdBound::Unbounded,
    }
}
