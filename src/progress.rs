//! How long-running jobs report progress without knowing how it is shown.

/// Receives progress of a job. The command line draws a bar; tests ignore it.
pub trait Progress {
    /// A new stage starts; `total` is its size in bytes when known.
    fn begin(&mut self, label: &str, total: Option<u64>);
    /// `done` bytes of the stage are processed and `records` records.
    fn update(&mut self, done: u64, records: u64);
    /// The stage is over.
    fn end(&mut self);
    /// A line worth telling the user now (a warning), outside the bar.
    fn note(&mut self, line: &str);
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {
    fn begin(&mut self, _: &str, _: Option<u64>) {}
    fn update(&mut self, _: u64, _: u64) {}
    fn end(&mut self) {}
    fn note(&mut self, _: &str) {}
}
