//! `layoutlab run`: the pipeline for some layouts, as a table or the JSON of SPEC §6.

use anyhow::Result;
use clap::Args;

use super::{chosen_layouts, emit, layout_names, HeapArgs, SourceArgs};
use crate::error::UsageError;
use crate::report::{run_json, terminal};
use crate::session::Plan;

/// `run`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// A layout to run (repeatable); default: every registered layout.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layouts: Vec<String>,
    #[command(flatten)]
    source: SourceArgs,
    /// Timed rounds: each runs every layout once, in a rotated order; times are medians over
    /// the rounds.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeat: u32,
    /// Print one JSON document (SPEC §6) instead of a table.
    #[arg(long)]
    json: bool,
    /// Also profile each layout's heap under dhat, each in a process of its own, after the
    /// timed runs.
    #[arg(long)]
    memory: bool,
    /// Run even if the workload looks too large for this machine's memory.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    heap: HeapArgs,
}

/// Runs the command.
pub(crate) fn run(args: &RunArgs) -> Result<()> {
    // Heap flags without --memory would be silently ignored; say so instead.
    if !args.memory && args.heap.given() {
        return Err(UsageError(
            "--profiles and --jobs apply only with --memory (see `layoutlab --help`)".to_owned(),
        )
        .into());
    }
    let subject = args.source.subject()?;
    let layouts = chosen_layouts(&args.layouts);
    subject.check_fits(&layouts, args.force)?;
    let heap = if args.memory {
        Some(args.heap.plan()?)
    } else {
        None
    };
    let plan = Plan {
        layouts,
        repeat: args.repeat as usize,
        access_reads: 0,
        records: None,
        sizes: Vec::new(),
        heap,
        stop_at_first_failure: true,
        progress: !args.json,
    };
    let results = subject.run(&plan)?;
    for l in &results.layouts {
        for e in &l.errors {
            eprintln!("layoutlab: {} failed: {e}", l.layout);
        }
    }
    if args.json {
        emit(&run_json::render(&results)?)?;
    } else {
        emit(terminal::run(&results, args.memory).as_bytes())?;
    }
    super::failures(&results.failed_measurements())
}
