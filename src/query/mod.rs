//! The query language: one parser for the command line and the review interface.

pub mod ast;
pub mod budget;
pub mod compile;
pub mod highlight;
pub mod keyset;
pub mod materialized;
pub mod parse;
pub mod pattern;
pub mod proximity;
pub mod span;
pub mod warnings;

pub use ast::{Filter, Node, Scope};
pub use parse::{QueryError, mixed_connectors, parse};
pub use warnings::warnings;
