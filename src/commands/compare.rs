//! `layoutlab compare`: the main job — every layout timed and heap-profiled, the Python
//! reference, a table on the terminal and the report written to `--out`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{emit, file_list, HeapArgs, SourceArgs};
use crate::error::UsageError;
use crate::format::thousands;
use crate::model::SweepSection;
use crate::report::{self, brief};
use crate::session::builtin::Builtin;
use crate::session::sweep::{self, SweepPlan};
use crate::session::{HeapPlan, Plan, SizeStep};
use crate::source::SourceSpec;
use crate::units::Bytes;

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
    /// Measure deterministic costs (callgrind) even on a large input file, and fail (exit 2)
    /// without valgrind; by default they are measured whenever valgrind is installed, on
    /// at most 100 000 records.
    #[arg(long, conflicts_with = "no_costs")]
    costs: bool,
    /// Leave the deterministic costs out.
    #[arg(long)]
    no_costs: bool,
    /// Also measure every layout at log-spaced sizes from 1 000 records to four times the
    /// last-level cache in its own bytes/record, for where each layout's lead flips
    /// (generated workload only; prints its estimated time before it starts).
    #[arg(long)]
    sweep: bool,
    /// With --sweep: no size above N records (a quicker, shorter sweep).
    #[arg(long, value_name = "N", requires = "sweep", value_parser = sweep_cap)]
    sweep_max_records: Option<u64>,
    /// Print only the headline (per layout: pipeline time, vs best, bytes per record) and
    /// the decision guide's recommendations, in 100 columns; the report is complete as ever.
    #[arg(long)]
    brief: bool,
}

/// Runs the command.
pub(crate) fn run(args: &CompareArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let subject = args.source.subject()?;
    let layouts = crate::session::builtin::all_layout_names();
    subject.check_fits(&layouts, args.force)?;
    report::check_writable(&args.out)?;
    let heap = args.heap.plan()?;
    let records = match &subject.source {
        SourceSpec::Generated(g) => Some(g.records),
        SourceSpec::Csv { .. } => None,
    };
    let (sizes, sweep) = match (records, args.sweep) {
        (None, true) => {
            return Err(UsageError(
                "--sweep generates the workload at sizes of its own; it cannot run on --input"
                    .to_owned(),
            )
            .into())
        }
        (Some(records), true) => {
            let sweep = plan_sweep(&subject, &layouts, &heap, records, args.sweep_max_records)?;
            (sweep.steps.clone(), Some(sweep))
        }
        (Some(records), false) => (
            SCALING_SIZES
                .iter()
                .filter(|&&n| n < records)
                .map(|&n| SizeStep {
                    records: n,
                    rounds: args.repeat as usize,
                    layouts: layouts.clone(),
                })
                .collect(),
            None,
        ),
        (None, false) => (Vec::new(), None),
    };
    let (costs, costs_note) = costs_plan(args, records)?;
    let plan = Plan {
        layouts,
        repeat: args.repeat as usize,
        access_reads: ACCESS_READS,
        records,
        sizes,
        heap: Some(heap),
        costs,
        stop_at_first_failure: false,
        progress: true,
    };
    // Its timed pass runs alone after the timed rounds, its traced pass (most of its time)
    // beside the profiling children.
    let python = crate::session::python::Reference::new(&subject, args.python_records);
    let mut results = subject.run_with(&plan, Some(&python))?;
    results.costs_note = results.costs_note.take().or(costs_note);
    results.sweep = sweep.map(|sweep| SweepSection {
        target_bytes: Bytes(sweep.target_bytes),
        layouts: sweep.reach,
        estimated_seconds: sweep.estimated_seconds,
        elapsed_seconds: started.elapsed().as_secs_f64(),
    });
    results.python = python.section();
    results.criterion = crate::import::criterion::load(&args.criterion).unwrap_or_default();

    let width = args.brief.then_some(brief::WIDTH);
    emit(report::terminal_view(&results, args.brief).as_bytes())?;
    for l in &results.layouts {
        for e in &l.errors {
            eprintln!("layoutlab: {} failed: {e}", l.layout);
        }
    }
    if let crate::model::PythonSection::Skipped { reason } = &results.python {
        emit(brief::fit(&format!("Python reference skipped: {reason}"), width).as_bytes())?;
    }
    emit(brief::recommendations(&results, width).as_bytes())?;
    let written = report::write_report(&args.out, &results)?;
    emit(brief::fit(&format!("report: {}", file_list(&written)), width).as_bytes())?;
    super::failures(&results.failed_measurements())
}

/// Records a generated workload's costs are measured on (more are represented by a
/// proportionally smaller simulated last-level cache).
const COSTS_RECORDS: u64 = 100_000;

/// The costs plan for `compare` (or why there is none).
fn costs_plan(
    args: &CompareArgs,
    records: Option<u64>,
) -> Result<(Option<crate::session::costs::CostsPlan>, Option<String>)> {
    if args.no_costs {
        return Ok((None, Some("costs left out with --no-costs".to_owned())));
    }
    let jobs = super::children_at_once();
    match crate::measure::costs::valgrind_version() {
        Ok(_) if args.costs => Ok((
            Some(crate::session::costs::scaled(
                records,
                Some(COSTS_RECORDS),
                None,
                jobs,
            )),
            None,
        )),
        Ok(_) => Ok((
            Some(crate::session::costs::scaled(
                records,
                Some(COSTS_RECORDS),
                Some(2 * COSTS_RECORDS),
                jobs,
            )),
            None,
        )),
        Err(e) if args.costs => Err(UsageError(format!("--costs: {e}")).into()),
        Err(e) => Ok((None, Some(format!("costs left out: {e}")))),
    }
}

/// Calibrates every layout, plans the sweep and says on stderr what it will measure and how
/// long it should take, before anything long starts.
fn plan_sweep(
    subject: &Builtin,
    layouts: &[String],
    heap: &HeapPlan,
    records: u64,
    max_records: Option<u64>,
) -> Result<SweepPlan> {
    let machine = crate::measure::machine::current();
    let llc = machine.last_level_cache().map(|c| c.size.0);
    let last_level_cache = llc.unwrap_or(ASSUMED_LLC);
    eprintln!(
        "layoutlab: sweep: calibrating, one run of each layout at {} records…",
        thousands(max_records.map_or(sweep::CALIBRATION_RECORDS, |m| {
            m.min(sweep::CALIBRATION_RECORDS)
        }))
    );
    let (calibrations, left_out) = sweep::calibrate(subject, layouts, heap, max_records)?;
    for why in &left_out {
        eprintln!("layoutlab: sweep: left out {why}");
    }
    let plan = sweep::plan(
        &calibrations,
        &sweep::Limits {
            last_level_cache,
            memory: crate::measure::machine::available_memory()
                .map(|m| m / heap.jobs.max(1) as u64),
            max_records,
            workload: records,
            jobs: heap.jobs,
        },
    );
    let largest = plan.steps.last().map_or(0, |s| s.records);
    eprintln!(
        "layoutlab: sweep: {} sizes from {} to {} records, each layout up to {} × the {} \
         last-level cache{} ({}) in its own bytes/record",
        plan.steps.len(),
        thousands(plan.steps.first().map_or(0, |s| s.records)),
        thousands(largest),
        sweep::TIMES_LLC,
        Bytes(last_level_cache),
        if llc.is_none() {
            " (assumed: the OS does not say)"
        } else {
            ""
        },
        Bytes(plan.target_bytes),
    );
    let capped = plan
        .reach
        .iter()
        .filter(|r| {
            r.short
                .as_deref()
                .is_some_and(|s| s.contains(sweep::MAX_FLAG))
        })
        .count();
    if capped > 0 {
        eprintln!(
            "layoutlab: sweep: {} stops {capped} layout(s) short of {} × the last-level cache",
            sweep::MAX_FLAG,
            sweep::TIMES_LLC
        );
    }
    for reach in &plan.reach {
        match &reach.short {
            Some(short) if !short.contains(sweep::MAX_FLAG) => {
                eprintln!("layoutlab: sweep: {} {short}", reach.layout);
            }
            _ => {}
        }
    }
    eprintln!(
        "layoutlab: sweep: about {} on top of the compare at {} records (estimated from the \
         calibration runs, taking data beyond the last-level cache as three times as slow)",
        sweep::minutes(plan.estimated_seconds),
        thousands(records)
    );
    Ok(plan)
}

/// The last-level cache a sweep assumes where the OS does not report one.
const ASSUMED_LLC: u64 = 32 << 20;

/// `--sweep-max-records`: a record count of at least 1 000, the sweep's smallest size.
fn sweep_cap(text: &str) -> Result<u64, String> {
    let n: u64 = text
        .parse()
        .map_err(|_| format!("expected a whole number of records, found {text:?}"))?;
    if n < 1_000 {
        return Err(format!(
            "the sweep starts at 1 000 records, so its cap must be at least 1 000 (found {n})"
        ));
    }
    Ok(n)
}
