//! Review: the journal of coding decisions (tags, notes, designations, undo), the state it
//! replays to, the tag palette and the confidentiality designations.

pub mod batches;
pub mod conflicts;
pub mod derived;
pub mod designation;
pub mod highlights;
mod intern;
pub mod journal;
pub mod named;
pub mod palette;
pub mod saved;
pub mod state;
mod stored;

pub use journal::{Action, Draft, Event, Journal};
pub use palette::{Palette, TagDef};
pub use state::{ConvReview, ReviewState, ReviewView};
