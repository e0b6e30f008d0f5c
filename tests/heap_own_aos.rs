//! Heap facts of the derived `aos` layout (dhat in testing mode; a file of its own, without
//! libtest's threads — see `heap_common`): a record costs `size_of::<R>()` in the array plus
//! its strings' own heap blocks, and nothing else.

mod own_common;

use layoutlab::own::Aos;
use layoutlab::Store;
use own_common::{Side, Trade};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const RECORDS: usize = 100_000;

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let trades: Vec<Trade> = (0..RECORDS)
        .map(|i| Trade {
            symbol: String::from(format!("S{}", i % 50).as_str()),
            price: i as f64,
            qty: i as u32,
            side: if i % 2 == 0 { Side::Buy } else { Side::Sell },
            // Every fourth venue is empty: an empty String has no heap block.
            venue: if i % 4 == 0 {
                String::new()
            } else {
                "XNAS".to_owned()
            },
            ts: i as i64,
        })
        .collect();
    let mut strings = 0;
    for t in &trades {
        strings += t.symbol.len() + t.venue.len();
        // `String::from` and `to_owned` allocate exactly the text: capacity is length.
        assert_eq!(t.symbol.capacity(), t.symbol.len());
        assert_eq!(t.venue.capacity(), t.venue.len());
    }

    // Live now: the records' Vec (exactly RECORDS long: `collect` from an exact-size
    // iterator) and their strings; nothing else was allocated since the profiler started.
    let before = dhat::HeapStats::get().curr_bytes;
    let record_array = RECORDS * size_of::<Trade>();
    dhat::assert_eq!(before, record_array + strings);
    let store = Aos::<Trade>::from_records(trades).unwrap();
    // The store reserved its array from the iterator's size hint and the records' strings
    // moved in with them; the source Vec's buffer is gone.
    let after = dhat::HeapStats::get().curr_bytes;
    dhat::assert_eq!(
        after,
        record_array + strings,
        "aos = size_of::<Trade>() per record + its strings' text"
    );
    assert_eq!(store.len(), RECORDS);
    println!(
        "test aos_is_size_of_r_per_record_plus_its_strings ... ok ({} + {strings} bytes)",
        record_array
    );
}
