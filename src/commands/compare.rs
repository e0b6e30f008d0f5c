//! `layoutlab compare`: the main job — every layout timed and heap-profiled, the Python
//! reference, a table on the terminal and the report written to `--out`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{emit, file_list, HeapArgs, SourceArgs};
use crate::report::{self, terminal};
use crate::session::Plan;
use crate::source::SourceSpec;

/// Sizes below the workload's at which a generated workload is also measured, for the
/// scaling curves.
const SCALING_SIZES: [u64; 3] = [1_000, 10_000, 100_000];

/// Random whole-record reads per layout and round for the by-index probe.
const ACCESS_READS: u64 = 200_000;

/// `compare`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Timed rounds: each runs every layout once, in a rotated order; figures are medians
    /// over the rounds with 95 % intervals (9 rounds give a true 95 % interval, fewer than 6
    /// only the range).
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeat: u32,
    #[command(flatten)]
    heap: HeapArgs,
    /// Where to write REPORT.md, index.html, results.json and bencher.json. Other files in
    /// the directory are left alone.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    /// Run the Python reference on at most this many records (0 skips it); Python is slow,
    /// and its per-record figures barely change with size.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    python_records: u64,
    /// criterion's output directory (read for confidence intervals if benches have run).
    #[arg(long, value_name = "DIR", default_value = "target/criterion")]
    criterion: PathBuf,
    /// Run even if the workload looks too large for this machine's memory.
    #[arg(long)]
    force: bool,
}

/// Runs the command.
pub(crate) fn run(args: &CompareArgs) -> Result<()> {
    let subject = args.source.subject()?;
    let layouts = crate::session::builtin::all_layout_names();
    subject.check_fits(&layouts, args.force)?;
    report::check_writable(&args.out)?;
    let scaling = match &subject.source {
        SourceSpec::Generated(g) => SCALING_SIZES
            .iter()
            .copied()
            .filter(|&n| n < g.records)
            .collect(),
        SourceSpec::Csv { .. } => Vec::new(),
    };
    let plan = Plan {
        layouts,
        repeat: args.repeat as usize,
        access_reads: ACCESS_READS,
        scaling,
        heap: Some(args.heap.plan()?),
        stop_at_first_failure: false,
        progress: true,
    };
    let mut results = subject.run(&plan)?;
    results.python = subject.python(args.python_records, &results);
    results.criterion = crate::import::criterion::load(&args.criterion).unwrap_or_default();

    emit(terminal::compare(&results).as_bytes())?;
    for l in &results.layouts {
        for e in &l.errors {
            eprintln!("layoutlab: {} failed: {e}", l.layout);
        }
    }
    if let crate::model::PythonSection::Skipped { reason } = &results.python {
        emit(format!("Python reference skipped: {reason}\n").as_bytes())?;
    }
    let written = report::write_report(&args.out, &results)?;
    emit(format!("report: {}\n", file_list(&written)).as_bytes())?;
    super::failures(&results.failed_measurements())
}
