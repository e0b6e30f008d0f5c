//! The harness's parent side: the session's rounds and profiling children over the user's
//! record, then what only a user's record has — which fields each workload touches, what
//! the text fields hold — gathered into the results model and handed to the exporters.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Result;

use super::args::Settings;
use super::runner::Runner;
use super::source::{IngestError, RecordSource};
use super::subject::Own;
use crate::model::{
    RecordField, RecordSection, Results, StringStats, Workload, WorkloadAccess, FORMAT,
};
use crate::own::{FieldCounts, Record};
use crate::session::{self, HeapPlan, Plan};

/// Random whole-record reads per layout and round.
const ACCESS_READS: u64 = 200_000;

/// Measures, prints and (in a real run) writes the report into `out`.
pub(crate) fn run<R: Record>(own: &Own<'_, R>, settings: &Settings, out: &Path) -> Result<()> {
    if settings.bench {
        crate::report::check_writable(out)?;
    }
    // One counted run per workload, before anything is timed: which fields it touches (for
    // the report) and whether it leaves its store unchanged (then it is timed warm too).
    let counted = count(own.workloads, own.source, settings.records)?;
    let warm: Vec<bool> = counted
        .iter()
        .map(|c| settings.bench && c.as_ref().is_some_and(|(_, unchanged)| *unchanged))
        .collect();
    let own = Own {
        records: settings.records,
        warm: &warm,
        ..*own
    };
    crate::interrupt::install();
    let plan = Plan {
        layouts: R::layouts().iter().map(|l| l.name.to_owned()).collect(),
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
    let section = record_section::<R>(own.workloads, &counted, own.source, records)?;
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
        extra: Default::default(),
    };
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

/// Each workload's field accesses on a counting store, and whether it left the store
/// unchanged; `None` for a workload that panicked (the timed rounds report it).
type Counted = Vec<Option<(Vec<FieldCounts>, bool)>>;

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
            let (counts, _) = c.as_ref()?;
            Some(WorkloadAccess {
                workload: w.name().to_owned(),
                records,
                fields: counts.iter().map(|c| (c.reads, c.writes)).collect(),
            })
        })
        .collect();
    Ok(RecordSection {
        name: schema.name.to_owned(),
        fields: schema
            .fields
            .iter()
            .map(|f| RecordField {
                name: f.name.to_owned(),
                ty: f.ty.to_owned(),
                size: f.size,
                packed_size: f.packed_size,
                intern: f.intern.map(|w| w.type_name().to_owned()),
                cold: f.cold,
            })
            .collect(),
        workloads: workloads.iter().map(|w| w.name().to_owned()).collect(),
        access,
        strings: string_stats::<R>(source, records)?,
        record_type: R::type_info(),
        bench: super::bench_target(),
    })
}

/// Distinct values and the length distribution of every `String` field.
fn string_stats<R: Record>(source: &RecordSource<R>, records: u64) -> Result<Vec<StringStats>> {
    let fields = R::SCHEMA.fields;
    let mut distinct: Vec<HashSet<Box<str>>> = fields.iter().map(|_| HashSet::new()).collect();
    let mut capped = vec![false; fields.len()];
    let mut lengths: Vec<Vec<u32>> = fields.iter().map(|_| Vec::new()).collect();
    source.stream(records, &mut |record: R| {
        record.visit_strings(|i, text| {
            lengths[i].push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            if distinct[i].len() < StringStats::DISTINCT_CAP as usize {
                if !distinct[i].contains(text) {
                    distinct[i].insert(text.into());
                }
            } else if !distinct[i].contains(text) {
                capped[i] = true;
            }
        });
        Ok(())
    })?;
    for lens in &mut lengths {
        lens.sort_unstable();
    }
    Ok(fields
        .iter()
        .enumerate()
        .filter(|(i, _)| !lengths[*i].is_empty())
        .map(|(i, f)| {
            let lens = &lengths[i];
            let at = |q: f64| lens[((lens.len() - 1) as f64 * q).round() as usize] as usize;
            StringStats {
                field: f.name.to_owned(),
                distinct: distinct[i].len() as u64,
                capped: capped[i],
                len_median: at(0.5),
                len_p99: at(0.99),
                len_max: *lens.last().unwrap_or(&0) as usize,
                len_mean: lens.iter().map(|&l| f64::from(l)).sum::<f64>() / lens.len() as f64,
            }
        })
        .collect())
}
