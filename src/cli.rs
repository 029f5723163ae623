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
    /// read or loaded (hits found are still written), 130 stopped by
    /// Ctrl-C (SIGINT), 143 stopped by SIGTERM (hits found so far are
    /// written, and the manifest says where the sweep stopped). A closed
    /// output pipe (`| head`) ends the sweep quietly with 0.
    Sweep(Box<SweepArgs>),

    /// Check, list, count or export indicator files.
    Iocs(IocsArgs),
}

/// Arguments of `iocsweep iocs`.
#[derive(Debug, clap::Args)]
pub struct IocsArgs {
    /// What to do with the indicators.
    #[command(subcommand)]
    pub command: IocsCommand,
}

/// The `iocsweep iocs` subcommands.
#[derive(Debug, Subcommand)]
pub enum IocsCommand {
    /// Say what loaded from each file, and warn about every entry that
    /// did not load or would flood a sweep: special-purpose and
    /// documentation addresses, broad ranges, public resolvers and
    /// popular domains, short strings, empty-input digests, duplicates
    /// across files, expired and revoked indicators.
    ///
    /// Exit status: 0 clean, 1 warnings, 2 something could not be
    /// loaded.
    Check(CheckArgs),

    /// List the indicators a sweep would use, one a line: kind, value,
    /// sources.
    List(ListArgs),

    /// Count indicators by kind, file and format, with duplicates and
    /// expired ones.
    Stats(ListArgs),

    /// Write the merged, normalised set in a format other tools read.
    /// Entries the format cannot hold are left out and named.
    Export(ExportArgs),
}

/// Arguments of `iocsweep iocs check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Indicator files or folders [default: the bundled sets].
    #[arg(value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,

    /// Warn about indicators at or under a value in FILE instead of
    /// using the shipped list of resolvers and popular domains; repeat
    /// for more.
    #[arg(long, value_name = "FILE")]
    pub allow: Vec<PathBuf>,

    /// Load CIDR ranges broader than /8 (IPv4) or /16 (IPv6), as `sweep
    /// --allow-broad-ranges` would.
    #[arg(long)]
    pub allow_broad_ranges: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Arguments of `iocsweep iocs list` and `iocsweep iocs stats`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Indicator files or folders [default: the bundled sets].
    #[arg(value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,

    /// Leave out indicators at or under a value in FILE, as a sweep
    /// would; repeat for more.
    #[arg(long, value_name = "FILE")]
    pub allow: Vec<PathBuf>,

    /// Keep expired indicators, as `sweep --include-expired` would.
    #[arg(long)]
    pub include_expired: bool,

    /// Keep only entries flagged for detection (MISP `to_ids`), as
    /// `sweep --to-ids-only` would.
    #[arg(long)]
    pub to_ids_only: bool,

    /// Load CIDR ranges broader than /8 (IPv4) or /16 (IPv6), as `sweep
    /// --allow-broad-ranges` would.
    #[arg(long)]
    pub allow_broad_ranges: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Arguments of `iocsweep iocs export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Indicator files or folders.
    #[arg(value_name = "FILE|DIR", required = true)]
    pub paths: Vec<PathBuf>,

    /// The format to write.
    #[arg(long, value_enum)]
    pub to: ExportFormat,

    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave out indicators at or under a value in FILE; repeat for
    /// more.
    #[arg(long, value_name = "FILE")]
    pub allow: Vec<PathBuf>,

    /// Load CIDR ranges broader than /8 (IPv4) or /16 (IPv6), as `sweep
    /// --allow-broad-ranges` would.
    #[arg(long)]
    pub allow_broad_ranges: bool,

    /// Keep expired indicators.
    #[arg(long)]
    pub include_expired: bool,

    /// Keep only entries flagged for detection (MISP `to_ids`), as
    /// `sweep --to-ids-only` would.
    #[arg(long)]
    pub to_ids_only: bool,
}

/// `iocs --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// For people.
    Text,
    /// One JSON object a line.
    Jsonl,
}

/// `iocs export --to` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One value a line, under `# kind` comments.
    Text,
    /// `kind,indicator,sources`.
    Csv,
    /// A Zeek intel file (URLs without scheme, addresses without port).
    Zeek,
    /// A STIX 2.1 bundle.
    Stix2,
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

    /// Do not report indicators at or under a value in FILE (any
    /// indicator format), nor hits whose matched text is: an address
    /// inside a listed range, a domain under a listed domain, any other
    /// value when equal. Repeat for more.
    #[arg(long, value_name = "FILE")]
    pub allow: Vec<PathBuf>,

    /// Keep indicators whose every source expired (valid_until before
    /// today); revoked ones are left out all the same.
    #[arg(long)]
    pub include_expired: bool,

    /// Load only the entries their publisher flagged for detection (MISP
    /// `to_ids`); the rest are counted and left out. Formats without the
    /// flag load whole.
    #[arg(long)]
    pub to_ids_only: bool,

    /// Mark matches with colour in text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Print no summary, table, progress bar or problem list on
    /// standard error (errors still set the exit status).
    #[arg(short, long)]
    pub quiet: bool,

    /// Write the per-indicator summary to FILE as JSON: hits, first and
    /// last seen, files, sources of every indicator seen.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Write a self-contained HTML report to FILE: scope, a table per
    /// indicator, hits per day.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Write the audit manifest to FILE as JSON: tool, command line,
    /// operator, host, times, indicator files and inputs with their
    /// hashes and results. Written even when the sweep is interrupted.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,

    /// Compute the SHA-256 of every input's bytes as stored (compressed
    /// bytes for compressed files) during the sweep's own read, for the
    /// manifest and the report.
    #[arg(long)]
    pub hash_inputs: bool,
}

/// `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One JSON object per hit.
    Jsonl,
    /// One line per hit, for people.
    Text,
    /// One row per hit with a header, safe to open in a spreadsheet.
    Csv,
    /// One Elastic Common Schema (8.17) JSON document per hit.
    Ecs,
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
