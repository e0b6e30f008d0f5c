//! The harness for your own record: every layout of it, your workloads, timed in paired
//! rounds and heap-profiled in processes of their own, reported like `layoutlab compare`.
//!
//! A bench file (`harness = false`) builds a [`Harness`] and calls [`Harness::run`]; `cargo
//! bench` runs it. The same binary is its own profiling child: when the harness starts it
//! again to profile one layout's heap, [`Harness::run`] sees that and measures instead.

mod args;
mod child;
mod data;
mod fits;
mod panic;
mod propose;
mod report;
mod runner;
mod source;
mod subject;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};

pub use self::propose::Optimize;
use self::runner::{Named, Runner};
use self::source::RecordSource;
use self::subject::{LeftOut, Own, CHILD_ENV};
use crate::error::UsageError;
use crate::own::{Record, Workload};

/// Measures a record in every layout with your workloads, and writes the report.
///
/// # Examples
///
/// A bench file (`benches/trades.rs`, with `harness = false` in `Cargo.toml`):
///
/// ```no_run
/// use layoutlab::{Harness, Record, Scalar, Store, Workload};
///
/// layoutlab::global_allocator!();
///
/// #[derive(Record, Clone, Debug, PartialEq)]
/// pub struct Trade {
///     #[record(intern = u16)]
///     pub symbol: String,
///     pub price: f64,
///     pub qty: u32,
/// }
///
/// struct Notional;
/// impl Workload<Trade> for Notional {
///     type Output = f64;
///     fn run<S: Store<Trade>>(&self, trades: &mut S) -> f64 {
///         (0..trades.len()).map(|i| trades.price(i) * f64::from(trades.qty(i))).sum()
///     }
/// }
///
/// fn main() {
///     Harness::<Trade>::new("trades")
///         .records(100_000)
///         .generate(|i| Trade { symbol: format!("S{}", i % 50), price: i as f64, qty: 1 })
///         .workload("notional", Notional)
///         .run();
/// }
/// ```
pub struct Harness<R: Record> {
    name: String,
    records: u64,
    rounds: usize,
    source: Option<RecordSource<R>>,
    workloads: Vec<Box<dyn Runner<R> + Send + Sync>>,
    out: Option<PathBuf>,
    memory: bool,
    proposing: Proposing,
}

/// How the harness proposes a layout: the workloads' weights, what to minimise, and
/// whether to propose at all.
#[derive(Debug, Clone)]
pub(crate) struct Proposing {
    pub enabled: bool,
    pub weights: Vec<(String, f64)>,
    pub optimize: Optimize,
}

/// The rounds a harness runs unless told otherwise: the fewest that give a true 95 %
/// interval for the median.
const DEFAULT_ROUNDS: usize = 9;

impl<R: Record> Harness<R> {
    /// A harness called `name`: its report goes to `target/layoutlab/<name>/`.
    pub fn new(name: &str) -> Self {
        Harness {
            name: name.to_owned(),
            records: 100_000,
            rounds: DEFAULT_ROUNDS,
            source: None,
            workloads: Vec::new(),
            out: None,
            memory: true,
            proposing: Proposing {
                enabled: true,
                weights: Vec::new(),
                optimize: Optimize::Time,
            },
        }
    }

    /// How many records each store holds (default 100 000; at most all of a file's).
    pub fn records(mut self, records: u64) -> Self {
        self.records = records;
        self
    }

    /// Timed rounds: each runs every layout once, in a rotated order (default 9).
    /// Zero is a usage error when the harness runs (exit 2), as `--rounds 0` is.
    pub fn rounds(mut self, rounds: usize) -> Self {
        self.rounds = rounds;
        self
    }

    /// Records made by `make(i)` for `i` in `0..records`: make them deterministic from `i`,
    /// so that every layout, every round and every profiling process sees the same ones.
    pub fn generate(mut self, make: impl Fn(u64) -> R + Send + Sync + 'static) -> Self {
        self.source = Some(RecordSource::Generated(Arc::new(make)));
        self
    }

    /// Records read from a CSV file through serde: a header of the record's leaf fields in
    /// order (a flattened record's as `pos.lat`), one record per row, an empty cell `None` for
    /// an `Option`. A record with a list, an array or an opaque field does not fit CSV: read it
    /// with [`Harness::jsonl`]. A bad row stops the run with the file, the line, the field's
    /// path and what was expected (exit status 2).
    pub fn csv(mut self, path: impl AsRef<Path>) -> Self
    where
        R: serde::de::DeserializeOwned,
    {
        self.source = Some(RecordSource::Csv {
            path: path.as_ref().to_path_buf(),
            read: source::read_csv::<R>,
        });
        self
    }

    /// Records read from a JSON Lines file through serde: one JSON object per line, a
    /// flattened record as a nested object, `null` for `None`, arrays for arrays and lists.
    /// Blank lines are skipped; a line longer than 1 MiB is an error. A bad line stops the
    /// run with the file, the line, the field's path (`place.geo.lat`, `tags[2]`) and what
    /// was expected (exit status 2).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use layoutlab::{Harness, Record, Store, Workload};
    ///
    /// #[derive(Record, Clone, Debug, PartialEq, serde::Deserialize)]
    /// pub struct Pos { pub lat: f64, pub lon: f64 }
    ///
    /// #[derive(Record, Clone, Debug, PartialEq, serde::Deserialize)]
    /// pub struct Ping {
    ///     pub id: u64,
    ///     pub rtt_ms: Option<f32>,
    ///     pub hops: Vec<u32>,
    ///     #[record(flatten)]
    ///     pub pos: Pos,
    /// }
    ///
    /// struct MeanLat;
    /// impl Workload<Ping> for MeanLat {
    ///     type Output = f64;
    ///     fn run<S: Store<Ping>>(&self, pings: &mut S) -> f64 {
    ///         (0..pings.len()).map(|i| pings.pos_lat(i)).sum::<f64>() / pings.len() as f64
    ///     }
    /// }
    ///
    /// // pings.jsonl: {"id":1,"rtt_ms":null,"hops":[3,9],"pos":{"lat":48.1,"lon":11.6}}
    /// Harness::<Ping>::new("pings")
    ///     .jsonl("pings.jsonl")
    ///     .workload("mean_lat", MeanLat)
    ///     .run();
    /// ```
    pub fn jsonl(mut self, path: impl AsRef<Path>) -> Self
    where
        R: serde::de::DeserializeOwned,
    {
        self.source = Some(RecordSource::Jsonl {
            path: path.as_ref().to_path_buf(),
            read: source::read_jsonl::<R>,
        });
        self
    }

    /// Adds a workload called `name`. It runs on every layout, each time on a freshly built
    /// store (so it may change the store), and its output must be the same on every layout.
    pub fn workload<W>(mut self, name: &str, workload: W) -> Self
    where
        W: Workload<R> + Send + Sync + 'static,
        W::Output: 'static,
    {
        self.workloads.push(Box::new(Named {
            name: name.to_owned(),
            workload,
        }));
        self
    }

    /// Where the report goes instead of `target/layoutlab/<name>/`.
    pub fn out(mut self, dir: impl AsRef<Path>) -> Self {
        self.out = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether to profile each layout's heap (default: yes).
    pub fn memory(mut self, memory: bool) -> Self {
        self.memory = memory;
        self
    }

    /// Runs everything and exits like `layoutlab` does: after printing and writing all it
    /// measured, with status 1 if a measurement failed or a workload's output differed
    /// between layouts, 2 for a mistake in the bench file or its input (one line on stderr).
    pub fn run(self) {
        if let Err(error) = self.try_run() {
            eprintln!(
                "layoutlab: error: {}",
                crate::format::one_line(&format!("{error:#}"))
            );
            std::process::exit(i32::from(crate::error::exit_code(&error)));
        }
    }

    fn check(&self) -> Result<&RecordSource<R>> {
        let name_ok = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !self.name.starts_with('.');
        if !name_ok {
            bail!(UsageError(format!(
                "Harness::new({:?}): the name becomes a directory name; use A-Z a-z 0-9 - _ .",
                self.name
            )));
        }
        if self.workloads.is_empty() {
            bail!(UsageError(
                "the harness has no workload: add one with .workload(\"name\", MyWorkload)"
                    .to_owned()
            ));
        }
        let mut names: Vec<&str> = self.workloads.iter().map(|w| w.name()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|p| p[0] == p[1]) {
            bail!(UsageError(format!(
                "two workloads are called {:?}",
                pair[0]
            )));
        }
        for (name, weight) in &self.proposing.weights {
            if !names.contains(&name.as_str()) {
                bail!(UsageError(format!(
                    ".workload_weight({name:?}, …): no workload is called {name:?}"
                )));
            }
            if !weight.is_finite() || *weight < 0.0 {
                bail!(UsageError(format!(
                    ".workload_weight({name:?}, {weight}): a weight is a finite number, 0 or more"
                )));
            }
        }
        if let Some(bad) = names.iter().find(|n| n.is_empty() || **n == "ingest") {
            bail!(UsageError(format!(
                "a workload may not be called {bad:?} (\"ingest\" is the building of the store)"
            )));
        }
        self.source.as_ref().context(UsageError(
            "the harness has no records: call .generate(|i| …), .csv(path) or .jsonl(path)"
                .to_owned(),
        ))
    }

    /// Runs everything and returns what went wrong, instead of exiting.
    ///
    /// # Errors
    ///
    /// A [`UsageError`] for a mistake in the bench file or its arguments, bad input, or a
    /// failed measurement (after everything that worked was printed and written).
    pub fn try_run(self) -> Result<()> {
        let source = self.check()?;
        let left_out = LeftOut::default();
        let own = Own {
            name: &self.name,
            source,
            records: self.records,
            workloads: &self.workloads,
            left_out: &left_out,
            warm: &[],
            plan: None,
        };
        if std::env::var_os(CHILD_ENV).is_some() {
            return child::run(&own);
        }
        let args = args::parse(std::env::args().skip(1))?;
        let out = args
            .out
            .clone()
            .or_else(|| self.out.clone())
            .unwrap_or_else(|| target_dir().join("layoutlab").join(&self.name));
        let settings = args.settings(self.rounds, self.memory, self.records);
        if settings.records == 0 {
            // Zero records would be measured and reported: every per-record figure a
            // division by zero, every output that of an empty store.
            bail!(UsageError(
                "no records to measure: --records and .records(…) need at least 1".to_owned()
            ));
        }
        if self.rounds == 0 {
            // A mistake in the bench file even where the command line's --rounds overrides it.
            bail!(UsageError(
                ".rounds(0): no round would be timed; give at least 1".to_owned()
            ));
        }
        if !args.force {
            fits::check(source, settings.records)?;
        }
        report::run(&own, &settings, &self.proposing, &out)
    }
}

impl<R: Record> Harness<R> {
    /// Registers a criterion benchmark `workload/layout/records` for every workload and
    /// layout (each iteration on a freshly built store), so that criterion's own statistics
    /// and HTML report cover the record too; the harness's report shows criterion's means
    /// and intervals (marked ᶜ) once they exist.
    ///
    /// # Examples
    ///
    /// A second bench file beside the one that calls [`Harness::run`]:
    ///
    /// ```no_run
    /// # use layoutlab::{Harness, Record, Store, Workload};
    /// # #[derive(Record, Clone, Debug, PartialEq)] pub struct Tick { pub price: f64 }
    /// # struct Sum;
    /// # impl Workload<Tick> for Sum {
    /// #     type Output = f64;
    /// #     fn run<S: Store<Tick>>(&self, s: &mut S) -> f64 { (0..s.len()).map(|i| s.price(i)).sum() }
    /// # }
    /// fn ticks(c: &mut criterion::Criterion) {
    ///     Harness::<Tick>::new("ticks")
    ///         .records(100_000)
    ///         .generate(|i| Tick { price: i as f64 })
    ///         .workload("sum", Sum)
    ///         .criterion(c);
    /// }
    /// criterion::criterion_group!(benches, ticks);
    /// criterion::criterion_main!(benches);
    /// ```
    ///
    /// # Panics
    ///
    /// If the harness has no source or workload, or a store cannot be built from the source
    /// (what [`Harness::run`] reports as an error).
    pub fn criterion(&self, c: &mut criterion::Criterion) {
        let source = self.check().unwrap_or_else(|e| panic!("{e:#}"));
        for workload in &self.workloads {
            let mut group = c.benchmark_group(workload.name());
            group.throughput(criterion::Throughput::Elements(self.records));
            for layout in R::layouts() {
                let id = criterion::BenchmarkId::new(layout.name, self.records);
                group.bench_function(id, |b| {
                    workload.criterion(layout.name, source, self.records, b);
                });
            }
            group.finish();
        }
    }
}

/// The cargo target directory a bench binary runs from (`<target>/<profile>/deps/<bin>`),
/// or `$CARGO_TARGET_DIR`, or `target`.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let deps = exe.parent()?;
            (deps.file_name()? == "deps").then(|| deps.parent()?.parent().map(Path::to_path_buf))?
        })
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// The cargo bench target this binary was built from: cargo names it
/// `<target>-<16 hex digits>` under `deps/`, so `trades` for `benches/trades.rs` (with `-` in
/// the target's name turned into `_`, as cargo does).
fn bench_target() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    target_from_exe(exe.file_stem()?.to_str()?)
}

fn target_from_exe(stem: &str) -> Option<String> {
    let (name, hash) = stem.rsplit_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !name.is_empty())
        .then(|| name.to_owned())
}

/// Installs layoutlab's allocator as the program's global allocator: the system allocator,
/// switched to dhat plus counters only in a heap-profiling child. One line at the top of a
/// bench file; without it, heap profiling says so instead of measuring.
#[macro_export]
macro_rules! global_allocator {
    () => {
        #[global_allocator]
        static LAYOUTLAB_ALLOCATOR: $crate::measure::heap::SwitchAlloc =
            $crate::measure::heap::SwitchAlloc;
    };
}

#[cfg(test)]
mod tests {
    use super::target_from_exe;

    #[test]
    fn the_bench_target_is_the_exe_name_before_cargos_hash() {
        assert_eq!(
            target_from_exe("trades-32e9a597a346a248").as_deref(),
            Some("trades")
        );
        assert_eq!(
            target_from_exe("my_bench-0123456789abcdef").as_deref(),
            Some("my_bench")
        );
        // Not built by cargo: no name rather than a wrong one.
        assert_eq!(target_from_exe("trades"), None);
        assert_eq!(target_from_exe("trades-v2"), None);
    }
}
