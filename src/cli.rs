//! The command line (SPEC §5): parse the arguments and dispatch to `crate::commands`.

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::commands::{self, check, child, compare, inspect, report, run};
use crate::error::UsageError;
use crate::session::builtin::HEAP_CHILD_COMMAND;

/// layoutlab: one sensor record in many memory layouts, through one pipeline, measured.
#[derive(Debug, Parser)]
#[command(name = "layoutlab", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the registered layouts: name<TAB>description.
    List,
    /// Write the generated workload as CSV to stdout.
    Generate(commands::GeneratorArgs),
    /// Run the pipeline for some layouts (default: all) and print their results.
    Run(run::RunArgs),
    /// The main job: every layout timed, then heap-profiled (each in a process of its own),
    /// a table here and the report written to --out.
    Compare(compare::CompareArgs),
    /// Rebuild the report files from saved results (and criterion's, if benches have run).
    Report(report::ReportArgs),
    /// Show field offsets, sizes, padding and cache-line placement of each layout's types.
    Inspect(inspect::InspectArgs),
    /// The regression gate: compare saved results with a baseline's; exit 1 when a figure
    /// got worse than its limit, 2 when the two cannot be compared.
    Check(check::CheckArgs),
    /// Internal: profile one layout's heap under dhat in this process and print JSON.
    /// `run --memory` and `compare` start it, one process per layout.
    #[command(name = HEAP_CHILD_COMMAND, hide = true)]
    ProfileHeap(child::ProfileHeapArgs),
    /// Internal: run one layout's pipeline once, marking its stages for callgrind, and
    /// print JSON. `--costs` starts it under valgrind, one process per layout.
    #[command(name = crate::measure::costs::child::CHILD_COMMAND, hide = true)]
    ProfileCosts(child::ProfileCostsArgs),
}

/// clap's error as one line: what is wrong and the argument it is about, without the usage
/// block and the `--help` hint.
fn one_line(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let mut parts = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line.strip_prefix("error: ").unwrap_or(line));
        }
    }
    let message = parts.join(" ");
    let message = if message.is_empty() {
        "invalid arguments"
    } else {
        &message
    };
    format!(
        "{} (see `layoutlab --help`)",
        crate::format::one_line(message)
    )
}

/// The `layoutlab` binary: runs the command line and turns its outcome into an exit status:
/// 0, 1 for a failure of layoutlab's own, 2 for anything the user must fix (with one line on
/// stderr). A reader that went away (`layoutlab generate | head`) is not an error.
pub fn run() -> std::process::ExitCode {
    use std::process::ExitCode;
    match main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if crate::error::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "layoutlab: error: {}",
                crate::format::one_line(&format!("{error:#}"))
            );
            ExitCode::from(crate::error::exit_code(&error))
        }
    }
}

/// Parses the command line and runs the command. Usage errors are one line and exit 2;
/// help and version print in full, and fail like any output when stdout cannot take them.
fn main() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                return commands::emit(e.render().to_string().as_bytes());
            }
            _ => return Err(UsageError(one_line(&e)).into()),
        },
    };
    if !matches!(
        cli.command,
        Command::ProfileHeap(_) | Command::ProfileCosts(_)
    ) {
        crate::interrupt::install();
    }
    match cli.command {
        Command::List => commands::list(),
        Command::Generate(args) => commands::generate(&args),
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Check(args) => check::run(&args),
        Command::ProfileHeap(args) => child::profile_heap(&args),
        Command::ProfileCosts(args) => child::profile_costs(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_name_the_argument() {
        // (`--skip-invalid` without `--input` is checked after parsing, in `SourceArgs`.)
        let e = Cli::try_parse_from(["layoutlab", "run", "--records", "many"]).unwrap_err();
        let line = one_line(&e);
        assert!(line.contains("--records"), "{line}");
        assert!(!line.contains('\n'));
    }
}
