//! Run with: `cargo bench --bench handwritten` (or add `-- --quick --noplot` for a fast pass).
//!
//! Is the generic pipeline as fast as code written by hand? Group `handwritten` times
//! filter + normalize + rolling + aggregate — the pipeline after ingest — four ways on the
//! same generated readings:
//!
//! - `handwritten/soa/records`: the generic pipeline over the `soa` layout;
//! - `handwritten/packed/records`: the generic pipeline over the `packed` layout;
//! - `handwritten/loop/records`: the same four stages written directly over plain `Vec`
//!   columns, one loop per stage (`benches/common/hand_written.rs`);
//! - `handwritten/fused/records`: the same work in one loop, each record read once — the
//!   floor for any pipeline made of separate stages.
//!
//! `tests/hand_written_agrees.rs` checks that both loops give bit-identical aggregates.
//!
//! Every iteration starts from a freshly loaded store (untimed) and the aggregates go
//! through [`black_box`].

mod common;
#[path = "common/hand_written.rs"]
mod hand_written;

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use layoutlab::layouts::{Layout, Packed, Soa};
use layoutlab::pipeline::{self, Aggregates, DEFAULT_WINDOW};
use layoutlab::record::INFORMATION_BYTES;

/// The pipeline after ingest, generic over the layout.
fn after_ingest<L: Layout>(store: &mut L) -> Aggregates {
    pipeline::filter(store);
    pipeline::normalize(store);
    pipeline::rolling(store, DEFAULT_WINDOW);
    pipeline::aggregate(store)
}

/// `handwritten/L::NAME/records`: the generic pipeline after ingest over layout `L`.
fn bench_generic<L: Layout>(group: &mut BenchmarkGroup<'_, WallTime>, records: u64) {
    group.throughput(common::throughput(records, L::HEAP_BYTES_PER_RECORD));
    group.bench_function(BenchmarkId::new(L::NAME, records), |b| {
        b.iter_batched_ref(
            || {
                pipeline::ingest::<L, _>(&mut common::generator(records))
                    .expect("64 sensors fit every layout")
                    .0
            },
            |store| black_box(after_ingest(store)),
            common::batch_size(records),
        )
    });
}

fn handwritten(c: &mut Criterion) {
    let mut group = c.benchmark_group("handwritten");
    for &records in common::sizes() {
        common::configure(&mut group, records);
        bench_generic::<Soa>(&mut group, records);
        bench_generic::<Packed>(&mut group, records);
        // The hand-written columns hold the 35 bytes of information a record, like `soa`.
        group.throughput(common::throughput(records, INFORMATION_BYTES));
        let batch = common::batch_size(records);
        let columns = || {
            hand_written::Columns::load(&mut common::generator(records))
                .expect("64 sensors fit in u16 ids")
        };
        group.bench_function(BenchmarkId::new("loop", records), |b| {
            b.iter_batched_ref(
                columns,
                |columns| black_box(hand_written::run(columns, DEFAULT_WINDOW.get())),
                batch,
            )
        });
        group.bench_function(BenchmarkId::new("fused", records), |b| {
            b.iter_batched_ref(
                columns,
                |columns| black_box(hand_written::run_fused(columns, DEFAULT_WINDOW.get())),
                batch,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = handwritten
}
criterion_main!(benches);
