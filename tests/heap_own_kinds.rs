//! Heap facts of the field kinds of issue 18 in the derived layouts (dhat in testing mode; a
//! file of its own, without libtest's threads — see `heap_common`), asserted exactly:
//!
//! - an `Option<f64>` costs `soa` 8 bytes and one bit a record — its values column and a
//!   validity bitmap in whole `u64` words, both reserved from the size hint — not the 16
//!   bytes of an `Option<f64>` in `aos`; `packed` 9 (a presence byte) and `aosoa` 9 too (one
//!   validity byte per block of 8, padded to 8 by the `f64` lanes' alignment);
//! - a `Vec<u32>` of average length k costs `soa`, `packed` and `aosoa` 4k bytes and an
//!   8-byte span a record, plus the growth slack of the one values buffer per field — exactly
//!   the capacity a `Vec<u32>` reaches when the same lists are appended to it one by one,
//!   under the elements' count twice over — in 3, 2 and 2 heap blocks for the whole store,
//!   allocated in O(log n) steps; `aos` holds a 24-byte `Vec` in the record and a heap block
//!   per non-empty list;
//! - setters that change list lengths, and `retain`, keep the dead elements at most as many
//!   as the live ones: after every operation the buffer's capacity is exactly that of a model
//!   that follows the list module's rule (a shorter list in place, a longer one appended, the
//!   live elements moved into a fresh buffer when more than half is dead), and never above 4×
//!   the live elements (2× from dead ones, 2× from growth slack).

use layoutlab::own::kind::Span;
use layoutlab::own::{Aos, Aosoa, Packed, Soa};
use layoutlab::{Record, Store};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// An id beside the optional field, so the record is not the field alone.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Reading {
    pub id: u64,
    pub score: Option<f64>,
}

/// An id beside a list of known average length.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Tagged {
    pub id: u64,
    pub tags: Vec<u32>,
}

// What the figures below are made of.
const _: () = assert!(size_of::<Option<f64>>() == 16);
const _: () = assert!(size_of::<Reading>() == 24);
const _: () = assert!(size_of::<Vec<u32>>() == 24);
const _: () = assert!(size_of::<Tagged>() == 32);
const _: () = assert!(size_of::<Span>() == 8);
const _: () = assert!(size_of::<ReadingPacked>() == 8 + 9);
const _: () = assert!(size_of::<TaggedPacked>() == 8 + 8);
// 8 ids; a validity byte padded to 8 and 8 values.
const _: () = assert!(size_of::<ReadingBlock>() == 64 + 8 + 64);
// 8 ids; 8 spans.
const _: () = assert!(size_of::<TaggedBlock>() == 64 + 64);

/// Not a multiple of 64 (nor of 8), so the bitmap's last word and the last block are partial.
const OPTIONS: usize = 100_003;
const LISTS: usize = 100_000;
/// The longest list: lengths are uniform in `0..=MAX_LEN` (average 4), a ninth of them empty.
const MAX_LEN: usize = 8;

/// The heap as dhat counts it now.
#[derive(Clone, Copy)]
struct Heap {
    bytes: usize,
    blocks: usize,
    allocations: u64,
}

fn heap() -> Heap {
    let stats = dhat::HeapStats::get();
    Heap {
        bytes: stats.curr_bytes,
        blocks: stats.curr_blocks,
        allocations: stats.total_blocks,
    }
}

/// What a store built from records took: live bytes and blocks once the source records are
/// gone, and the allocations (reallocations included, as dhat counts them) on the way.
#[derive(Debug, PartialEq, Eq)]
struct Built {
    bytes: usize,
    blocks: usize,
    allocations: u64,
}

/// Builds store `S` from `records` (moved in: a store reserves from the exact size hint) and
/// measures it. `source` is the heap the records hold, bytes and blocks, freed meanwhile.
fn build<R: Record, S: Store<R>>(records: Vec<R>, source: (usize, usize)) -> (S, Built) {
    let before = heap();
    let store = S::from_records(records).unwrap();
    let after = heap();
    let built = Built {
        bytes: after.bytes + source.0 - before.bytes,
        blocks: after.blocks + source.1 - before.blocks,
        allocations: after.allocations - before.allocations,
    };
    (store, built)
}

fn readings() -> Vec<Reading> {
    (0..OPTIONS)
        .map(|i| Reading {
            id: i as u64,
            score: (i % 7 != 3).then_some(i as f64 * 0.5),
        })
        .collect()
}

fn option_f64_costs_soa_8_bytes_and_a_bit() {
    let source = (OPTIONS * size_of::<Reading>(), 1);
    let n = OPTIONS;

    let (soa, built) = build::<_, Soa<Reading>>(readings(), source);
    let bitmap = n.div_ceil(64) * 8;
    dhat::assert_eq!(
        built,
        Built {
            bytes: n * 8 + n * 8 + bitmap,
            blocks: 3,
            allocations: 3,
        },
        "soa: the id column, the values column, the bitmap's words"
    );
    let option = built.bytes - n * 8;
    dhat::assert!(option * 8 <= n * 65 + 63 * 8, "{option} B for {n} options");
    dhat::assert_eq!(soa.score(3), None::<f64>);
    dhat::assert_eq!(soa.score(n - 1), Some((n - 1) as f64 * 0.5));
    drop(soa);

    let (packed, built) = build::<_, Packed<Reading>>(readings(), source);
    dhat::assert_eq!(
        built,
        Built {
            bytes: n * (8 + 9),
            blocks: 1,
            allocations: 1
        },
        "packed: the id and the value behind a presence byte"
    );
    drop(packed);

    let (aosoa, built) = build::<_, Aosoa<Reading>>(readings(), source);
    dhat::assert_eq!(
        built,
        Built {
            bytes: n.div_ceil(8) * size_of::<ReadingBlock>(),
            blocks: 1,
            allocations: 1
        },
        "aosoa: blocks of 8 ids, a validity byte (padded to 8) and 8 values"
    );
    drop(aosoa);

    let (aos, built) = build::<_, Aos<Reading>>(readings(), source);
    dhat::assert_eq!(built.bytes, n * 24, "aos: the record as Rust lays it out");
    drop(aos);
    println!(
        "test option_f64_costs_soa_8_bytes_and_a_bit ... ok ({n} records: soa {} B, \
         {option} B of them the option's; packed {} B; aosoa {} B; aos {} B)",
        n * 16 + bitmap,
        n * 17,
        n.div_ceil(8) * size_of::<ReadingBlock>(),
        n * 24
    );
}

/// `LISTS` lists of lengths uniform in `0..=MAX_LEN`, from a fixed seed; each `Vec` holds
/// exactly its elements (an empty one holds no heap block).
fn lists(seed: u64) -> Vec<Vec<u32>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..LISTS)
        .map(|_| {
            let len = rng.usize(0..=MAX_LEN);
            (0..len).map(|_| rng.u32(..)).collect()
        })
        .collect()
}

/// The records, and the heap they hold: bytes and blocks.
fn tagged(lists: &[Vec<u32>]) -> (Vec<Tagged>, (usize, usize)) {
    let records: Vec<Tagged> = lists
        .iter()
        .enumerate()
        .map(|(i, l)| Tagged {
            id: i as u64,
            tags: l.clone(),
        })
        .collect();
    let mut source = (records.capacity() * size_of::<Tagged>(), 1);
    for r in &records {
        assert_eq!(
            r.tags.capacity(),
            r.tags.len(),
            "a clone holds its elements only"
        );
        source.0 += r.tags.capacity() * 4;
        source.1 += usize::from(r.tags.capacity() > 0);
    }
    (records, source)
}

/// The capacity of a `Vec<u32>` when `lists` are appended to it one by one, as the list
/// kind's values buffer grows (`extend_from_slice`, std's amortised doubling), and how many
/// times it was allocated or reallocated on the way.
fn appended<'a>(lists: impl IntoIterator<Item = &'a [u32]>) -> (usize, u64) {
    let mut values = Vec::<u32>::new();
    let (mut capacity, mut steps) = (0, 0);
    for list in lists {
        values.extend_from_slice(list);
        if values.capacity() != capacity {
            capacity = values.capacity();
            steps += 1;
        }
    }
    (capacity, steps)
}

fn vec_u32_costs_compact_layouts_4k_bytes_and_a_span() {
    let lists = lists(18);
    let n = LISTS;
    let elements: usize = lists.iter().map(Vec::len).sum();
    let empty = lists.iter().filter(|l| l.is_empty()).count();
    let (capacity, steps) = appended(lists.iter().map(Vec::as_slice));
    // Doubling: the buffer holds at most twice the elements, reached in O(log n) steps.
    assert!(capacity >= elements && capacity < 2 * elements);
    assert!(
        (steps as f64) <= 4.0 + (elements as f64).log2(),
        "{steps} steps"
    );
    let values = capacity * 4;

    let (records, source) = tagged(&lists);
    let (soa, built) = build::<_, Soa<Tagged>>(records, source);
    dhat::assert_eq!(
        built,
        Built {
            bytes: n * 8 + n * 8 + values,
            blocks: 3,
            allocations: 2 + steps,
        },
        "soa: the id column, the span column, one values buffer"
    );
    dhat::assert_eq!(soa.tags(n - 1), &lists[n - 1][..]);
    drop(soa);

    let (records, source) = tagged(&lists);
    let (packed, built) = build::<_, Packed<Tagged>>(records, source);
    dhat::assert_eq!(
        built,
        Built {
            bytes: n * (8 + 8) + values,
            blocks: 2,
            allocations: 1 + steps,
        },
        "packed: rows of an id and a span, one values buffer"
    );
    drop(packed);

    let (records, source) = tagged(&lists);
    let (aosoa, built) = build::<_, Aosoa<Tagged>>(records, source);
    dhat::assert_eq!(
        built,
        Built {
            bytes: n.div_ceil(8) * size_of::<TaggedBlock>() + values,
            blocks: 2,
            allocations: 1 + steps,
        },
        "aosoa: blocks of 8 ids and 8 spans, one values buffer"
    );
    dhat::assert_eq!(aosoa.tags(n - 1), &lists[n - 1][..]);
    drop(aosoa);

    // aos keeps the user's `Vec`s: 24 bytes in the record, a block per non-empty list.
    let (records, source) = tagged(&lists);
    let (aos, built) = build::<_, Aos<Tagged>>(records, source);
    dhat::assert_eq!(
        built,
        Built {
            bytes: n * 32 + elements * 4,
            blocks: 1 + (n - empty),
            allocations: 1,
        },
        "aos: the records (moved in) and every non-empty list's own block"
    );
    drop(aos);
    println!(
        "test vec_u32_costs_compact_layouts_4k_bytes_and_a_span ... ok ({n} records, k = {:.3}, \
         {empty} empty; values buffer {capacity} u32 for {elements} elements in {steps} \
         allocations; soa {} B, packed {} B, aosoa {} B in 3, 2, 2 blocks; aos {} B in {} blocks)",
        elements as f64 / n as f64,
        n * 16 + values,
        n * 16 + values,
        n.div_ceil(8) * size_of::<TaggedBlock>() + values,
        n * 32 + elements * 4,
        1 + (n - empty),
    );
}

/// The values buffer of a list field as `kind/list.rs` says it behaves, on a real
/// `Vec<u32>` (so that its capacity grows as the store's does): a list set no longer than
/// before is written in place and the rest of its old place is dead; a longer one is
/// appended and all of its old place is dead; a dropped record's elements are dead; after
/// every operation, once more than half the buffer is dead, the live elements move, record by
/// record, into a fresh buffer reserved for exactly them.
struct Model {
    values: Vec<u32>,
    dead: usize,
    /// Every record's (offset, length).
    spans: Vec<(usize, usize)>,
    compactions: usize,
}

impl Model {
    fn new(lists: &[Vec<u32>]) -> Self {
        let mut model = Model {
            values: Vec::new(),
            dead: 0,
            spans: Vec::with_capacity(lists.len()),
            compactions: 0,
        };
        for list in lists {
            let span = model.append(list);
            model.spans.push(span);
        }
        model
    }

    fn append(&mut self, list: &[u32]) -> (usize, usize) {
        let offset = self.values.len();
        self.values.extend_from_slice(list);
        (offset, list.len())
    }

    fn get(&self, i: usize) -> &[u32] {
        let (offset, len) = self.spans[i];
        &self.values[offset..offset + len]
    }

    fn set(&mut self, i: usize, list: &[u32]) {
        let (offset, len) = self.spans[i];
        if list.len() <= len {
            self.values[offset..offset + list.len()].copy_from_slice(list);
            self.dead += len - list.len();
            self.spans[i].1 = list.len();
        } else {
            self.spans[i] = self.append(list);
            self.dead += len;
        }
        self.compact();
    }

    /// Keeps the records whose list `keep` accepts (the spans' `Vec` keeps its capacity).
    fn retain(&mut self, keep: impl Fn(&[u32]) -> bool) {
        let mut kept = 0;
        for i in 0..self.spans.len() {
            let (offset, len) = self.spans[i];
            if keep(&self.values[offset..offset + len]) {
                self.spans[kept] = self.spans[i];
                kept += 1;
            } else {
                self.dead += len;
            }
        }
        self.spans.truncate(kept);
        self.compact();
    }

    fn compact(&mut self) {
        if self.dead > 0 && self.dead > self.values.len() / 2 {
            let mut fresh = Vec::with_capacity(self.values.len() - self.dead);
            for span in &mut self.spans {
                let start = fresh.len();
                fresh.extend_from_slice(&self.values[span.0..span.0 + span.1]);
                span.0 = start;
            }
            self.values = fresh;
            self.dead = 0;
            self.compactions += 1;
        }
    }

    fn live(&self) -> usize {
        self.values.len() - self.dead
    }

    /// The heap the model itself holds (it lives under the same profiler as the store).
    fn heap(&self) -> usize {
        self.values.capacity() * 4 + self.spans.capacity() * size_of::<(usize, usize)>()
    }
}

/// A store beside its model, checked after every operation.
struct Churn<S> {
    store: S,
    model: Model,
    /// Live heap bytes that are neither the store's nor the model's.
    base: usize,
    /// The store's bytes besides the values buffer (ids, spans), which no operation here
    /// reallocates: `retain` keeps the capacity of what it truncates.
    fixed: usize,
    /// The most dead elements seen, over the live ones.
    worst: f64,
    operations: usize,
}

impl<S: Store<Tagged>> Churn<S> {
    /// Checks that the store's heap is its fixed part plus exactly the model's buffer, that
    /// the buffer holds no more dead elements than live ones, and that its capacity is
    /// within twice that (growth slack; std's smallest `Vec<u32>` holds 4).
    fn check(&mut self, what: &str) {
        let name = S::NAME;
        let bytes = heap().bytes - self.base - self.model.heap();
        let (len, capacity) = (self.model.values.len(), self.model.values.capacity());
        dhat::assert_eq!(
            bytes,
            self.fixed + capacity * 4,
            "{name}: {what}: the store's values buffer is not the model's"
        );
        let live = self.model.live();
        dhat::assert!(len <= 2 * live, "{name}: {what}: {len} for {live} live");
        dhat::assert!(
            capacity <= (4 * live).max(4),
            "{name}: {what}: {capacity} u32 for {live} live"
        );
        if live > 0 {
            self.worst = self.worst.max(self.model.dead as f64 / live as f64);
        }
        self.operations += 1;
    }

    /// `count` setters of random records to random lists of `0..=longest` elements.
    fn sets(&mut self, rng: &mut fastrand::Rng, count: usize, longest: usize) {
        let mut list = [0u32; 4 * MAX_LEN];
        for op in 0..count {
            let i = rng.usize(..self.store.len());
            let len = rng.usize(0..=longest);
            for (k, x) in list[..len].iter_mut().enumerate() {
                *x = (op * 31 + k) as u32;
            }
            self.store.set_tags(i, &list[..len]);
            self.model.set(i, &list[..len]);
            self.check("set");
        }
    }
}

/// Sets lists to longer and shorter lengths, retains a third of the records, and sets
/// lists shorter again, checking `S` against the model after every operation.
fn churn<S: Store<Tagged>>(fixed: usize) -> Churn<S> {
    let lists = lists(1818);
    let model = Model::new(&lists);
    let (records, source) = tagged(&lists);
    drop(lists);
    let base = heap().bytes - source.0 - model.heap();
    let store = S::from_records(records).unwrap();
    let mut churn = Churn {
        store,
        model,
        base,
        fixed,
        worst: 0.0,
        operations: 0,
    };
    churn.check("built");

    let mut rng = fastrand::Rng::with_seed(7);
    // Lists of average length 2k: most sets append, the buffer grows.
    churn.sets(&mut rng, 3 * LISTS, 4 * MAX_LEN);
    // Drop every empty list and about a third of the others.
    let keep = |l: &[u32]| l.first().is_some_and(|x| x % 3 != 0);
    churn.store.retain(|row| keep(row.tags()));
    churn.model.retain(keep);
    churn.check("retain");
    // Shorter lists: every set shrinks in place, leaving dead space without appending.
    churn.sets(&mut rng, 2 * LISTS, 2);

    dhat::assert_eq!(churn.store.len(), churn.model.spans.len());
    for i in 0..churn.store.len() {
        dhat::assert_eq!(churn.store.tags(i), churn.model.get(i), "{}: {i}", S::NAME);
    }
    churn
}

fn setters_and_retain_keep_dead_space_bounded() {
    let n = LISTS;
    let mut figures = Vec::new();
    for (name, churn) in [
        ("soa", report(churn::<Soa<Tagged>>(n * 8 + n * 8))),
        ("packed", report(churn::<Packed<Tagged>>(n * 16))),
        (
            "aosoa",
            report(churn::<Aosoa<Tagged>>(
                n.div_ceil(8) * size_of::<TaggedBlock>(),
            )),
        ),
    ] {
        figures.push(format!("{name} {churn}"));
    }
    println!(
        "test setters_and_retain_keep_dead_space_bounded ... ok ({})",
        figures.join("; ")
    );
}

/// What a churn saw, in a few words; the store is dropped.
fn report<S: Store<Tagged>>(churn: Churn<S>) -> String {
    // The same operations on every layout: the same model, so the same compactions.
    dhat::assert!(churn.model.compactions >= 3, "{}", churn.model.compactions);
    format!(
        "{} operations, {} compactions, at most {:.2} dead per live element, {} live at the end",
        churn.operations,
        churn.model.compactions,
        churn.worst,
        churn.model.live()
    )
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    option_f64_costs_soa_8_bytes_and_a_bit();
    vec_u32_costs_compact_layouts_4k_bytes_and_a_span();
    setters_and_retain_keep_dead_space_bounded();
}
