//! Heap facts of the `arrow` layout that must never regress, in dhat testing mode (a file
//! of its own: dhat allows one profiler per process). See `heap_common` for why it has no
//! test harness.
//!
//! Arrow arrays are immutable, so the filter and normalize stages build new arrays by
//! design (`Stages::Rebuild`); what is pinned here is that they do so a fixed number of
//! times per stage, whatever the record count, and that the filter, which copies the
//! columns, holds no more than the store plus one filtered column at its peak.

mod heap_common;

use heap_common::{profile_stages, Stages};
use layoutlab::layouts::Arrow;
use layoutlab::measure::heap::SwitchAlloc;
use layoutlab::pipeline::Stage;
use layoutlab::record::INFORMATION_BYTES;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    arrow_rebuilds_columns_a_fixed_number_of_times_and_peaks_at_the_store_plus_one_column();
    println!(
        "test arrow_rebuilds_columns_a_fixed_number_of_times_and_peaks_at_the_store_plus_one_column ... ok"
    );
}

/// Bytes of one `Float64` column per record.
const COLUMN_BYTES: u64 = 8;

fn arrow_rebuilds_columns_a_fixed_number_of_times_and_peaks_at_the_store_plus_one_column() {
    let small = 50_000;
    let large = 2 * small;
    let mut allocations = Vec::new();
    for records in [small, large] {
        let memory = profile_stages::<Arrow>(records, Stages::Rebuild, |m| {
            let store = INFORMATION_BYTES as u64 * records;
            // Ingest appends to builders reserved once: the store's 35 bytes a record.
            dhat::assert!(m.phases[Stage::Ingest].peak_bytes.0 >= store);
            dhat::assert!(m.phases[Stage::Ingest].peak_bytes.0 as f64 <= 1.10 * store as f64);
            // The filter is where the run peaks: the whole old store is live while the
            // kernel writes each new column, and each old column goes once its copy
            // exists, so the peak is the store plus one f64 column of the kept records
            // (about 98 % of them) plus the mask — never two stores.
            dhat::assert_eq!(m.peak_bytes, m.phases[Stage::Filter].peak_bytes);
            let one_column = COLUMN_BYTES * records;
            dhat::assert!(
                m.peak_bytes.0 >= store + one_column * 9 / 10,
                "{} B: the filter copies",
                m.peak_bytes.0
            );
            dhat::assert!(
                m.peak_bytes.0 as f64 <= 1.05 * (store + one_column) as f64,
                "{} B is more than the store plus one column, +5 %",
                m.peak_bytes.0
            );
            // The filter frees the dropped records' bytes.
            dhat::assert!(
                m.phases[Stage::Filter].live_bytes_at_end
                    < m.phases[Stage::Ingest].live_bytes_at_end
            );
            // Normalize and rolling each hold the store plus the one new column.
            for stage in [Stage::Normalize, Stage::Rolling] {
                let peak = m.phases[stage].peak_bytes.0 as f64;
                dhat::assert!(peak <= 1.05 * (store + one_column) as f64, "{stage:?}");
            }
        });
        allocations.push(Stage::ALL.map(|s| memory.phases[s].allocations));
    }
    let [ingest, filter, normalize, rolling, aggregate] = allocations[0];
    let twice = allocations[1];
    // Builders are reserved once at ingest; normalize and rolling each build one array and
    // swap it in; the aggregate is per sensor. None of that depends on the record count.
    assert_eq!(
        [ingest, normalize, rolling, aggregate],
        [twice[0], twice[2], twice[3], twice[4]],
        "arrow's ingest, normalize, rolling and aggregate allocations must not depend on \
         the record count"
    );
    // The filter allocates one mask and one array per column, a fixed count, plus the
    // kernel's precomputed list of kept runs (`FilterBuilder::optimize`), a Vec that grows
    // by doubling: twice the records may cost it one more allocation, never more.
    assert!(
        (filter..=filter + 1).contains(&twice[1]),
        "filter allocations went from {filter} to {} when the records doubled",
        twice[1]
    );
}
