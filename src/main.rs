//! The `verbatim` command: a thin front-end over the library.

mod allocator;
mod cli;

use std::io::Write;

#[global_allocator]
static GLOBAL: allocator::Allocator = allocator::Allocator;

/// Chooses the allocator for this command line before anything is allocated (`allocator`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[unsafe(link_section = ".init_array")]
static CHOOSE_ALLOCATOR: unsafe extern "C" fn(
    std::ffi::c_int,
    *const *const std::ffi::c_char,
    *const *const std::ffi::c_char,
) = allocator::choose;

/// Runs before `main` and before the first allocation (the runtime's own, for the main
/// thread's name): the allocator's first arena would otherwise come in transparent huge pages,
/// and zeroing them costs a quick command a millisecond. `cli::run` turns them back on for long
/// commands.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NO_HUGE_PAGES_AT_START: extern "C" fn() = {
    extern "C" fn no_huge_pages() {
        cli::huge_pages(false);
    }
    no_huge_pages
};

fn main() {
    // Writing into a closed pipe (`verbatim search ... | head`) ends the process quietly, as
    // command-line tools do, instead of failing on every later print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any other thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let code = cli::run();
    // Leave without the allocator's exit-time cleanup, which hands back memory the system is
    // about to take anyway: everything written is flushed first.
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit ends the process; no Rust state is used after it.
    unsafe { libc::_exit(code) }
}
