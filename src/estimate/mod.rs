//! The statistics of sampling and estimation: interval methods for a proportion, sample
//! sizes, the reproducible draw, and (stratified) estimates with detector validation and
//! reviewer QC. Pure functions over counts: what is counted comes from `sample`.

pub mod draw;
pub mod interval;
pub mod report;
pub mod size;
pub mod stratified;
