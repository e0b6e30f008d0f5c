//! The harness's parent side: the session's rounds and profiling children over the user's
//! record, then what only a user's record has — which fields each workload touches, what
//! the text fields hold — gathered into the results model and handed to the exporters.

use std::path::Path;

use anyhow::Result;

use std::collections::BTreeMap;

use super::args::Settings;
use super::runner::{self, Runner};
use super::source::{IngestError, RecordSource};
use super::subject::Own;
use super::Proposing;
use crate::model::{RecordField, RecordSection, Results, Workload, WorkloadAccess, FORMAT};
use crate::own::{FieldKind, Record};
use crate::session::{self, HeapPlan, Plan};

/// Random whole-record reads per layout and round.
const ACCESS_READS: u64 = 200_000;

/// Measures, prints and (in a real run) writes the report into `out`.
pub(crate) fn run<R: Record>(
    own: &Own<'_, R>,
    settings: &Settings,
    proposing: &Proposing,
    out: &Path,
) -> Result<()> {
    if settings.bench {
        crate::report::check_writable(out)?;
    }
    // One counted run per workload, before anything is timed: which fields it touches and
    // which together (for the report and the proposal), and whether it leaves its store
    // unchanged (then it is timed warm too).
    let counted = count(own.workloads, own.source, settings.records)?;
    let warm: Vec<bool> = counted
        .iter()
        .map(|c| settings.bench && c.as_ref().is_some_and(|c| c.unchanged))
        .collect();
    let counted_records = counted
        .iter()
        .flatten()
        .map(|c| c.records)
        .next()
        .unwrap_or(settings.records);
    let section = record_section::<R>(own.workloads, &counted, own.source, counted_records)?;
    crate::interrupt::install();
    // The proposal: candidates from the trace and the data, screened; the winner runs in the
    // rounds beside every fixed layout as `proposed`.
    let weights: BTreeMap<String, f64> = own
        .workloads
        .iter()
        .zip(&counted)
        .filter(|(_, c)| c.is_some())
        .map(|(w, _)| {
            let weight = proposing
                .weights
                .iter()
                .rev()
                .find(|(n, _)| n == w.name())
                .map_or(1.0, |(_, x)| *x);
            (w.name().to_owned(), weight)
        })
        .filter(|(_, weight)| *weight > 0.0)
        .collect();
    let chosen = if settings.bench && proposing.enabled && !weights.is_empty() {
        eprintln!("layoutlab: proposing a layout: screening the candidates…");
        super::propose::choose(
            &section,
            own.workloads,
            &weights,
            proposing.optimize,
            own.source,
            counted_records,
        )?
    } else {
        None
    };
    let own = Own {
        records: settings.records,
        warm: &warm,
        plan: chosen.as_ref().map(|c| &c.candidate.plan),
        ..*own
    };
    let mut layouts: Vec<String> = R::layouts().iter().map(|l| l.name.to_owned()).collect();
    if chosen.is_some() {
        layouts.push(crate::analysis::proposal::PROPOSED.to_owned());
    }
    let plan = Plan {
        layouts,
        repeat: settings.rounds,
        access_reads: if settings.bench { ACCESS_READS } else { 0 },
        records: None,
        sizes: Vec::new(),
        costs: None,
        heap: settings.memory.then(|| HeapPlan {
            profiles: Some(out.join("dhat")),
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
        }),
        stop_at_first_failure: false,
        progress: settings.bench,
    };
    let measured = session::measure(&own, &plan)?;
    let records = measured
        .layouts
        .iter()
        .find_map(|l| l.timing.as_ref().map(|t| t.records))
        .unwrap_or(settings.records);
    let mut section = section;
    for a in &mut section.access {
        a.records = records;
    }
    let mut results = Results {
        format: FORMAT,
        machine: crate::measure::machine::current(),
        workload: Workload {
            source: own.source.label(),
            records,
            sensors: None,
            window: None,
            seed: None,
            skipped: 0,
        },
        repeat: settings.rounds,
        layouts: measured.layouts,
        scaling: Vec::new(),
        sweep: None,
        costs_note: None,
        python: crate::model::PythonSection::Skipped {
            reason: "the Python reference is for the built-in sensor reading".to_owned(),
        },
        criterion: Vec::new(),
        record: Some(section),
        proposal: None,
        extra: Default::default(),
    };
    results.proposal = chosen
        .as_ref()
        .map(|c| crate::analysis::proposal::conclude(&results, c, R::SCHEMA));
    let criterion = super::target_dir().join("criterion");
    results.criterion = crate::import::criterion::load(&criterion).unwrap_or_default();

    let printed = if settings.bench {
        crate::report::terminal::own(&results, own.name)
    } else {
        crate::report::terminal::own_check(&results, own.name)
    };
    crate::commands::emit(printed.as_bytes())?;
    for (failure, layouts) in grouped_failures(&results) {
        eprintln!("layoutlab: {}: {failure}", layouts.join(", "));
    }
    if settings.bench {
        let written = crate::report::write_report(out, &results)?;
        let report = written.iter().find(|p| p.ends_with("REPORT.md"));
        crate::commands::emit(
            format!(
                "report: {} (and index.html, results.json, bencher.json beside it)\n",
                report.map_or_else(|| out.display().to_string(), |p| p.display().to_string())
            )
            .as_bytes(),
        )?;
    } else {
        crate::commands::emit(
            b"test run (no --bench): every layout ran every workload once on a few records; \
              `cargo bench` measures and writes the report\n",
        )?;
    }
    crate::commands::failures(&results.failed_measurements())
}

/// Every failure once, with the layouts it happened on (a workload that panics usually
/// panics on all of them), in the order first seen.
fn grouped_failures(results: &Results) -> Vec<(String, Vec<&str>)> {
    let mut grouped: Vec<(String, Vec<&str>)> = Vec::new();
    for l in &results.layouts {
        for e in &l.errors {
            let line = e.to_string();
            match grouped.iter_mut().find(|(f, _)| *f == line) {
                Some((_, layouts)) => layouts.push(&l.layout),
                None => grouped.push((line, vec![&l.layout])),
            }
        }
    }
    grouped
}

/// Each workload's counted run; `None` for a workload that panicked (the timed rounds
/// report it).
type Counted = Vec<Option<runner::Counted>>;

fn count<R: Record>(
    workloads: &[Box<dyn Runner<R> + Send + Sync>],
    source: &RecordSource<R>,
    records: u64,
) -> Result<Counted> {
    let mut counted = Vec::new();
    for w in workloads {
        counted.push(match super::panic::catch(|| w.count(source, records)) {
            Ok(counts) => Some(counts.map_err(IngestError::into_anyhow)?),
            Err(_) => None,
        });
    }
    Ok(counted)
}

/// What the report says about the record itself: its fields, which of them each workload
/// reads and writes (counted on one run per workload), and what its text fields hold.
fn record_section<R: Record>(
    workloads: &[Box<dyn Runner<R> + Send + Sync>],
    counted: &Counted,
    source: &RecordSource<R>,
    records: u64,
) -> Result<RecordSection> {
    let schema = R::SCHEMA;
    let access = workloads
        .iter()
        .zip(counted)
        .filter_map(|(w, c)| {
            let c = c.as_ref()?;
            Some(WorkloadAccess {
                workload: w.name().to_owned(),
                records: c.records,
                fields: c.counts.iter().map(|c| (c.reads, c.writes)).collect(),
                coaccess: c.coaccess.clone(),
            })
        })
        .collect();
    let data = super::data::gather(source, records)?;
    let kind_name = |k: FieldKind| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    Ok(RecordSection {
        name: schema.name.to_owned(),
        fields: schema
            .leaves()
            .into_iter()
            .map(|leaf| RecordField {
                name: leaf.path,
                ty: leaf.field.ty.to_owned(),
                size: leaf.field.size,
                packed_size: leaf.field.packed_size,
                intern: leaf.field.intern.map(|w| w.type_name().to_owned()),
                cold: leaf.cold,
                kind: kind_name(leaf.field.kind),
                element: leaf.field.element.map(kind_name),
            })
            .collect(),
        workloads: workloads.iter().map(|w| w.name().to_owned()).collect(),
        access,
        strings: data.strings,
        options: data.options,
        lists: data.lists,
        ints: data.ints,
        record_type: R::type_info(),
        bench: super::bench_target(),
    })
}
