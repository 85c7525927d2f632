//! The `verbatim` command: a thin front-end over the library.

mod cli;

use std::io::Write;

// Import allocates and frees many small strings on several threads; mimalloc does that
// markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Writing into a closed pipe (`verbatim search ... | head`) ends the process quietly, as
    // command-line tools do, instead of failing on every later print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any other thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A quick command (a search) would spend a millisecond zeroing the allocator's first
    // transparent huge pages; long ones turn them back on (`cli::run`).
    cli::huge_pages(false);
    let code = cli::run();
    // Leave without the allocator's exit-time cleanup, which hands back memory the system is
    // about to take anyway: everything written is flushed first.
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit ends the process; no Rust state is used after it.
    unsafe { libc::_exit(code) }
}
