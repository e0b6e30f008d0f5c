//! The `arena` layout holds raw pointers into its own bump arena (the only `unsafe` in the
//! seed layouts). These tests walk every unsafe path — push across many chunks, filter,
//! the stage methods, moving the store, dropping it — and CI runs this file under valgrind
//! memcheck (`scripts/valgrind-unsafe.sh`), which would flag any invalid read or write.

use layoutlab::layouts::{Arena, Layout, SensorKey};
use layoutlab::pipeline;
use layoutlab::record::{Reading, Unit};

fn filled(n: usize) -> Arena {
    let mut store = Arena::with_capacity(0);
    for i in 0..n {
        let id = format!("sensor-{:0>24}", i % 37);
        store
            .push(&Reading {
                sensor_id: &id,
                timestamp: i as f64,
                value: if i % 9 == 0 {
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
fn every_unsafe_path_reads_what_was_written() {
    let n = 20_000;
    let store = filled(n);
    assert!(store.arena_bytes() > 20_000 * 48, "spans many chunks");
    // Moving the store moves the Bump handle, not its chunks: pointers stay valid.
    let mut moved = Box::new(store);
    for i in (0..n).step_by(997) {
        let r = moved.record(i);
        assert_eq!(r.sensor_id, format!("sensor-{:0>24}", i % 37));
        assert_eq!(r.timestamp, i as f64);
    }
    pipeline::filter(&mut *moved);
    assert_eq!(moved.len(), n - n.div_ceil(9));
    pipeline::normalize(&mut *moved);
    pipeline::rolling(&mut *moved, pipeline::DEFAULT_WINDOW);
    let mut seen = 0;
    moved.scan(|key, s| {
        assert!(matches!(key, SensorKey::Name(id) if id.len() == 31));
        assert_eq!(s.normalized, s.value / 100.0);
        seen += 1;
    });
    assert_eq!(seen, moved.len());
    let agg = pipeline::aggregate(&*moved);
    assert_eq!(agg.sensors.len(), 37);
    drop(moved);
}

#[test]
fn empty_and_fully_filtered_stores() {
    let mut empty = Arena::with_capacity(0);
    pipeline::filter(&mut empty);
    assert_eq!(pipeline::aggregate(&empty).kept, 0);

    let mut all_bad = Arena::with_capacity(3);
    for _ in 0..3 {
        all_bad
            .push(&Reading {
                sensor_id: "x",
                timestamp: 0.0,
                value: f64::INFINITY,
                unit: Unit::Lux,
            })
            .unwrap();
    }
    pipeline::filter(&mut all_bad);
    assert!(all_bad.is_empty());
}
