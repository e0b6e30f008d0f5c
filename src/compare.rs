//! The main job: every layout timed (and, in its own process, heap-profiled) on one
//! workload, plus the Python reference, gathered into a [`ReportData`] and written out.
//!
//! Order matters on a small machine: all timings are taken first, one layout at a time,
//! before anything else runs, so no measurement overlaps another.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::layouts::{visit_named, Layout, LayoutVisitor, LAYOUTS};
use crate::measure::heap::spawn::{self, ChildPlan};
use crate::measure::Nanos;
use crate::pipeline::Aggregates;
use crate::report::python::{self, PythonSection};
use crate::report::{self, LayoutReport, Machine, ReportData, ScalePoint, Timing};
use crate::results::Workload;
use crate::runner::{probe_access, run_timed, RunConfig};
use crate::source::{GeneratorConfig, SourceSpec};

/// What `compare` runs and where it writes.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// The workload and timing settings.
    pub config: RunConfig,
    /// The report directory.
    pub out: PathBuf,
    /// Run the Python reference on at most this many records (0: skip it).
    pub python_records: u64,
    /// criterion's output directory, for confidence intervals when benches have run.
    pub criterion_dir: PathBuf,
    /// Random reads per layout for the by-index probe.
    pub access_reads: u64,
    /// Where dhat profiles go.
    pub profiles: PathBuf,
    /// Heap-profiling processes at once.
    pub jobs: usize,
}

/// Sizes below the workload's at which a generated workload is also measured, for the
/// scaling curves.
const SCALING_SIZES: [u64; 3] = [1_000, 10_000, 100_000];

/// Runs everything and writes the report; returns the data and the files written.
pub fn compare(opts: &CompareOptions) -> Result<(ReportData, Vec<PathBuf>)> {
    let config = &opts.config;
    let scaled: Vec<(u64, RunConfig)> = match &config.source {
        SourceSpec::Generated(g) => SCALING_SIZES
            .iter()
            .filter(|&&n| n < g.records)
            .map(|&n| {
                let mut c = config.clone();
                c.source = SourceSpec::Generated(GeneratorConfig {
                    records: n,
                    ..g.clone()
                });
                (n, c)
            })
            .collect(),
        SourceSpec::Csv { .. } => Vec::new(),
    };
    // Per layout: the timed runs, the random-read probe, a timed run per smaller size, and
    // a heap profile per size; then the Python reference.
    let steps = LAYOUTS.len() as u64 * (2 + 2 * scaled.len() as u64 + 1) + 1;
    let bar = crate::progress::bar(steps, "compare");

    let mut layouts = Vec::new();
    let mut scaling = Vec::new();
    let mut workload: Option<Workload> = None;
    let mut reference: Option<Aggregates> = None;
    for info in LAYOUTS {
        bar.set_message(format!("timing {}", info.name));
        let mut entry = LayoutReport {
            layout: info.name.to_owned(),
            summary: info.summary.to_owned(),
            runtime_schema: info.runtime_schema,
            types: types_of(info.name),
            timing: None,
            memory: None,
            errors: Vec::new(),
        };
        match run_timed(info.name, config) {
            Ok(run) => {
                let r = &run.result;
                if let Some(reference) = &reference {
                    if !reference.bit_identical(&r.aggregates()) {
                        config.source.verify_unchanged()?;
                    }
                    anyhow::ensure!(
                        reference.bit_identical(&r.aggregates()),
                        "layout {} gave different aggregates from the others; this is a bug",
                        info.name
                    );
                } else {
                    reference = Some(r.aggregates());
                }
                workload.get_or_insert_with(|| Workload {
                    source: config.source.label(),
                    records: run.streamed.records,
                    sensors: run.streamed.sensors,
                    window: config.window.get(),
                    seed: match &config.source {
                        SourceSpec::Generated(g) => Some(g.seed),
                        SourceSpec::Csv { .. } => None,
                    },
                    skipped: run.streamed.skipped,
                });
                bar.inc(1);
                bar.set_message(format!("random reads {}", info.name));
                let access = probe_named(info.name, config, opts.access_reads.min(r.records * 4));
                bar.inc(1);
                let (access_reads, access_ns) = match access {
                    Ok(p) => (p.reads, p.elapsed),
                    Err(e) => {
                        entry.errors.push(format!("random-read probe: {e}"));
                        (0, Nanos(0))
                    }
                };
                scaling.push(ScalePoint {
                    layout: info.name.to_owned(),
                    records: r.records,
                    pipeline: Some(r.timing_ns.pipeline()),
                    ingest: Some(r.timing_ns.ingest),
                    peak_bytes: None,
                });
                entry.timing = Some(Timing {
                    records: r.records,
                    kept: r.kept,
                    checksum: r.checksum,
                    best: r.timing_ns,
                    runs: run.runs.clone(),
                    drop: run.drop,
                    access_reads,
                    access: access_ns,
                });
            }
            Err(e) => {
                entry.errors.push(format!("timed run: {e}"));
                bar.inc(2);
            }
        }
        for (n, c) in &scaled {
            bar.set_message(format!("timing {} at {n} records", info.name));
            if let Ok(run) = run_timed(info.name, c) {
                scaling.push(ScalePoint {
                    layout: info.name.to_owned(),
                    records: *n,
                    pipeline: Some(run.result.timing_ns.pipeline()),
                    ingest: Some(run.result.timing_ns.ingest),
                    peak_bytes: None,
                });
            }
            bar.inc(1);
        }
        layouts.push(entry);
    }
    let workload = workload.context("no layout could run this workload")?;

    // Heap profiles, only now that every timing is done: each layout in a process of its
    // own, slowest first so the pair of children finishes together.
    profile_heaps(opts, &mut layouts, &mut scaling, &scaled, &bar);
    config.source.verify_unchanged()?;

    bar.set_message("Python reference");
    let python = python_section(opts, &layouts).unwrap_or_else(|e| PythonSection::Skipped {
        reason: format!("the script failed: {e:#}"),
    });
    bar.inc(1);
    bar.finish_and_clear();

    let mut data = ReportData {
        format: report::FORMAT,
        machine: Machine::current(),
        workload,
        repeat: config.repeat.max(1),
        layouts,
        scaling,
        python,
        criterion: Vec::new(),
    };
    data.scaling
        .sort_by(|a, b| (&a.layout, a.records).cmp(&(&b.layout, b.records)));
    data.criterion = report::criterion::load(&opts.criterion_dir).unwrap_or_default();
    let written = report::write_report(&opts.out, &data, &[])?;
    Ok((data, written))
}

fn profile_heaps(
    opts: &CompareOptions,
    layouts: &mut [LayoutReport],
    scaling: &mut [ScalePoint],
    scaled: &[(u64, RunConfig)],
    bar: &indicatif::ProgressBar,
) {
    let mut order: Vec<usize> = (0..layouts.len())
        .filter(|&i| layouts[i].timing.is_some())
        .collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(
            layouts[i]
                .timing
                .as_ref()
                .map_or(Nanos(0), |t| t.best.total()),
        )
    });
    let names: Vec<String> = order.iter().map(|&i| layouts[i].layout.clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let plan = ChildPlan {
        source: &opts.config.source,
        window: opts.config.window,
        profile_dir: Some(&opts.profiles),
        jobs: opts.jobs,
    };
    let outcomes = spawn::profile_all(&names, &plan, bar);
    for (&i, outcome) in order.iter().zip(outcomes) {
        let entry = &mut layouts[i];
        let t = entry
            .timing
            .as_ref()
            .expect("only timed layouts are profiled");
        match spawn::checked(outcome, &entry.layout, t.records, t.kept, t.checksum) {
            Ok(memory) => {
                if let Some(point) = scaling
                    .iter_mut()
                    .find(|p| p.layout == entry.layout && p.records == t.records)
                {
                    point.peak_bytes = Some(memory.peak_bytes);
                }
                entry.memory = Some(memory);
            }
            Err(e) => entry.errors.push(format!("heap profile: {e}")),
        }
    }
    bar.inc((LAYOUTS.len() - names.len()) as u64);

    // The smaller sizes, for the scaling curves (no profile files for these).
    for (n, config) in scaled {
        let plan = ChildPlan {
            source: &config.source,
            window: config.window,
            profile_dir: None,
            jobs: opts.jobs,
        };
        for (name, outcome) in names.iter().zip(spawn::profile_all(&names, &plan, bar)) {
            let Some(point) = scaling
                .iter_mut()
                .find(|p| p.layout == *name && p.records == *n)
            else {
                continue;
            };
            match outcome {
                Ok(report) if report.records == *n => {
                    point.peak_bytes = Some(report.memory.peak_bytes)
                }
                Ok(_) => {}
                Err(e) => {
                    if let Some(entry) = layouts.iter_mut().find(|l| l.layout == *name) {
                        entry
                            .errors
                            .push(format!("heap profile at {n} records: {e}"));
                    }
                }
            }
        }
        bar.inc((LAYOUTS.len() - names.len()) as u64);
    }
}

fn types_of(name: &str) -> Vec<crate::inspect::TypeInfo> {
    struct Types(Vec<crate::inspect::TypeInfo>);
    impl LayoutVisitor for Types {
        fn visit<L: Layout>(&mut self) {
            self.0 = L::types();
        }
    }
    let mut types = Types(Vec::new());
    visit_named(name, &mut types);
    types.0
}

fn probe_named(
    name: &str,
    config: &RunConfig,
    reads: u64,
) -> Result<crate::runner::AccessProbe, crate::error::SourceError> {
    struct Probe<'a> {
        config: &'a RunConfig,
        reads: u64,
        out: Option<Result<crate::runner::AccessProbe, crate::error::SourceError>>,
    }
    impl LayoutVisitor for Probe<'_> {
        fn visit<L: Layout>(&mut self) {
            self.out = Some(probe_access::<L>(self.config, self.reads));
        }
    }
    let mut probe = Probe {
        config,
        reads,
        out: None,
    };
    visit_named(name, &mut probe);
    probe.out.expect("a registered layout")
}

/// Runs the Python reference on the same readings (capped at `python_records`), and
/// checks it against a Rust layout's result on those same readings.
fn python_section(opts: &CompareOptions, layouts: &[LayoutReport]) -> Result<PythonSection> {
    if opts.python_records == 0 {
        return Ok(PythonSection::Skipped {
            reason: "turned off with --python-records 0".to_owned(),
        });
    }
    let Some(rust_layout) = layouts.iter().find(|l| l.timing.is_some()) else {
        return Ok(PythonSection::Skipped {
            reason: "no Rust layout ran, so there is nothing to check Python against".to_owned(),
        });
    };
    let dir = std::env::temp_dir().join(format!("layoutlab-python-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = (|| {
        let (csv, config) = match &opts.config.source {
            SourceSpec::Generated(g) => {
                let g = GeneratorConfig {
                    records: g.records.min(opts.python_records),
                    ..g.clone()
                };
                let csv = dir.join("workload.csv");
                crate::source::generator::write_csv(&g, std::fs::File::create(&csv)?)?;
                let mut config = opts.config.clone();
                config.source = SourceSpec::Csv {
                    path: csv.clone(),
                    skip_invalid: false,
                    fingerprint: None,
                };
                config.repeat = 1;
                (csv, config)
            }
            SourceSpec::Csv {
                path, skip_invalid, ..
            } => {
                let records = layouts
                    .iter()
                    .find_map(|l| l.timing.as_ref().map(|t| t.records))
                    .unwrap_or(0);
                if records > opts.python_records {
                    return Ok(PythonSection::Skipped {
                        reason: format!(
                            "the input has {records} records, more than --python-records {}",
                            opts.python_records
                        ),
                    });
                }
                if *skip_invalid {
                    return Ok(PythonSection::Skipped {
                        reason:
                            "the Python script reads only valid files (--skip-invalid was given)"
                                .to_owned(),
                    });
                }
                let mut config = opts.config.clone();
                config.repeat = 1;
                (path.clone(), config)
            }
        };
        let rust = run_timed(&rust_layout.layout, &config)?.result.aggregates();
        python::run(&csv, config.window.get(), &rust)
    })();
    std::fs::remove_dir_all(&dir).ok();
    result
}
