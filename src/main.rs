//! The `verbatim` command: a thin front-end over the library.

mod cli;

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
    std::process::exit(cli::run());
}
