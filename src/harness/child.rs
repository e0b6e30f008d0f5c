//! A user's bench binary as its own heap-profiling child: started by the harness with
//! [`CHILD_ENV`](super::subject::CHILD_ENV) set, it measures one layout under dhat — the
//! first store built is phase `ingest`, each workload a phase of its own — and prints the
//! figures as JSON for its parent.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::subject::{
    ChildReport, HeapMarks, Own, LAYOUT_ENV, PLAN_ENV, PROFILE_ENV, RECORDS_ENV, SKIP_ENV,
};
use crate::measure::heap::{self, HeapError, Phases, SwitchAlloc};
use crate::own::Record;

/// Frames dhat keeps per allocation (see the built-in child for why so few).
const BACKTRACE_FRAMES: usize = 5;

/// The phase of the source alone (taken out of the phases into `MemorySummary::source`).
const SOURCE_PHASE: &str = "(source alone)";

/// Profiles the layout the environment names and prints its figures on stdout.
pub(crate) fn run<R: Record>(own: &Own<'_, R>) -> Result<()> {
    SwitchAlloc::track();
    heap::check_installed()?;
    let layout =
        std::env::var(LAYOUT_ENV).context("the profiling child was not told its layout")?;
    let records: u64 = std::env::var(RECORDS_ENV)
        .ok()
        .and_then(|r| r.parse().ok())
        .context("the profiling child was not told its records")?;
    let profile = std::env::var_os(PROFILE_ENV).map(PathBuf::from);
    let writing = profile.as_ref().map(|path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
    });
    if let Some(dir) = profile.as_ref().and_then(|p| p.parent()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // The workloads that panicked on this layout, or whose output could not be checked, are
    // left out here as in the timed rounds: their phases are missing, the others measured.
    let skip = std::env::var(SKIP_ENV).unwrap_or_default();
    let plan: Option<crate::own::Plan> = match std::env::var(PLAN_ENV) {
        Ok(json) => Some(serde_json::from_str(&json).context("the profiling child's plan")?),
        Err(_) => None,
    };
    let workloads: Vec<_> = own
        .workloads
        .iter()
        .filter(|w| !skip.lines().any(|s| s == w.name()))
        .collect();
    // The last phase is the source alone, run first: its records made and dropped one by
    // one, so that what the source allocates for them can be told from what the store does.
    let names: Vec<String> = std::iter::once("ingest".to_owned())
        .chain(workloads.iter().map(|w| w.name().to_owned()))
        .chain(std::iter::once(SOURCE_PHASE.to_owned()))
        .collect();
    let builder = dhat::Profiler::builder().trim_backtraces(Some(BACKTRACE_FRAMES));
    let builder = match &writing {
        Some(path) => builder.file_name(path),
        None => builder.testing(),
    };
    let profiler = builder.build();
    let measured = heap::measure_phases(&profiler, Phases::Named(&names), |hooks| {
        hooks.begin();
        own.source
            .stream(records, &mut |record| {
                drop(std::hint::black_box(record));
                Ok(())
            })
            .map_err(|e| HeapError::Run(e.into()))?;
        hooks.end(names.len() - 1);
        let mut built_from = records;
        for (k, workload) in workloads.iter().enumerate() {
            let mut marks = HeapMarks { hooks, workload: k };
            let ran = workload
                .run_on(
                    &layout,
                    own.source,
                    records,
                    plan.as_ref(),
                    false,
                    &mut marks,
                )
                .map_err(|e| HeapError::Run(e.into()))?;
            built_from = ran.records;
        }
        Ok::<_, HeapError>((built_from, built_from))
    });
    drop(profiler);
    let (built_from, mut memory) = measured.with_context(|| format!("layout {layout}"))?;
    memory.source = memory.phases.remove(SOURCE_PHASE);
    if let (Some(path), Some(written)) = (&profile, &writing) {
        std::fs::rename(written, path)
            .with_context(|| format!("cannot move the profile into {}", path.display()))?;
        memory.profile = Some(path.display().to_string());
    }
    let report = ChildReport {
        layout,
        records: built_from,
        memory,
    };
    let mut bytes = serde_json::to_vec(&report)?;
    bytes.push(b'\n');
    crate::commands::emit(&bytes)
}
