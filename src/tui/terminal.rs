//! The terminal is given back on every exit: a normal quit or an error (the guard), a panic on
//! the interface thread (unwinding through the guard), a panic on any other thread (the
//! workers report theirs as a failed request; any other thread restores and exits), and a
//! signal that ends the process (SIGTERM, SIGHUP, SIGINT, SIGQUIT, and SIGABRT, which is also
//! how a stack overflow ends): the handler puts the saved terminal modes back and leaves the
//! alternate screen with async-signal-safe calls only, then lets the signal take its course.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use crossterm::event;

/// Restores the terminal when dropped (normal exit, error or unwinding panic).
pub struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), event::DisableMouseCapture);
        ratatui::restore();
        let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
        remove_signal_handlers();
    }
}

/// Threads whose panics are caught and reported by [`catch`].
pub const WORKER_PREFIX: &str = "verbatim-worker";

thread_local! {
    /// The message of the last panic on this thread, for [`catch`] to report.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook (call after the terminal is set up: it wraps the hook that
/// restores it).
pub fn install_panic_hook() {
    let inner = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("");
        if name.starts_with(WORKER_PREFIX) {
            // Caught by the worker and shown as a failed request; printing here would write
            // over the screen.
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_string());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{at}")));
            return;
        }
        // Restores the terminal and prints the message.
        let _ = crossterm::execute!(std::io::stdout(), event::DisableMouseCapture);
        inner(info);
        let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
        if name != "main" {
            // A helper thread (input, forwarding) the interface cannot run without.
            std::process::exit(101);
        }
    }));
}

/// Runs `f` on a worker thread, turning a panic into an error message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "unknown".to_string())
    })
}

/// The terminal modes from before the interface started, for the signal handler.
static SAVED: OnceLock<libc::termios> = OnceLock::new();
/// The descriptor they belong to (-1: none).
static TTY_FD: AtomicI32 = AtomicI32::new(-1);

/// Mouse reporting off, attributes reset, cursor shown, main screen back.
const RESTORE: &[u8] =
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[0m\x1b[?1049l\x1b[?25h";

extern "C" fn on_fatal_signal(sig: libc::c_int) {
    // Only async-signal-safe calls: tcsetattr, write, signal, raise.
    let fd = TTY_FD.load(Ordering::Relaxed);
    if fd >= 0
        && let Some(t) = SAVED.get()
    {
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, t);
        }
    }
    unsafe {
        libc::write(1, RESTORE.as_ptr().cast(), RESTORE.len());
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

const SIGNALS: [libc::c_int; 5] = [
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGABRT,
];

/// The dispositions the handler replaced, put back when the interface closes.
static PREVIOUS: [AtomicUsize; 5] = [const { AtomicUsize::new(libc::SIG_DFL) }; 5];

/// Saves the terminal's modes and installs the handler (call before raw mode is entered).
pub fn install_signal_handlers() {
    let fd = if unsafe { libc::isatty(0) } == 1 {
        0
    } else {
        1
    };
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut t) } == 0 {
        let _ = SAVED.set(t);
        TTY_FD.store(fd, Ordering::Relaxed);
    }
    let handler = on_fatal_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for (sig, prev) in SIGNALS.iter().zip(&PREVIOUS) {
        let old = unsafe { libc::signal(*sig, handler) };
        if old != libc::SIG_ERR {
            prev.store(old, Ordering::Relaxed);
        }
    }
}

/// Puts the earlier dispositions back once the interface is closed.
pub fn remove_signal_handlers() {
    for (sig, prev) in SIGNALS.iter().zip(&PREVIOUS) {
        unsafe {
            libc::signal(*sig, prev.load(Ordering::Relaxed));
        }
    }
}

/// Faults a test can ask for (`VERBATIM_TEST_FAULT`, debug builds only), to check that each
/// way of dying gives the terminal back.
#[cfg(debug_assertions)]
pub fn test_fault(place: &str) {
    let Ok(fault) = std::env::var("VERBATIM_TEST_FAULT") else {
        return;
    };
    fn overflow(n: u64) -> u64 {
        if n == u64::MAX {
            return 0;
        }
        let buf = [n; 1024];
        std::hint::black_box(&buf);
        overflow(n + 1).wrapping_add(buf[n as usize % 1024])
    }
    match (place, fault.as_str()) {
        ("worker", "worker-panic") => panic!("test fault in a worker"),
        ("worker", "worker-overflow") => {
            std::hint::black_box(overflow(0));
        }
        ("ui", "ui-panic") => panic!("test fault on the interface thread"),
        ("ui", "helper-panic") => {
            let _ = std::thread::Builder::new()
                .name("verbatim-helper".into())
                .spawn(|| panic!("test fault in a helper thread"));
        }
        _ => {}
    }
}
