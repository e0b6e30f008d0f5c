//! Every layout of every test record gives the same answers as a plain `Vec<R>` for
//! arbitrary data: `get(i)` returns the record pushed, read-only sums over every field read
//! through the getters agree, and a mutating workload (retain through the row view, then
//! every field set through the setters) leaves the same records. The counting store agrees
//! too, wrapping `aos` and `soa`.

mod own_common;

use layoutlab::own::{Aos, Counting, Soa};
use layoutlab::{Record, Store, StoreFn, Workload};
use own_common::*;
use proptest::prelude::*;

workloads!(Trade, keep: qty, {
    symbol: set_symbol, price: set_price, qty: set_qty, side: set_side, venue: set_venue, ts: set_ts,
}, trade_sums, trade_mutate);

workloads!(LogEvent, keep: at, {
    at: set_at, level: set_level, service: set_service, message: set_message, trace_id: set_trace_id,
}, log_sums, log_mutate);

workloads!(Entity, keep: id, {
    alive: set_alive, x: set_x, id: set_id, y: set_y, team: set_team, hp: set_hp, vx: set_vx, vy: set_vy,
}, entity_sums, entity_mutate);

workloads!(Point, keep: x, { x: set_x, y: set_y, flag: set_flag }, point_sums, point_mutate);

workloads!(Tagged, keep: level, {
    side: set_side, level: set_level, team: set_team, note: set_note,
}, tagged_sums, tagged_mutate);

workloads!(KitchenSink, keep: a_u64, {
    a_i8: set_a_i8, a_u8: set_a_u8, a_i16: set_a_i16, a_u16: set_a_u16, a_i32: set_a_i32,
    a_u32: set_a_u32, a_i64: set_a_i64, a_u64: set_a_u64, a_i128: set_a_i128,
    a_u128: set_a_u128, a_isize: set_a_isize, a_usize: set_a_usize, a_f32: set_a_f32,
    a_f64: set_a_f64, a_char: set_a_char, a_bool: set_a_bool, small: set_small,
    medium: set_medium, large: set_large, text: set_text,
}, sink_sums, sink_mutate);

/// What one layout answered.
#[derive(Debug, PartialEq)]
struct Answers {
    get: String,
    sums: Vec<u128>,
    mutated: String,
}

/// Builds store `S` from the records and runs the three workloads (each on a fresh store).
struct RunAll<R>(Vec<R>);

impl<R> StoreFn<R> for RunAll<R>
where
    R: Record + std::fmt::Debug,
    Sums: Workload<R, Output = Vec<u128>>,
    Mutate: Workload<R, Output = String>,
{
    type Out = Answers;
    fn call<S: Store<R>>(self) -> Answers {
        let fresh = || S::from_records(self.0.clone()).expect("few distinct values fit every id");
        let store = fresh();
        assert_eq!(store.len(), self.0.len());
        let get = format!(
            "{:?}",
            (0..store.len()).map(|i| store.get(i)).collect::<Vec<_>>()
        );
        Answers {
            get,
            sums: Sums.run(&mut fresh()),
            mutated: Mutate.run(&mut fresh()),
        }
    }
}

fn check<R>(records: Vec<R>, sums_ref: fn(&[R]) -> Vec<u128>, mutate_ref: fn(Vec<R>) -> String)
where
    R: Record + std::fmt::Debug,
    Sums: Workload<R, Output = Vec<u128>>,
    Mutate: Workload<R, Output = String>,
{
    let expected = Answers {
        get: format!("{records:?}"),
        sums: sums_ref(&records),
        mutated: mutate_ref(records.clone()),
    };
    let layouts = R::layouts();
    assert_eq!(
        layouts.iter().any(|l| l.name == "hot_cold"),
        R::SCHEMA.has_cold()
    );
    for layout in layouts {
        let got = R::for_layout(layout.name, RunAll(records.clone())).expect("listed layout");
        assert_eq!(
            got,
            expected,
            "layout {} of {}",
            layout.name,
            R::SCHEMA.name
        );
    }
    for got in [
        RunAll(records.clone()).call::<Counting<Aos<R>>>(),
        RunAll(records.clone()).call::<Counting<Soa<R>>>(),
    ] {
        assert_eq!(got, expected, "counting store of {}", R::SCHEMA.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn trades_agree(records in proptest::collection::vec(trade(), 0..30)) {
        check(records, trade_sums, trade_mutate);
    }

    #[test]
    fn log_events_agree(records in proptest::collection::vec(log_event(), 0..30)) {
        check(records, log_sums, log_mutate);
    }

    #[test]
    fn entities_agree(records in proptest::collection::vec(entity(), 0..30)) {
        check(records, entity_sums, entity_mutate);
    }

    #[test]
    fn points_agree(records in proptest::collection::vec(point(), 0..30)) {
        check(records, point_sums, point_mutate);
    }

    #[test]
    fn tagged_agree(records in proptest::collection::vec(tagged(), 0..30)) {
        check(records, tagged_sums, tagged_mutate);
    }

    #[test]
    fn kitchen_sinks_agree(records in proptest::collection::vec(kitchen_sink(), 0..30)) {
        check(records, sink_sums, sink_mutate);
    }
}

/// Enough records to fill several `aosoa` blocks and to make `packed` collect its text
/// buffer, with every third record dropped and every string rewritten.
#[test]
fn many_records_across_blocks_and_text_collection() {
    let records: Vec<Trade> = (0..1000)
        .map(|i| Trade {
            symbol: format!("S{}", i % 13),
            price: f64::from(i) * 0.5,
            qty: i,
            side: if i % 2 == 0 { Side::Buy } else { Side::Sell },
            venue: "V".repeat((i % 40) as usize),
            ts: -i64::from(i),
        })
        .collect();
    check(records, trade_sums, trade_mutate);
}
