//! Turns a parsed query into a tantivy query.

use std::ops::Bound as StdBound;

use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use super::ast::{Bound, Filter, Node, Scope};
use crate::index::Fields;

pub fn compile(node: &Node, fields: &Fields) -> Box<dyn Query> {
    match node {
        Node::All => Box::new(AllQuery),
        Node::Phrase { scope, words } => phrase(*scope, words, fields),
        Node::Or(xs) => Box::new(BooleanQuery::new(
            xs.iter()
                .map(|x| (Occur::Should, compile(x, fields)))
                .collect(),
        )),
        Node::And(xs) => {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for x in xs {
                match x {
                    Node::Not(inner) => clauses.push((Occur::MustNot, compile(inner, fields))),
                    other => clauses.push((Occur::Must, compile(other, fields))),
                }
            }
            if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Node::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(inner, fields)),
        ])),
        Node::Filter(f) => filter(f, fields),
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

fn filter(f: &Filter, fields: &Fields) -> Box<dyn Query> {
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
    }
}

fn bound<T>(b: Bound<T>, term: impl Fn(T) -> Term) -> StdBound<Term> {
    match b {
        Bound::Included(v) => StdBound::Included(term(v)),
        Bound::Excluded(v) => StdBound::Excluded(term(v)),
        Bound::Unbounded => StdBound::Unbounded,
    }
}
