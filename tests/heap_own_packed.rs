//! Heap facts of the derived `packed` layout (dhat in testing mode; a file of its own,
//! without libtest's threads — see `heap_common`): a record costs the sum of its fields'
//! packed sizes (interned strings as their ids), plus the intern table, within 5 %; plain
//! strings add their text in one buffer, never a heap block per record.

mod own_common;

use layoutlab::intern::Interner;
use layoutlab::own::Packed;
use layoutlab::{Record, Scalar, Store};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Bid,
    Ask,
}

/// Interned strings and scalars only.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Quote {
    #[record(intern = u16)]
    pub symbol: String,
    #[record(intern = u8)]
    pub venue: String,
    pub bid: f64,
    pub ask: f64,
    pub size: u32,
    pub side: Side,
    pub firm: bool,
    pub code: char,
}

/// With a plain string.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Note {
    pub at: i64,
    pub text: String,
}

const RECORDS: usize = 200_000;
const SYMBOLS: usize = 500;

fn live() -> usize {
    dhat::HeapStats::get().curr_bytes
}

fn quote(i: usize) -> Quote {
    Quote {
        symbol: format!("SYM{}", i % SYMBOLS),
        venue: format!("V{}", i % 7),
        bid: i as f64,
        ask: i as f64 + 0.5,
        size: i as u32,
        side: if i % 2 == 0 { Side::Bid } else { Side::Ask },
        firm: i % 3 == 0,
        code: 'q',
    }
}

/// The intern tables of the same distinct values, alone.
fn table_bytes() -> usize {
    let before = live();
    let mut symbols = Interner::<u16>::default();
    let mut venues = Interner::<u8>::default();
    for i in 0..SYMBOLS {
        symbols.intern(&quote(i).symbol).unwrap();
        venues.intern(&quote(i).venue).unwrap();
    }
    let bytes = live() - before;
    drop((symbols, venues));
    bytes
}

fn packed_is_its_fields_packed_sizes_plus_the_intern_table() {
    let fields: usize = Quote::SCHEMA.fields.iter().map(|f| f.packed_size).sum();
    assert_eq!(fields, 2 + 1 + 8 + 8 + 4 + 1 + 1 + 4);
    let table = table_bytes();

    let before = live();
    let mut store = Packed::<Quote>::with_capacity(RECORDS);
    for i in 0..RECORDS {
        store.push(quote(i)).unwrap();
    }
    let bytes = live() - before;
    let expected = RECORDS * fields + table;
    dhat::assert!(
        (bytes as f64 - expected as f64).abs() <= 0.05 * expected as f64,
        "packed holds {bytes} B, fields + table = {expected} B"
    );
    // In fact exactly: the rows are reserved once, the table is the same table.
    dhat::assert_eq!(bytes, expected);
    drop(store);
}

fn plain_strings_share_one_text_buffer() {
    let text = "a note of 20 bytes..";
    let before_blocks = dhat::HeapStats::get().total_blocks;
    let before = live();
    let mut store = Packed::<Note>::with_capacity(RECORDS);
    for i in 0..RECORDS {
        store
            .push(Note {
                at: i as i64,
                text: text.to_owned(),
            })
            .unwrap();
    }
    let bytes = live() - before;
    let rows = RECORDS * (8 + 8);
    let texts = RECORDS * text.len();
    // The buffer grows by doubling, so its capacity is between the text and twice it.
    dhat::assert!(
        bytes >= rows + texts && bytes <= rows + 2 * texts,
        "{bytes} B"
    );
    // One block per record is each pushed record's own String (freed at once), not the
    // store's: the store's blocks are the rows and the buffer's growth steps.
    let blocks = dhat::HeapStats::get().total_blocks - before_blocks;
    dhat::assert!(blocks < RECORDS as u64 + 64, "{blocks} blocks");
    dhat::assert_eq!(store.text(RECORDS - 1), text);
    drop(store);
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    packed_is_its_fields_packed_sizes_plus_the_intern_table();
    println!("test packed_is_its_fields_packed_sizes_plus_the_intern_table ... ok");
    plain_strings_share_one_text_buffer();
    println!("test plain_strings_share_one_text_buffer ... ok");
}
