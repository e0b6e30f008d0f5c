//! `layoutlab check`: the regression gate of SPEC §8 on two saved `results.json` files —
//! one line per regression and exit status 1, or one summary line and 0. The judgement
//! itself is `analysis::gate`; this reads the files, prints and sets the exit status.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::emit;
use crate::analysis::gate::{self, Limits, Rule};
use crate::error::UsageError;
use crate::format::one_line;
use crate::report;

/// What `check --help` adds after the flags: the figures, their defaults and the exit
/// statuses outside scripts rely on.
const AFTER_HELP: &str = "\
Figures and default limits, per layout:
  bytes_per_record, reserved_bytes_per_record, allocations
      +1 %; heap figures of the whole run
  instructions, est_cycles
      +2 %; per record, in each stage and the whole run (instructions.filter,
      instructions.whole_run, ...)
  time
      not gated unless a --limit names it; ns per record in each stage and the
      pipeline (time.pipeline), judged on the medians' confidence intervals: a
      regression only when the current interval starts above the end of the
      baseline's by more than the limit (needs 2 or more rounds in both files)

A layout of the baseline that is missing or newly failed in the current results
is a regression too; one only in the current results is mentioned.

Exit status: 0 nothing regressed (one summary line); 1 regressions (one line
each on stdout); 2 the files cannot be compared (different workloads, costs
measured on other records or caches, an unreadable file) or a bad --limit.

Refresh the baseline after a reviewed change, with the results just checked
(this repository's CI: target/ci-report/results.json):
  cp target/ci-report/results.json .ci/baseline.json";

/// `check`'s arguments.
#[derive(Debug, Args)]
#[command(after_long_help = AFTER_HELP)]
pub(crate) struct CheckArgs {
    /// The reviewed results to hold the current ones to (a results.json written by
    /// `layoutlab compare`, kept e.g. as .ci/baseline.json).
    #[arg(long, value_name = "FILE")]
    baseline: PathBuf,
    /// The results to check; they must have measured the same workload.
    #[arg(long, value_name = "FILE", default_value = "reports/results.json")]
    current: PathBuf,
    /// How much worse a figure may get: FIGURE=TOL for every span of the figure,
    /// FIGURE.SPAN=TOL for one (instructions.filter=5%). TOL is a percentage of the
    /// baseline (5%, +5%) or an amount in the figure's unit (bytes_per_record=+2). Figures:
    /// bytes_per_record, reserved_bytes_per_record, allocations, instructions, est_cycles,
    /// time. Repeatable; the last rule for a figure wins, a span's beats the figure's.
    #[arg(long = "limit", value_name = "FIGURE=TOL")]
    limits: Vec<Rule>,
}

/// Runs the command.
pub(crate) fn run(args: &CheckArgs) -> Result<()> {
    let baseline = report::load(&args.baseline).context("--baseline")?;
    let current = report::load(&args.current).context("--current")?;
    let limits = Limits::new(args.limits.clone());
    let outcome =
        gate::compare(&baseline, &current, &limits).map_err(|e| UsageError(e.to_string()))?;
    let against = one_line(&args.baseline.display().to_string());
    if outcome.regressions.is_empty() {
        return emit(format!("{}\n", outcome.summary(&against)).as_bytes());
    }
    let lines: String = outcome
        .regressions
        .iter()
        .map(|r| format!("{r}\n"))
        .collect();
    emit(lines.as_bytes())?;
    Err(anyhow::anyhow!(outcome.failure(&against)))
}
