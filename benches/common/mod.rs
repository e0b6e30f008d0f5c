//! What the bench files share: the workload, the sizes, and criterion's settings per size.
//!
//! The settings are tuned so that a plain `cargo bench` of every stage × layout × size fits
//! in about a quarter of an hour on a 2-core machine (see `benches/README.md` for measured
//! times); `--quick` cuts each benchmark short once its estimate is stable.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use layoutlab::source::{Generator, GeneratorConfig};

/// Criterion's settings for every bench file; the command line still overrides them.
///
/// 10 000 bootstrap resamples instead of criterion's 100 000: ample for the confidence
/// intervals reported here, and the HTML report's density plots are computed over every
/// resample, so the default made plotting take longer than measuring (6.9 s against 2.4 s
/// for one benchmark; 2.6 s with 10 000).
pub fn criterion() -> Criterion {
    Criterion::default().nresamples(10_000)
}

/// Records per store: from a store that fits in L1/L2 to one that streams from memory.
pub const SIZES: [u64; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// Whether criterion will run each benchmark once instead of measuring it: under
/// `cargo test --benches` (no `--bench` flag) or `cargo bench -- --test`. This mirrors
/// criterion's own rule, which it does not expose.
pub fn test_mode() -> bool {
    let mut bench = false;
    let mut test = false;
    for arg in std::env::args() {
        bench |= arg == "--bench";
        test |= arg == "--test";
    }
    !bench || test
}

/// The sizes to run. In test mode only the smallest: the smoke run is built with the debug
/// profile, where building 1 000 000-record stores for every setup would take minutes.
pub fn sizes() -> &'static [u64] {
    if test_mode() {
        &SIZES[..1]
    } else {
        &SIZES
    }
}

/// The workload of `records` readings: the command line's defaults (64 sensors, seed 42).
pub fn workload(records: u64) -> GeneratorConfig {
    GeneratorConfig {
        records,
        ..GeneratorConfig::default()
    }
}

/// A fresh generator for `records` readings.
pub fn generator(records: u64) -> Generator {
    Generator::new(workload(records))
}

/// The throughput of one iteration over `records` records of a layout whose records take
/// `bytes_per_record` bytes of heap: criterion reports elements and bytes per second, so its
/// own report shows how much memory each layout streams through.
pub fn throughput(records: u64, bytes_per_record: usize) -> Throughput {
    Throughput::ElementsAndBytes {
        elements: records,
        bytes: records * bytes_per_record as u64,
    }
}

/// Sets `group`'s throughput and sampling for the benchmarks of `records`-record stores.
///
/// Small stores take many fast samples; large ones take 10 flat samples, since every
/// iteration of a later stage first rebuilds the store (the setup is not timed, but it is
/// what makes a 1 000 000-record benchmark slow). Criterion sizes its iteration counts from
/// the warm-up, setup included, so each benchmark keeps to about its budget unless even one
/// iteration per sample does not fit (`heap_map` from 100 000 records): then criterion
/// says so and takes its samples anyway.
pub fn configure(group: &mut BenchmarkGroup<'_, WallTime>, records: u64) {
    group.throughput(Throughput::Elements(records));
    let (samples, warm_up, measure, mode) = match records {
        0..=1_000 => (30, 500, 1_000, SamplingMode::Auto),
        // Flat: for the slowest layouts, criterion's automatic choice picks linear
        // sampling here and then cannot fit its 465 iterations in the budget.
        1_001..=10_000 => (30, 500, 1_000, SamplingMode::Flat),
        10_001..=100_000 => (20, 500, 2_000, SamplingMode::Flat),
        _ => (10, 1_000, 3_000, SamplingMode::Flat),
    };
    group
        .sample_size(samples)
        .warm_up_time(Duration::from_millis(warm_up))
        .measurement_time(Duration::from_millis(measure))
        .sampling_mode(mode);
}

/// How many fresh stores criterion builds before timing a batch of iterations over them.
///
/// One store per timed iteration from 10 000 records up, so memory stays at one store
/// however many iterations criterion asks for, and every iteration finds its store as warm
/// as the previous stage would leave it in a real run. At 1 000 records one iteration is a
/// microsecond or so, and the two clock reads around it would add a few per cent; ten
/// stores a batch (well under 1 MiB for the compact layouts) amortise them.
pub fn batch_size(records: u64) -> BatchSize {
    if records <= 1_000 {
        BatchSize::NumIterations(10)
    } else {
        BatchSize::PerIteration
    }
}
