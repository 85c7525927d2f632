//! Turns a parsed query into a tantivy query.

use std::ops::Bound as StdBound;

use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use super::ast::{Bound, Filter, Node, Scope};
use crate::index::Fields;
use crate::review::ReviewState;

/// What compiling needs besides the query: the index's fields and, for review filters, the
/// review state (no state: no conversation is tagged).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub fields: &'a Fields,
    pub review: Option<&'a ReviewState>,
}

impl<'a> Env<'a> {
    pub fn new(fields: &'a Fields, review: Option<&'a ReviewState>) -> Self {
        Env { fields, review }
    }
}

pub fn compile(node: &Node, ctx: &Env) -> Box<dyn Query> {
    let fields = ctx.fields;
    match node {
        Node::All => Box::new(AllQuery),
        Node::Phrase { scope, words } => phrase(*scope, words, fields),
        Node::Or(xs) => Box::new(BooleanQuery::new(
            xs.iter()
                .map(|x| (Occur::Should, compile(x, ctx)))
                .collect(),
        )),
        Node::And(xs) => {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for x in xs {
                match x {
                    Node::Not(inner) => clauses.push((Occur::MustNot, compile(inner, ctx))),
                    other => clauses.push((Occur::Must, compile(other, ctx))),
                }
            }
            if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Node::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(inner, ctx)),
        ])),
        Node::Filter(f) => filter(f, ctx),
    }
}

fn phrase(scope: Scope, words: &[String], fields: &Fields) -> Box<dyn Query> {
    if words.is_empty() {
        return Box::new(EmptyQuery);
    }
    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for name in scope.fields() {
        let Some(field) = fields.text_field(name) else {
            continue;
        };
        let q: Box<dyn Query> = if words.len() == 1 {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &words[0]),
                IndexRecordOption::WithFreqs,
            ))
        } else {
            Box::new(PhraseQuery::new(
                words
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect(),
            ))
        };
        per_field.push((Occur::Should, q));
    }
    if per_field.len() == 1 {
        per_field.remove(0).1
    } else {
        Box::new(BooleanQuery::new(per_field))
    }
}

fn filter(f: &Filter, ctx: &Env) -> Box<dyn Query> {
    let fields = ctx.fields;
    let review = |pred: &dyn Fn(&crate::review::ConvReview) -> bool| -> Box<dyn Query> {
        let Some(state) = ctx.review else {
            return Box::new(EmptyQuery);
        };
        // The matching conversations, as a set of id terms: tantivy intersects it with the
        // term dictionary, which stays fast for millions of ids.
        let terms: Vec<Term> = state
            .ids_where(pred)
            .into_iter()
            .map(|id| Term::from_field_text(fields.id, id))
            .collect();
        if terms.is_empty() {
            Box::new(EmptyQuery)
        } else {
            Box::new(TermSetQuery::new(terms))
        }
    };
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
                |s: i64| Term::from_field_date(fields.created, DateTime::from_timestamp_secs(s));
            Box::new(RangeQuery::new(bound(*lo, t), bound(*hi, t)))
        }
        Filter::Turns(lo, hi) => {
            let t = |n: u64| Term::from_field_u64(fields.turns, n);
            Box::new(RangeQuery::new(bound(*lo, t), bound(*hi, t)))
        }
        Filter::Tag(tag) => review(&|c| c.tags.contains(tag)),
        Filter::Reviewed(true) => review(&|c| c.reviewed()),
        Filter::Reviewed(false) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, review(&|c| c.reviewed())),
        ])),
        Filter::Reviewer(name) => review(&|c| c.reviewers.contains(name)),
        Filter::NoteWord(word) => {
            let word = crate::index::analyzer::tokenize(word)
                .into_iter()
                .map(|t| t.0)
                .collect::<Vec<_>>();
            review(&|c| {
                c.note.as_deref().is_some_and(|n| {
                    let toks: Vec<String> = crate::index::analyzer::tokenize(n)
                        .into_iter()
                        .map(|t| t.0)
                        .collect();
                    !word.is_empty() && toks.windows(word.len()).any(|w| w == word.as_slice())
                })
            })
        }
    }
}

fn bound<T>(b: Bound<T>, term: impl Fn(T) -> Term) -> StdBound<Term> {
    match b {
        Bound::Included(v) => StdBound::Included(term(v)),
        Bound::Excluded(v) => StdBound::Excluded(term(v)),
        Bound::Unbounded => StdBound::Unbounded,
    }
}
