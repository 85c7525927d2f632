//! verbatim: the core of an offline workbench for reviewing chatbot conversations produced in
//! litigation and finding where the assistant reproduced news articles.
//!
//! The core holds no user-interface code: the command line (`src/cli`) and later the review
//! interface are front-ends over these modules.

pub mod articles;
pub mod audit;
pub mod cluster;
pub mod demo;
pub mod detect;
pub mod estimate;
pub mod export;
pub mod fsutil;
pub mod groups;
pub mod hashing;
pub mod idplace;
pub mod import;
pub mod index;
pub mod line_index;
pub mod matter;
pub mod model;
pub mod progress;
pub mod query;
pub mod report;
pub mod review;
pub mod sample;
pub mod search;
pub mod shard;
pub mod stats;
pub mod synth;
pub mod textfmt;
pub mod tui;
