//! Link options that make each `verbatim` process start sooner. Quick commands (`search`,
//! `show`, `tag`) live a few milliseconds, so what the loader does before `main` shows in them.
//!
//! - Relative relocations are packed (DT_RELR) where glibc reads them (2.36 on): a
//!   position-independent binary carries one relocation per pointer in its read-only data,
//!   about 47,000 here, and packed, the table the loader reads at every start shrinks from
//!   1.1 MB to 15 KB. Address randomisation is kept.
//! - The unwinder is linked in from GCC's static `libgcc_eh.a` instead of loading
//!   `libgcc_s.so.1` at every start: that library's constructor asks the processor for its
//!   features, a trap to the hypervisor on a virtual machine, and loading it cost 0.12 ms.
//!   Rust names `-lgcc_s`; a linker script of that name found first points the linker at the
//!   static archive (what `-static-libgcc` does for C programs).
//!
//! Either is skipped, with the binary linked as usual, where the system does not offer it.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    let native = std::env::var("HOST") == std::env::var("TARGET");
    if !(linux_gnu && native) {
        return;
    }
    if glibc_at_least(2, 36) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    if let Some(eh) = static_unwinder() {
        // Found again if the compiler is upgraded and the archive moves.
        println!("cargo:rerun-if-changed={eh}");
        let dir =
            PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("unwind");
        std::fs::create_dir_all(&dir).expect("cannot create the unwinder's link directory");
        std::fs::write(
            dir.join("libgcc_s.so"),
            format!("/* the unwinder, linked statically (see build.rs) */\nINPUT(\"{eh}\")\n"),
        )
        .expect("cannot write the unwinder's linker script");
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}

/// Whether the C library is glibc `major.minor` or newer.
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (major, minor)
}

/// The path of GCC's static unwinder, if the C compiler has one.
fn static_unwinder() -> Option<String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    // An unknown file is printed back as its bare name.
    (std::path::Path::new(&path).is_absolute() && std::path::Path::new(&path).exists())
        .then_some(path)
}
