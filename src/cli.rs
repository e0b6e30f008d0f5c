//! The command line (SPEC §5): argument parsing and one function per subcommand.

use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};

use crate::error::UsageError;
use crate::inspect::TypeInfo;
use crate::layouts::{self, Layout, LayoutVisitor, LAYOUTS};
use crate::measure::heap::child::{self, ChildRequest};
use crate::measure::heap::spawn::{self, ChildPlan, DEFAULT_PROFILE_DIR};
use crate::measure::{Bytes, Nanos, StageTimes};
use crate::pipeline::{Stage, DEFAULT_WINDOW};
use crate::results::{LayoutResult, MemorySummary, RunReport, Workload};
use crate::runner::{run_timed, RunConfig, TimedRun};
use crate::source::{GeneratorConfig, SourceSpec};
use crate::table::{Align, Table};

/// layoutlab: one sensor record in many memory layouts, through one pipeline, measured.
#[derive(Debug, Parser)]
#[command(name = "layoutlab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the registered layouts: name<TAB>description.
    List,
    /// Write the generated workload as CSV to stdout.
    Generate(GenerateArgs),
    /// Run the pipeline for some layouts (default: all) and print their results.
    Run(RunArgs),
    /// The main job: every layout timed, then heap-profiled (each in a process of its own),
    /// a table here and the report written to --out.
    Compare(CompareArgs),
    /// Rebuild the report files from saved results (and criterion's, if benches have run).
    Report(ReportArgs),
    /// Show field offsets, sizes, padding and cache-line placement of each layout's types.
    Inspect(InspectArgs),
    /// Internal: profile one layout's heap under dhat in this process and print JSON.
    /// `run --memory` and `compare` start it, one process per layout.
    #[command(name = spawn::CHILD_COMMAND, hide = true)]
    ProfileHeap(ProfileHeapArgs),
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// How many readings to write.
    #[arg(long, default_value_t = 1_000_000)]
    records: u64,
    /// How many distinct sensors.
    #[arg(long, default_value_t = 64)]
    sensors: u32,
    /// The random seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Where the readings come from: the generator (default) or `--input FILE`.
#[derive(Debug, Args)]
struct SourceArgs {
    /// Read readings from this CSV file instead of generating them.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["records", "sensors", "seed"])]
    input: Option<PathBuf>,
    /// With --input: skip and count bad rows instead of stopping at the first.
    #[arg(long, requires = "input")]
    skip_invalid: bool,
    /// Generated readings.
    #[arg(long, default_value_t = 1_000_000)]
    records: u64,
    /// Generated distinct sensors.
    #[arg(long, default_value_t = 64)]
    sensors: u32,
    /// The generator's seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The rolling-average window, in records per sensor.
    #[arg(long, default_value_t = DEFAULT_WINDOW)]
    window: NonZeroUsize,
}

impl SourceArgs {
    fn spec(&self) -> Result<SourceSpec> {
        match &self.input {
            Some(path) => Ok(SourceSpec::Csv {
                path: path.clone(),
                skip_invalid: self.skip_invalid,
                fingerprint: None,
            }
            .prepare()?),
            None => Ok(SourceSpec::Generated(generator_config(
                self.records,
                self.sensors,
                self.seed,
            )?)),
        }
    }
}

fn generator_config(records: u64, sensors: u32, seed: u64) -> Result<GeneratorConfig> {
    let max = crate::source::generator::MAX_SENSORS;
    if !(1..=max).contains(&sensors) {
        return Err(UsageError(format!(
            "--sensors must be between 1 and {max}, not {sensors}"
        ))
        .into());
    }
    Ok(GeneratorConfig {
        records,
        sensors,
        seed,
    })
}

#[derive(Debug, Args)]
struct RunArgs {
    /// A layout to run (repeatable); default: every registered layout.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layouts: Vec<String>,
    #[command(flatten)]
    source: SourceArgs,
    /// Timed runs per layout; each stage reports its best time.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    /// Print one JSON document (SPEC §6) instead of a table.
    #[arg(long)]
    json: bool,
    /// Also profile each layout's heap under dhat, each in a process of its own, after the
    /// timed runs.
    #[arg(long)]
    memory: bool,
    #[command(flatten)]
    heap: HeapArgs,
}

#[derive(Debug, Args)]
struct CompareArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Timed runs per layout; each stage reports its best time.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    #[command(flatten)]
    heap: HeapArgs,
    /// Where to write REPORT.md, index.html, results.json and bencher.json.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    /// Run the Python reference on at most this many records (0 skips it); Python is slow,
    /// and its per-record figures barely change with size.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    python_records: u64,
    /// criterion's output directory (read for confidence intervals if benches have run).
    #[arg(long, value_name = "DIR", default_value = "target/criterion")]
    criterion: PathBuf,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// The report directory holding results.json; its files are rewritten.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    /// criterion's output directory; its estimates replace the saved ones when present.
    #[arg(long, value_name = "DIR", default_value = "target/criterion")]
    criterion: PathBuf,
}

/// How heap profiling runs (with `run --memory`, and always under `compare`).
#[derive(Debug, Args)]
struct HeapArgs {
    /// Where dhat profiles go, one `<layout>-<workload>.json` per layout (open them in
    /// DHAT's viewer, dh_view.html).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_PROFILE_DIR)]
    profiles: PathBuf,
    /// Heap-profiling processes running at once, after all timed runs [default: 2, or 1 on
    /// a single core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    jobs: Option<u32>,
}

impl HeapArgs {
    fn jobs(&self) -> usize {
        match self.jobs {
            Some(jobs) => jobs as usize,
            None => std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
        }
    }
}

/// Arguments of the hidden child command (see [`spawn::child_args`], which writes them).
#[derive(Debug, Args)]
struct ProfileHeapArgs {
    /// The layout to profile.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layout: String,
    #[command(flatten)]
    source: SourceArgs,
    /// Save dhat's profile here (default: save none).
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// A layout to inspect (repeatable); default: every registered layout.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layouts: Vec<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

fn layout_names() -> PossibleValuesParser {
    PossibleValuesParser::new(LAYOUTS.iter().map(|l| l.name))
}

/// Parses the command line and runs the command. Usage errors print one line and exit 2
/// (help and version print in full and exit 0).
pub fn main() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
            _ => {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or("invalid arguments");
                let first = first.strip_prefix("error: ").unwrap_or(first);
                return Err(UsageError(format!("{first} (see `layoutlab --help`)")).into());
            }
        },
    };
    match cli.command {
        Command::List => list(),
        Command::Generate(args) => generate(&args),
        Command::Run(args) => run(&args),
        Command::Compare(args) => compare(&args),
        Command::Report(args) => report(&args),
        Command::Inspect(args) => inspect(&args),
        Command::ProfileHeap(args) => profile_heap(&args),
    }
}

fn list() -> Result<()> {
    let mut out = io::stdout().lock();
    for layout in LAYOUTS {
        writeln!(out, "{}\t{}", layout.name, layout.summary)?;
    }
    Ok(())
}

fn generate(args: &GenerateArgs) -> Result<()> {
    let config = generator_config(args.records, args.sensors, args.seed)?;
    crate::source::generator::write_csv(&config, io::stdout().lock())?;
    Ok(())
}

/// Runs `names` (all layouts if empty) and checks that their aggregates agree.
fn run_layouts(names: &[String], config: &RunConfig, progress: bool) -> Result<Vec<TimedRun>> {
    let names: Vec<&str> = if names.is_empty() {
        LAYOUTS.iter().map(|l| l.name).collect()
    } else {
        names.iter().map(String::as_str).collect()
    };
    let bar = if progress {
        crate::progress::bar(
            names.len() as u64 * u64::from(config.repeat.max(1) as u32),
            "timing",
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut runs = Vec::new();
    for name in names {
        bar.set_message(format!("timing {name}"));
        let run = run_timed(name, config).with_context(|| format!("layout {name}"))?;
        bar.inc(config.repeat.max(1) as u64);
        runs.push(run);
    }
    bar.finish_and_clear();
    if let Some((first, rest)) = runs.split_first() {
        let reference = first.result.aggregates();
        for other in rest {
            if !reference.bit_identical(&other.result.aggregates()) {
                config.source.verify_unchanged()?;
            }
            anyhow::ensure!(
                reference.bit_identical(&other.result.aggregates()),
                "layouts {} and {} gave different aggregates for the same input; this is a bug",
                first.result.layout,
                other.result.layout
            );
        }
    }
    Ok(runs)
}

fn workload(spec: &SourceSpec, window: NonZeroUsize, runs: &[TimedRun]) -> Workload {
    let streamed = runs.first().map(|r| r.streamed.clone()).unwrap_or_default();
    Workload {
        source: spec.label(),
        records: streamed.records,
        sensors: streamed.sensors,
        window: window.get(),
        seed: match spec {
            SourceSpec::Generated(g) => Some(g.seed),
            SourceSpec::Csv { .. } => None,
        },
        skipped: streamed.skipped,
    }
}

fn warn_skipped(runs: &[TimedRun]) {
    if let Some(run) = runs.first() {
        if run.streamed.skipped > 0 {
            eprintln!(
                "layoutlab: skipped {} invalid row(s); the first: {}",
                run.streamed.skipped,
                run.streamed.first_skipped.as_deref().unwrap_or("?")
            );
        }
    }
}

fn run(args: &RunArgs) -> Result<()> {
    // Heap flags without --memory would be silently ignored; say so instead.
    if !args.memory
        && (args.heap.jobs.is_some() || args.heap.profiles != Path::new(DEFAULT_PROFILE_DIR))
    {
        return Err(UsageError(
            "--profiles and --jobs apply only with --memory (see `layoutlab --help`)".to_owned(),
        )
        .into());
    }
    let config = RunConfig {
        source: args.source.spec()?,
        window: args.source.window,
        repeat: args.repeat as usize,
    };
    let mut runs = run_layouts(&args.layouts, &config, !args.json)?;
    warn_skipped(&runs);
    if args.memory {
        profile_memory(&mut runs, &config, &args.heap, !args.json)?;
    }
    let report = RunReport {
        workload: workload(&config.source, config.window, &runs),
        results: runs.iter().map(|r| r.result.clone()).collect(),
    };
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return memory_failures(&report.results);
    }
    let w = &report.workload;
    writeln!(
        out,
        "workload: {} — {} records, {} sensors, window {}{}",
        w.source,
        w.records,
        w.sensors,
        w.window,
        if w.skipped > 0 {
            format!(", {} rows skipped", w.skipped)
        } else {
            String::new()
        }
    )?;
    let mut columns = vec![
        ("layout", Align::Left),
        ("kept", Align::Right),
        ("checksum", Align::Right),
        ("ingest", Align::Right),
        ("filter", Align::Right),
        ("normalize", Align::Right),
        ("rolling", Align::Right),
        ("aggregate", Align::Right),
        ("total", Align::Right),
    ];
    if args.memory {
        columns.extend(MEMORY_COLUMNS);
    }
    let mut table = Table::new(&columns);
    for r in &report.results {
        let t = &r.timing_ns;
        let mut row = vec![
            r.layout.clone(),
            r.kept.to_string(),
            format!("{:.6}", r.checksum),
        ];
        row.extend(Stage::ALL.iter().map(|&s| t.get(s).to_string()));
        row.push(t.total().to_string());
        if args.memory {
            row.extend(memory_cells(r.memory.as_ref()));
        }
        table.row(row);
    }
    write!(out, "{}", table.render())?;
    if report.results.len() > 1 {
        writeln!(
            out,
            "aggregates: bit-identical across all {} layouts ({} sensors)",
            report.results.len(),
            report.results[0].sensors.len()
        )?;
    }
    if args.memory {
        let profiled: Vec<(&str, &MemorySummary)> = report
            .results
            .iter()
            .filter_map(|r| r.memory.as_ref().map(|m| (r.layout.as_str(), m)))
            .collect();
        write_memory_notes(&mut out, &profiled)?;
    }
    memory_failures(&report.results)
}

/// The heap columns of the `run --memory` and `compare` tables.
const MEMORY_COLUMNS: [(&str, Align); 4] = [
    ("peak", Align::Right),
    ("B/rec req", Align::Right),
    ("B/rec rsv", Align::Right),
    ("allocs/rec", Align::Right),
];

/// The cells under [`MEMORY_COLUMNS`]: peak (requested), bytes per record requested and
/// reserved, allocations per record; `failed` when the layout's child failed.
fn memory_cells(memory: Option<&MemorySummary>) -> Vec<String> {
    match memory {
        Some(m) => vec![
            Bytes(m.peak_bytes).to_string(),
            format!("{:.1}", m.bytes_per_record),
            m.reserved_bytes_per_record
                .map_or_else(|| "-".to_owned(), |b| format!("{b:.1}")),
            per_record(m.allocations_per_record),
        ],
        None => vec!["failed".to_owned(); MEMORY_COLUMNS.len()],
    }
}

/// A per-record figure with three significant digits below 1 (`0.000540`, not `0.00`), so
/// that "a handful per million records" stays visible; two decimals above.
fn per_record(x: f64) -> String {
    if x == 0.0 || x >= 1.0 || !x.is_finite() {
        format!("{x:.2}")
    } else {
        let decimals = (-x.log10()).floor() as usize + 3;
        format!("{x:.decimals$}")
    }
}

/// Profiles every run's layout in child processes (after all timed runs) and attaches the
/// figures; a failed child leaves `memory_error` set and is reported on stderr.
///
/// The slowest timed layout starts first: profiling time follows allocations, which follow
/// time, and the longest child should not be the one left running alone at the end.
///
/// An input file that changed while the children read it is the error, not their failures.
fn profile_memory(
    runs: &mut [TimedRun],
    config: &RunConfig,
    heap: &HeapArgs,
    progress: bool,
) -> Result<()> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(runs[i].result.timing_ns.total()));
    let names: Vec<String> = order
        .iter()
        .map(|&i| runs[i].result.layout.clone())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let plan = ChildPlan {
        source: &config.source,
        window: config.window,
        profile_dir: Some(&heap.profiles),
        jobs: heap.jobs(),
    };
    let bar = if progress {
        crate::progress::bar(names.len() as u64, "heap profile")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let outcomes = spawn::profile_all(&names, &plan, &bar);
    bar.finish_and_clear();
    config.source.verify_unchanged()?;
    for (&i, outcome) in order.iter().zip(outcomes) {
        spawn::attach(&mut runs[i].result, outcome);
    }
    for run in runs.iter() {
        if let Some(error) = &run.result.memory_error {
            eprintln!(
                "layoutlab: heap profile of {} failed: {error}",
                run.result.layout
            );
        }
    }
    Ok(())
}

/// An error naming the layouts whose heap profile failed, if any did. It comes last, after
/// everything that did work has been printed, so one failed child never hides the others.
fn memory_failures(results: &[LayoutResult]) -> Result<()> {
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.memory_error.is_some())
        .map(|r| r.layout.as_str())
        .collect();
    anyhow::ensure!(
        failed.is_empty(),
        "heap profiling failed for {} layout(s): {} (the other results above are complete)",
        failed.len(),
        failed.join(", ")
    );
    Ok(())
}

/// Peak live bytes per record in each phase, and where the dhat profiles went.
fn write_memory_notes(out: &mut impl Write, profiled: &[(&str, &MemorySummary)]) -> io::Result<()> {
    if profiled.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nheap peak per record by phase, requested bytes (reserved in parentheses):"
    )?;
    let mut columns = vec![("layout", Align::Left)];
    columns.extend(Stage::ALL.iter().map(|s| (s.name(), Align::Right)));
    let mut table = Table::new(&columns);
    for (layout, memory) in profiled {
        let mut row = vec![(*layout).to_owned()];
        row.extend(Stage::ALL.iter().map(|&stage| {
            let phase = memory.phases.get(stage);
            match phase.reserved_bytes_per_record {
                Some(reserved) => format!("{:.1} ({reserved:.1})", phase.bytes_per_record),
                None => format!("{:.1}", phase.bytes_per_record),
            }
        }));
        table.row(row);
    }
    write!(out, "{}", table.render())?;
    let files: Vec<&str> = profiled
        .iter()
        .filter_map(|(_, m)| m.profile.as_deref())
        .collect();
    if let Some(first) = files.first() {
        let dir = std::path::Path::new(first)
            .parent()
            .map_or_else(|| ".".to_owned(), |d| d.display().to_string());
        writeln!(
            out,
            "dhat profiles: {} file(s) in {dir}/ — open them in DHAT's viewer \
             (/usr/libexec/valgrind/dh_view.html)",
            files.len()
        )?;
    }
    Ok(())
}

fn profile_heap(args: &ProfileHeapArgs) -> Result<()> {
    let source = args.source.spec()?;
    let report = child::run(&ChildRequest {
        layout: &args.layout,
        source: &source,
        window: args.source.window,
        profile: args.profile.as_deref(),
    })?;
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &report)?;
    writeln!(out)?;
    Ok(())
}

fn compare(args: &CompareArgs) -> Result<()> {
    let opts = crate::compare::CompareOptions {
        config: RunConfig {
            source: args.source.spec()?,
            window: args.source.window,
            repeat: args.repeat as usize,
        },
        out: args.out.clone(),
        python_records: args.python_records,
        criterion_dir: args.criterion.clone(),
        access_reads: 1_000_000,
        profiles: args.heap.profiles.clone(),
        jobs: args.heap.jobs(),
    };
    let (data, written) = crate::compare::compare(&opts)?;
    let w = &data.workload;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "workload: {} — {} records, {} sensors, window {}\n\
         time: ns per record, best of {} run(s); heap: dhat, each layout in a process of its \
         own (req = requested, rsv = reserved by the allocator)",
        w.source, w.records, w.sensors, w.window, data.repeat
    )?;
    write!(out, "{}", comparison_table(&data).render())?;
    if let Some((_, t)) = data.timed().next() {
        writeln!(
            out,
            "aggregates: bit-identical across all {} timed layouts (kept {}, checksum {})",
            data.timed().count(),
            t.kept,
            t.checksum
        )?;
    }
    let profiled: Vec<(&str, &MemorySummary)> = data
        .profiled()
        .map(|(l, m)| (l.layout.as_str(), m))
        .collect();
    write_memory_notes(&mut out, &profiled)?;
    for l in &data.layouts {
        for e in &l.errors {
            eprintln!("layoutlab: {} failed: {e}", l.layout);
        }
    }
    if let crate::report::PythonSection::Skipped { reason } = &data.python {
        writeln!(out, "Python reference skipped: {reason}")?;
    }
    writeln!(
        out,
        "report: {}",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    Ok(())
}

fn report(args: &ReportArgs) -> Result<()> {
    let mut data = crate::report::load(&args.out)?;
    let estimates = crate::report::criterion::load(&args.criterion)?;
    if !estimates.is_empty() {
        data.criterion = estimates;
    }
    let written = crate::report::write_report(&args.out, &data, &[])?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "report rebuilt from {} ({} criterion estimates): {}",
        args.out.join(crate::report::RESULTS_FILE).display(),
        data.criterion.len(),
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    Ok(())
}

/// ns/record per stage, the pipeline total and its ratio to the fastest layout, then the
/// heap per record.
fn comparison_table(data: &crate::report::ReportData) -> Table {
    let mut columns = vec![("layout", Align::Left)];
    columns.extend(Stage::ALL.iter().map(|s| (s.name(), Align::Right)));
    columns.push(("pipeline", Align::Right));
    columns.push(("vs best", Align::Right));
    columns.extend(MEMORY_COLUMNS);
    let mut table = Table::new(&columns);
    let best = data
        .timed()
        .map(|(_, t)| t.best.pipeline())
        .min()
        .unwrap_or(Nanos(0));
    for l in &data.layouts {
        let mut row = vec![l.layout.clone()];
        match &l.timing {
            Some(t) => {
                let n = t.records;
                let times: &StageTimes = &t.best;
                row.extend(
                    Stage::ALL
                        .iter()
                        .map(|&s| format!("{:.1}", times.get(s).per(n))),
                );
                row.push(format!("{:.1}", times.pipeline().per(n)));
                row.push(if best.0 == 0 {
                    "-".into()
                } else {
                    format!("{:.2}x", times.pipeline().0 as f64 / best.0 as f64)
                });
            }
            None => row.extend(std::iter::repeat_n("-".to_owned(), Stage::ALL.len() + 2)),
        }
        row.extend(memory_cells(l.memory.as_ref()));
        table.row(row);
    }
    table
}

/// One layout's types, as `inspect --json` prints them.
#[derive(Debug, serde::Serialize)]
struct Inspected {
    layout: &'static str,
    types: Vec<TypeInfo>,
}

fn inspect(args: &InspectArgs) -> Result<()> {
    struct Collect(Vec<Inspected>);
    impl LayoutVisitor for Collect {
        fn visit<L: Layout>(&mut self) {
            self.0.push(Inspected {
                layout: L::NAME,
                types: L::types(),
            });
        }
    }
    let mut all = Collect(Vec::new());
    if args.layouts.is_empty() {
        layouts::visit_all(&mut all);
    } else {
        for name in &args.layouts {
            layouts::visit_named(name, &mut all);
        }
    }
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &all.0)?;
        writeln!(out)?;
        return Ok(());
    }
    for inspected in &all.0 {
        for ty in &inspected.types {
            writeln!(
                out,
                "{} — {}: size {} B, align {}, padding {} B, {:.2} per 64-byte cache line",
                inspected.layout,
                ty.name,
                ty.size,
                ty.align,
                ty.padding(),
                ty.per_cache_line()
            )?;
            let mut table = Table::new(&[
                ("field", Align::Left),
                ("offset", Align::Right),
                ("size", Align::Right),
                ("padding after", Align::Right),
            ]);
            for f in &ty.fields {
                table.row(vec![
                    f.name.to_owned(),
                    f.offset.to_string(),
                    f.size.to_string(),
                    f.padding_after.to_string(),
                ]);
            }
            write!(out, "{}", table.render())?;
            let straddling = ty.straddling_fields();
            if !straddling.is_empty() {
                writeln!(
                    out,
                    "in an array, these fields straddle a cache line for some elements: {}",
                    straddling.join(", ")
                )?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_per_record_figures_keep_three_significant_digits() {
        assert_eq!(per_record(9.0047), "9.00");
        assert_eq!(per_record(0.00054), "0.000540");
        assert_eq!(per_record(0.0123), "0.0123");
        assert_eq!(per_record(0.5), "0.500");
        assert_eq!(per_record(0.0), "0.00");
    }
}
