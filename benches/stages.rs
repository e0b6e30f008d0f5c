//! Run with: `cargo bench --bench stages` (or `cargo bench --bench stages -- --quick --noplot`
//! for a fast pass; add a filter such as `rolling/soa` to run a subset).
//!
//! Throughput of every pipeline stage, for every registered layout, at every size in
//! [`common::SIZES`]. Benchmark ids are `stage/layout/records`, with `stage` one of
//! `ingest`, `filter`, `normalize`, `rolling`, `aggregate` and `end_to_end`, and each
//! reports `Throughput::ElementsAndBytes` (the records, and their bytes in the layout).
//!
//! The bench body is written once, generic over [`Layout`], and the registry drives it
//! through a [`LayoutFn`], so a newly registered layout is benchmarked without a line
//! here. Each stage after ingest starts every iteration from a freshly built store in the
//! state the stage expects (built by the stages before it, untimed), and what the stage
//! produces goes through [`black_box`]. `source/generator/records` times the generator alone,
//! so that its share of `ingest` can be subtracted.

mod common;

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use layoutlab::layouts::{self, Layout, LayoutFn};
use layoutlab::pipeline::{self, Stage, DEFAULT_WINDOW};
use layoutlab::source::Source;

/// What one benchmark group times: a pipeline stage, or the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timed {
    /// One stage, from a store in the state the stage expects.
    Stage(Stage),
    /// `pipeline::run` as `layoutlab run` calls it: all five stages from the generator,
    /// and dropping the store, which the per-stage benchmarks leave outside the timing.
    EndToEnd,
}

impl Timed {
    const ALL: [Timed; 6] = [
        Timed::Stage(Stage::Ingest),
        Timed::Stage(Stage::Filter),
        Timed::Stage(Stage::Normalize),
        Timed::Stage(Stage::Rolling),
        Timed::Stage(Stage::Aggregate),
        Timed::EndToEnd,
    ];

    fn name(self) -> &'static str {
        match self {
            Timed::Stage(stage) => stage.name(),
            Timed::EndToEnd => "end_to_end",
        }
    }
}

/// A store of layout `L` over `records` generated readings, after every stage before
/// `stage` has run on it.
fn store_before<L: Layout>(records: u64, stage: Stage) -> L {
    let (mut store, _) = pipeline::ingest::<L, _>(&mut common::generator(records))
        .expect("the generated workload's 64 sensors fit every layout");
    if stage > Stage::Filter {
        pipeline::filter(&mut store);
    }
    if stage > Stage::Normalize {
        pipeline::normalize(&mut store);
    }
    if stage > Stage::Rolling {
        pipeline::rolling(&mut store, DEFAULT_WINDOW);
    }
    store
}

/// Benchmarks `timed` over layout `L` with `records` records, as `timed/L::NAME/records`.
fn bench_layout<L: Layout>(group: &mut BenchmarkGroup<'_, WallTime>, timed: Timed, records: u64) {
    let id = BenchmarkId::new(L::NAME, records);
    group.throughput(common::throughput(records, L::HEAP_BYTES_PER_RECORD));
    let batch = common::batch_size(records);
    let source = || common::generator(records);
    let before = |stage| move || store_before::<L>(records, stage);
    match timed {
        Timed::Stage(Stage::Ingest) => group.bench_function(id, |b| {
            // The store is returned, so criterion drops it outside the timing.
            b.iter_batched(
                source,
                |mut source| {
                    black_box(
                        pipeline::ingest::<L, _>(&mut source).expect("64 sensors fit every layout"),
                    )
                },
                batch,
            )
        }),
        Timed::Stage(stage @ Stage::Filter) => group.bench_function(id, |b| {
            b.iter_batched_ref(
                before(stage),
                |store| {
                    pipeline::filter(store);
                    black_box(store);
                },
                batch,
            )
        }),
        Timed::Stage(stage @ Stage::Normalize) => group.bench_function(id, |b| {
            b.iter_batched_ref(
                before(stage),
                |store| {
                    pipeline::normalize(store);
                    black_box(store);
                },
                batch,
            )
        }),
        Timed::Stage(stage @ Stage::Rolling) => group.bench_function(id, |b| {
            b.iter_batched_ref(
                before(stage),
                |store| {
                    pipeline::rolling(store, DEFAULT_WINDOW);
                    black_box(store);
                },
                batch,
            )
        }),
        Timed::Stage(stage @ Stage::Aggregate) => group.bench_function(id, |b| {
            b.iter_batched_ref(
                before(stage),
                |store| black_box(pipeline::aggregate(store)),
                batch,
            )
        }),
        Timed::EndToEnd => group.bench_function(id, |b| {
            b.iter_batched(
                source,
                |mut source| {
                    black_box(
                        pipeline::run::<L, _, _>(&mut source, DEFAULT_WINDOW, &mut ())
                            .expect("64 sensors fit every layout"),
                    )
                },
                batch,
            )
        }),
    };
}

/// Runs [`bench_layout`] for every registered layout.
struct EveryLayout<'g, 'c> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
    timed: Timed,
    records: u64,
}

impl LayoutFn for EveryLayout<'_, '_> {
    type Out = ();
    fn call<L: Layout>(&mut self) {
        bench_layout::<L>(self.group, self.timed, self.records);
    }
}

/// One group per stage (`ingest/…`, …, `end_to_end/…`); within it, every size, and for
/// each size every layout, so that layouts of one size sit side by side in the output.
fn stages(c: &mut Criterion) {
    for timed in Timed::ALL {
        let mut group = c.benchmark_group(timed.name());
        for &records in common::sizes() {
            common::configure(&mut group, records);
            layouts::visit_all(&mut EveryLayout {
                group: &mut group,
                timed,
                records,
            });
        }
        group.finish();
    }
}

/// `source/generator/records`: the generator streaming into a sink that does nothing but
/// [`black_box`] each reading. Every layout's `ingest` includes this much.
fn source(c: &mut Criterion) {
    let mut group = c.benchmark_group("source");
    for &records in common::sizes() {
        common::configure(&mut group, records);
        group.bench_function(BenchmarkId::new("generator", records), |b| {
            b.iter_batched(
                || common::generator(records),
                |mut source| {
                    let streamed = source.stream(|reading| {
                        black_box(reading);
                        Ok::<(), std::convert::Infallible>(())
                    });
                    black_box(streamed.expect("the sink never fails"))
                },
                common::batch_size(records),
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = stages, source
}
criterion_main!(benches);
