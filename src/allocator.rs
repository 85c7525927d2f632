//! The process's allocator, chosen once from the command line before the first allocation.
//!
//! Detection allocates and frees many small strings on several threads, and mimalloc does that
//! faster than the system allocator (a million conversations: 15.1 s against 19.4 s). A quick
//! command (`search`, `show`, `tag`, ...) lives a few milliseconds on one thread, and there
//! mimalloc's first allocation costs more than it saves: it reserves its arena and lays out its
//! bitmaps and first pages, about a hundred page faults before the first result. Those commands
//! use the system allocator. (mimalloc's constructor runs either way.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{CStr, c_char, c_int};
use std::sync::atomic::{AtomicU8, Ordering};

use mimalloc::MiMalloc;

const UNDECIDED: u8 = 0;
const MIMALLOC: u8 = 1;
const SYSTEM: u8 = 2;

/// Set at most once. Every allocation reads it, so memory is always freed by the allocator that
/// gave it: an allocation made before the choice fixes mimalloc for the whole process.
static CHOICE: AtomicU8 = AtomicU8::new(UNDECIDED);

/// The commands that run on the system allocator: `cli::QuickCommand`'s (a unit test there pins
/// the two lists together).
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
pub const QUICK_COMMANDS: &[&str] = &[
    "search", "show", "stats", "tag", "untag", "note", "undo", "tags", "history",
];

/// Global options that take a value as the next argument.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
const OPTIONS_WITH_VALUE: &[&str] = &["--matter", "--reviewer", "--scheduler", "--tls"];

/// Whether a command line names a quick command. The first word that is not an option, or the
/// value of one, is the command; a misread costs speed, never correctness.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
pub fn is_quick<'a>(args: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if OPTIONS_WITH_VALUE.iter().any(|o| o.as_bytes() == arg) {
            args.next();
        } else if !arg.starts_with(b"-") {
            return QUICK_COMMANDS.iter().any(|c| c.as_bytes() == arg);
        }
    }
    false
}

/// mimalloc, or the system allocator for a quick command.
pub struct Allocator;

impl Allocator {
    #[inline]
    fn system() -> bool {
        match CHOICE.load(Ordering::Relaxed) {
            UNDECIDED => {
                // An allocation before the choice: keep mimalloc from here on.
                let _ = CHOICE.compare_exchange(
                    UNDECIDED,
                    MIMALLOC,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
                CHOICE.load(Ordering::Relaxed) == SYSTEM
            }
            choice => choice == SYSTEM,
        }
    }
}

// SAFETY: every call goes to the allocator the choice names, and the choice never changes after
// the first allocation, so each block is freed or resized by the allocator that made it.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if Self::system() {
                System.alloc(layout)
            } else {
                MiMalloc.alloc(layout)
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if Self::system() {
                System.alloc_zeroed(layout)
            } else {
                MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on; the block came from the same allocator.
        unsafe {
            if Self::system() {
                System.dealloc(ptr, layout)
            } else {
                MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on; the block came from the same allocator.
        unsafe {
            if Self::system() {
                System.realloc(ptr, layout, new_size)
            } else {
                MiMalloc.realloc(ptr, layout, new_size)
            }
        }
    }
}

/// Chooses the allocator from the command line. glibc calls the functions in `.init_array` with
/// the program's arguments before `main` and before the runtime allocates anything.
///
/// # Safety
/// `argv` holds `argc` pointers to NUL-terminated strings, as the C runtime passes them.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
pub unsafe extern "C" fn choose(
    argc: c_int,
    argv: *const *const c_char,
    _envp: *const *const c_char,
) {
    if argv.is_null() || argc < 1 {
        return;
    }
    let count = usize::try_from(argc).unwrap_or(0);
    // SAFETY: the C runtime's argument vector, `argc` valid strings (see above).
    let args = (1..count).map(|i| unsafe { CStr::from_ptr(*argv.add(i)) }.to_bytes());
    let choice = if is_quick(args) { SYSTEM } else { MIMALLOC };
    let _ = CHOICE.compare_exchange(UNDECIDED, choice, Ordering::Relaxed, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::is_quick;

    fn quick(line: &str) -> bool {
        is_quick(line.split_whitespace().map(str::as_bytes))
    }

    #[test]
    fn the_command_word_decides() {
        assert!(quick("--matter m search shakespeare"));
        assert!(quick("search import"));
        assert!(quick("-q --matter=m tag c1 relevant"));
        assert!(quick("--matter import --reviewer export history"));
        assert!(!quick("--matter search import data.jsonl"));
        assert!(!quick("review"));
        assert!(!quick("--help"));
        assert!(!quick(""));
    }
}
