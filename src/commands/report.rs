//! `layoutlab report`: the report files rebuilt from a saved `results.json`, with criterion's
//! estimates folded in when benches have run.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{emit, file_list};
use crate::report::{self, RESULTS_FILE};

/// `report`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The report directory holding results.json; the report's own files in it are
    /// rewritten, nothing else.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    /// criterion's output directory; its estimates replace the saved ones when present.
    #[arg(long, value_name = "DIR", default_value = "target/criterion")]
    criterion: PathBuf,
}

/// Runs the command.
pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    let source = args.out.join(RESULTS_FILE);
    let mut results = report::load(&source)?;
    let estimates = crate::import::criterion::load(&args.criterion)?;
    if !estimates.is_empty() {
        results.criterion = estimates;
    }
    let written = report::write_report(&args.out, &results)?;
    emit(
        format!(
            "report rebuilt from {} ({} criterion estimates): {}\n",
            crate::format::one_line(&source.display().to_string()),
            results.criterion.len(),
            file_list(&written)
        )
        .as_bytes(),
    )
}
