//! The `inline` layout turns its id bytes into `&str` without re-checking them
//! (`InlineId::as_str`, the layout's one `unsafe`). These tests walk every path that reads
//! an id — inline and spilled ids, records moved by `Vec` growth and by the filter's
//! compaction, the stage methods, moving and dropping the store — and CI runs this file
//! under valgrind memcheck (`scripts/valgrind-unsafe.sh`), which would flag a read of
//! freed or uninitialised bytes. Debug builds also re-check the UTF-8 on every access.

use layoutlab::layouts::inline::{InlineId, INLINE_ID_BYTES};
use layoutlab::layouts::{Inline, Layout, SensorKey};
use layoutlab::pipeline;
use layoutlab::record::{Reading, Unit, MAX_ID_LEN};

/// Ids of every legal length, 1 to 32 bytes, so both sides of the 16-byte spill line are
/// read back, with every character class the record rules allow.
fn ids() -> Vec<String> {
    let alphabet = b"ABCXYZabcxyz0189_-.";
    (1..=MAX_ID_LEN)
        .map(|len| {
            (0..len)
                .map(|i| alphabet[(i * 7 + len) % alphabet.len()] as char)
                .collect()
        })
        .collect()
}

/// A store grown from empty, so the `Vec` reallocates (moving every inline id) many times.
fn filled(ids: &[String], n: usize) -> Inline {
    let mut store = Inline::with_capacity(0);
    for i in 0..n {
        store
            .push(&Reading {
                sensor_id: &ids[i % ids.len()],
                timestamp: i as f64,
                value: if i % 5 == 0 {
                    f64::NAN
                } else {
                    (i % 100) as f64
                },
                unit: Unit::Percent,
            })
            .unwrap();
    }
    store
}

#[test]
fn every_id_reads_back_after_moves_filter_and_stages() {
    let ids = ids();
    let n = 10_000;
    let store = filled(&ids, n);
    for i in (0..n).step_by(97) {
        assert_eq!(store.record(i).sensor_id, ids[i % ids.len()]);
    }
    // Moving the store moves the Vec handle; spilled ids keep their heap blocks.
    let mut moved = Box::new(store);
    pipeline::filter(&mut *moved);
    assert_eq!(moved.len(), n - n.div_ceil(5));
    pipeline::normalize(&mut *moved);
    pipeline::rolling(&mut *moved, pipeline::DEFAULT_WINDOW);
    let mut seen = 0;
    moved.scan(|key, s| {
        let SensorKey::Name(id) = key else {
            panic!("inline passes ids as names")
        };
        assert!(ids.iter().any(|known| known == id), "{id:?}");
        assert_eq!(s.normalized, s.value / 100.0);
        seen += 1;
    });
    assert_eq!(seen, moved.len());
    let aggregates = pipeline::aggregate(&*moved);
    assert_eq!(aggregates.sensors.len(), ids.len());
    drop(moved);
}

#[test]
fn ids_at_the_spill_line() {
    for len in [
        INLINE_ID_BYTES - 1,
        INLINE_ID_BYTES,
        INLINE_ID_BYTES + 1,
        MAX_ID_LEN,
    ] {
        let text = "q".repeat(len);
        let id = InlineId::new(&text);
        assert_eq!(id.spilled(), len > INLINE_ID_BYTES, "{len}");
        let copy = id.clone();
        drop(id);
        assert_eq!(copy.as_str(), text);
    }
}

#[test]
fn empty_and_fully_filtered_stores() {
    let mut empty = Inline::with_capacity(0);
    pipeline::filter(&mut empty);
    assert_eq!(pipeline::aggregate(&empty).kept, 0);

    let long = "L".repeat(MAX_ID_LEN);
    let mut all_bad = Inline::with_capacity(3);
    for id in ["x", long.as_str(), "y"] {
        all_bad
            .push(&Reading {
                sensor_id: id,
                timestamp: 0.0,
                value: f64::INFINITY,
                unit: Unit::Lux,
            })
            .unwrap();
    }
    pipeline::filter(&mut all_bad);
    assert!(all_bad.is_empty());
}
