//! Review: the journal of coding decisions (tags, notes, undo), the state it replays to, and
//! the tag palette.

pub mod journal;
pub mod palette;
pub mod state;

pub use journal::{Action, Draft, Event, Journal};
pub use palette::{Palette, TagDef};
pub use state::{ConvReview, ReviewState, last_undoable};
