//! The query language: one parser for the command line and the review interface.

pub mod ast;
pub mod budget;
pub mod compile;
pub mod highlight;
pub mod keyset;
pub mod lex;
pub mod live_set;
pub mod materialized;
pub mod options;
pub mod parse;
pub mod pattern;
pub mod proximity;
pub mod span;
pub mod warnings;
pub mod words;

pub use ast::{Filter, Node, Scope};
pub use options::{Dialect, QueryOptions};
pub use parse::{QueryError, mixed_connectors, parse, parse_with};
pub use warnings::warnings;
