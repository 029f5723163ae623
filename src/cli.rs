//! Command-line arguments: the raw flags as clap parses them. `main`
//! turns them into a sweep; nothing here prints or runs anything.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Sweeps logs for the indicators of compromise that security advisories
/// publish.
#[derive(Debug, Parser)]
#[command(name = "iocsweep", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep files, folders or standard input for indicators.
    ///
    /// Exit status: 0 no hits, 1 hits found, 2 something could not be
    /// read or loaded (hits found are still written).
    Sweep(SweepArgs),
}

/// Arguments of `iocsweep sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Files, folders (walked recursively, sorted) or `-` for standard
    /// input.
    #[arg(value_name = "PATH", required_unless_present = "files_from")]
    pub paths: Vec<PathBuf>,

    /// Also sweep the paths listed in FILE, one a line (`-` reads the
    /// list from standard input, which then cannot be an input too).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// The --files-from list is separated by NUL bytes, as `find
    /// -print0` writes it.
    #[arg(short = '0', long, requires = "files_from")]
    pub null: bool,

    /// In folder walks, sweep only files whose path relative to the
    /// folder, or whose name, matches PATTERN (`*`, `?`, `**`, `[abc]`;
    /// `*` stops at `/`); repeat for more.
    #[arg(long, value_name = "PATTERN")]
    pub glob: Vec<String>,

    /// In folder walks, skip files and folders whose relative path or
    /// name matches PATTERN; repeat for more. Wins over --glob.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// In folder walks, go at most N levels down: 1 sweeps only the
    /// folder's own files.
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_depth: Option<u32>,

    /// In folder walks, follow symbolic links; a link back to a folder
    /// being walked is a loop, named and not followed.
    #[arg(long)]
    pub follow: bool,

    /// Indicator file or folder (any supported format, detected by
    /// content); repeat for more. Without it, the bundled sets are used.
    #[arg(long, value_name = "FILE|DIR")]
    pub iocs: Vec<PathBuf>,

    /// Output format [default: text on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Write hit records to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Number of worker threads, 1 to 256 [default: one per core]; as
    /// many reader threads open and decompress inputs ahead of them.
    /// Output is the same whatever the number.
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u16).range(1..=256)
    )]
    pub threads: Option<u16>,

    /// Report only hits whose line was written at or after TIME: RFC 3339
    /// (2026-09-01T00:00:00Z), a date (2026-09-01, UTC) or an age (90d,
    /// 12h). Hits whose line gives no time are kept and counted in the
    /// summary.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Report only hits whose line was written at or before TIME (same
    /// forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Load CIDR ranges broader than /8 (IPv4) or /16 (IPv6), /0 included.
    #[arg(long)]
    pub allow_broad_ranges: bool,

    /// Mark matches with colour in text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Print no summary or problem list on standard error (errors still
    /// set the exit status).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One JSON object per hit.
    Jsonl,
    /// One line per hit, for people.
    Text,
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
