//! `verbatim completions SHELL` and `verbatim man`: shell completions and manual pages
//! generated from the command-line definitions themselves, so they never drift from them.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory, ValueEnum};

use super::{Cli, Ctx};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write `verbatim.1` and one page per command (`verbatim-export.1`, ...) into this
    /// directory instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn completions(_: &Ctx, args: CompletionsArgs) -> Result<i32> {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Elvish => S::Elvish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "verbatim", &mut std::io::stdout());
    Ok(0)
}

pub fn man(_: &Ctx, args: ManArgs) -> Result<i32> {
    let cmd = Cli::command();
    match args.out {
        None => {
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("cannot write the manual page")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("cannot write manual pages to {}", dir.display()))?;
            println!("manual pages written to {}", dir.display());
        }
    }
    Ok(0)
}
