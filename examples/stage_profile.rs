//! Run with: `valgrind --tool=callgrind target/release/examples/stage_profile [RECORDS] [LAYOUT]…`
//! (or `--tool=cachegrind --cache-sim=yes`), after `cargo build --release --examples`.
//!
//! Runs the pipeline once over the generated workload (default 1 000 000 records, every
//! registered layout), with each stage in a function of its own that is never inlined, so
//! that a profiler attributes instructions and cache misses to `stage_profile::filter<…>`,
//! `stage_profile::rolling<…>` and so on, per layout. Instruction counts are free of the
//! noise that wall-clock timings suffer on a shared machine; `benches/README.md` uses them to
//! explain the differences between layouts. Also prints each stage's wall time, for a
//! quick look without a profiler.

use std::time::Instant;

use layoutlab::layouts::{self, Layout, LayoutFn};
use layoutlab::pipeline::{self, Aggregates, DEFAULT_WINDOW};
use layoutlab::source::{Generator, GeneratorConfig};

#[inline(never)]
fn ingest<L: Layout>(records: u64) -> L {
    let config = GeneratorConfig {
        records,
        ..GeneratorConfig::default()
    };
    pipeline::ingest::<L, _>(&mut Generator::new(config))
        .expect("64 sensors fit every layout")
        .0
}

#[inline(never)]
fn filter<L: Layout>(store: &mut L) {
    pipeline::filter(store);
}

#[inline(never)]
fn normalize<L: Layout>(store: &mut L) {
    pipeline::normalize(store);
}

#[inline(never)]
fn rolling<L: Layout>(store: &mut L) {
    pipeline::rolling(store, DEFAULT_WINDOW);
}

#[inline(never)]
fn aggregate<L: Layout>(store: &L) -> Aggregates {
    pipeline::aggregate(store)
}

struct Profile {
    records: u64,
    only: Vec<String>,
}

impl LayoutFn for Profile {
    type Out = ();
    fn call<L: Layout>(&mut self) {
        if !self.only.is_empty() && !self.only.iter().any(|name| name == L::NAME) {
            return;
        }
        let per = |start: Instant| start.elapsed().as_nanos() as f64 / self.records as f64;
        let start = Instant::now();
        let mut store = ingest::<L>(self.records);
        let t_ingest = per(start);
        let start = Instant::now();
        filter(&mut store);
        let t_filter = per(start);
        let start = Instant::now();
        normalize(&mut store);
        let t_normalize = per(start);
        let start = Instant::now();
        rolling(&mut store);
        let t_rolling = per(start);
        let start = Instant::now();
        let aggregates = std::hint::black_box(aggregate(&store));
        let t_aggregate = per(start);
        println!(
            "{:<10} ns/record: ingest {t_ingest:.2}  filter {t_filter:.2}  normalize {t_normalize:.2}  rolling {t_rolling:.2}  aggregate {t_aggregate:.2}  (kept {})",
            L::NAME,
            aggregates.kept
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let records = args
        .next()
        .map(|n| n.parse().expect("RECORDS is a number"))
        .unwrap_or(1_000_000);
    let only: Vec<String> = args.collect();
    for name in &only {
        if let Err(e) = layouts::find(name) {
            eprintln!("stage_profile: {e}");
            std::process::exit(2);
        }
    }
    layouts::visit_all(&mut Profile { records, only });
}
