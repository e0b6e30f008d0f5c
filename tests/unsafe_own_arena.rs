//! The derived `arena` layout holds raw pointers into its own bump arena (the `unsafe` of
//! `src/own/` besides the `Option` kind's bitmap reads, `tests/unsafe_own_option.rs`). These
//! tests walk every unsafe path — push across many chunks, reading rows and their strings
//! (getters, rows in `retain`, `get`), setters that replace strings, retain, moving the
//! store, counting over it, dropping it — and CI runs this file under valgrind memcheck
//! (`scripts/valgrind-unsafe.sh`), which would flag any invalid read or write.

mod own_common;

use layoutlab::own::{Arena, Counting};
use layoutlab::Store;
use own_common::{KitchenSink, KitchenSinkFields, Side, Trade, TradeFields, TradeRowFields};

fn trade(i: usize) -> Trade {
    Trade {
        symbol: format!("SYM-{:0>20}", i % 41),
        price: i as f64 * 0.25,
        qty: i as u32,
        side: if i % 3 == 0 { Side::Buy } else { Side::Sell },
        venue: "v".repeat(i % 50),
        ts: i as i64,
    }
}

#[test]
fn every_unsafe_path_reads_what_was_written() {
    let n = 20_000;
    let store = Arena::<Trade>::from_records((0..n).map(trade)).unwrap();
    assert!(store.arena_bytes() > n * 48, "spans many chunks");
    // Moving the store moves the Bump handle, not its chunks: pointers stay valid.
    let mut store = Box::new(store);
    for i in (0..n).step_by(997) {
        assert_eq!(store.get(i), trade(i));
        assert_eq!(store.symbol(i), trade(i).symbol);
        assert_eq!(store.venue(i), trade(i).venue);
    }
    // Setters put new strings into the arena; the old ones stay, unreferenced.
    for i in 0..n {
        let longer = format!("{}+{i}", store.venue(i));
        store.set_venue(i, &longer);
        store.set_symbol(i, "NEW");
        store.set_qty(i, 7);
    }
    store.retain(|t| t.venue().len() % 2 == 0 && t.symbol() == "NEW");
    assert!(!store.is_empty() && store.len() < n);
    for i in 0..store.len() {
        assert!(store.venue(i).contains('+'));
        assert_eq!(store.get(i).qty, 7);
    }
    let mut counted = Counting::new(*store);
    counted.retain(|t| t.qty() == 7);
    assert_eq!(counted.venue(0), counted.get(0).venue);
    drop(counted);
}

#[test]
fn empty_strings_and_an_emptied_store() {
    let mut store = Arena::<Trade>::with_capacity(0);
    assert!(store.is_empty());
    store
        .push(Trade {
            venue: String::new(),
            symbol: String::new(),
            ..trade(1)
        })
        .unwrap();
    assert_eq!(store.venue(0), "");
    assert_eq!(store.symbol(0), "");
    store.retain(|_| false);
    assert!(store.is_empty());
    store.push(trade(5)).unwrap();
    assert_eq!(store.get(0), trade(5));
}

#[test]
fn every_field_type_survives_the_arena() {
    let sink = KitchenSink {
        a_i8: -1,
        a_u8: 2,
        a_i16: -3,
        a_u16: 4,
        a_i32: -5,
        a_u32: 6,
        a_i64: -7,
        a_u64: 8,
        a_i128: -9,
        a_u128: 10,
        a_isize: -11,
        a_usize: 12,
        a_f32: 1.5,
        a_f64: -2.5,
        a_char: 'ß',
        a_bool: true,
        small: "s".into(),
        medium: "medium".into(),
        large: "large text".into(),
        text: "héllo".into(),
    };
    let mut store = Arena::<KitchenSink>::from_records(vec![sink.clone(); 300]).unwrap();
    assert_eq!(store.get(299), sink);
    store.set_text(10, "changed");
    assert_eq!(store.text(10), "changed");
    assert_eq!(store.text(11), "héllo");
}
