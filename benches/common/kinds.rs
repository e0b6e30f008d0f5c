//! What `benches/derived.rs` (groups `scan_option`, `scan_list`) and
//! `examples/kind_scans.rs` share: a record with issue 18's `Option` and list fields, its
//! data, the same columns built by hand, and the scans, each `#[inline(never)]` so that
//! each is one function the timer calls — the derived ones written once against `Store`,
//! the hand-written ones over plain `Vec`s.

use layoutlab::own::{Aos, Soa};
use layoutlab::{Record, Store};

/// A record with an optional number and a list (issue 18's kinds), beside an id.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Sample {
    pub id: u64,
    pub score: Option<f64>,
    pub tags: Vec<u32>,
}

/// One record in eight has no score, at random; lists are 0 to 8 long (4 on average).
pub fn samples(records: u64) -> Vec<Sample> {
    let mut rng = fastrand::Rng::with_seed(18);
    (0..records)
        .map(|id| Sample {
            id,
            score: (rng.u8(..8) != 0).then(|| rng.f64() * 100.0),
            tags: (0..rng.usize(0..=8)).map(|_| rng.u32(..1 << 20)).collect(),
        })
        .collect()
}

/// An `Option<f64>` column by hand, as Arrow keeps it: validity bits, 64 to a word, and the
/// values with a blank under every `None`.
pub struct BitmapColumn {
    pub words: Vec<u64>,
    pub values: Vec<f64>,
}

impl BitmapColumn {
    pub fn new(scores: impl Iterator<Item = Option<f64>>) -> Self {
        let mut column = BitmapColumn {
            words: Vec::new(),
            values: Vec::new(),
        };
        for (i, score) in scores.enumerate() {
            if i % 64 == 0 {
                column.words.push(0);
            }
            if score.is_some() {
                column.words[i / 64] |= 1 << (i % 64);
            }
            column.values.push(score.unwrap_or_default());
        }
        column
    }
}

/// A `Vec<u32>` column by hand: Arrow's List (`n + 1` offsets), the derive's spans
/// (`(offset, len)` per record), and the one values buffer both point into.
pub struct ListColumn {
    pub offsets: Vec<u32>,
    pub spans: Vec<(u32, u32)>,
    pub values: Vec<u32>,
}

impl ListColumn {
    pub fn new<'a>(lists: impl Iterator<Item = &'a [u32]>) -> Self {
        let mut column = ListColumn {
            offsets: vec![0],
            spans: Vec::new(),
            values: Vec::new(),
        };
        for list in lists {
            let offset = column.values.len() as u32;
            column.values.extend_from_slice(list);
            column.spans.push((offset, list.len() as u32));
            column.offsets.push(column.values.len() as u32);
        }
        column
    }
}

/// The stores and columns of `records` samples that the scans run over.
pub struct Scans {
    pub bitmap: BitmapColumn,
    pub lists: ListColumn,
    pub soa: Soa<Sample>,
    pub aos: Aos<Sample>,
}

impl Scans {
    pub fn new(records: u64) -> Self {
        let rows = samples(records);
        Scans {
            bitmap: BitmapColumn::new(rows.iter().map(|s| s.score)),
            lists: ListColumn::new(rows.iter().map(|s| &s.tags[..])),
            soa: Soa::from_records(rows.iter().cloned()).unwrap(),
            aos: Aos::from_records(rows).unwrap(),
        }
    }
}

/// The `Option` scan through the getters: the sum of the `Some`s and the count of `None`s.
#[inline(never)]
pub fn scan_option<S: Store<Sample>>(samples: &S) -> (f64, u64) {
    let (mut sum, mut none) = (0.0, 0);
    for i in 0..samples.len() {
        match samples.score(i) {
            Some(score) => sum += score,
            None => none += 1,
        }
    }
    (sum, none)
}

/// The list scan through the getters: the sum of every element of every record.
#[inline(never)]
pub fn scan_list<S: Store<Sample>>(samples: &S) -> u64 {
    let mut sum = 0;
    for i in 0..samples.len() {
        for &tag in samples.tags(i) {
            sum += u64::from(tag);
        }
    }
    sum
}

/// The `Option` scan by hand, record by record: bit `i % 64` of word `i / 64`.
#[inline(never)]
pub fn sum_bitmap(words: &[u64], values: &[f64]) -> (f64, u64) {
    let (mut sum, mut none) = (0.0, 0);
    for (i, value) in values.iter().enumerate() {
        if words[i / 64] >> (i % 64) & 1 != 0 {
            sum += value;
        } else {
            none += 1;
        }
    }
    (sum, none)
}

/// The `Option` scan by hand, a word of validity bits at a time over the 64 values it covers.
#[inline(never)]
pub fn sum_words(words: &[u64], values: &[f64]) -> (f64, u64) {
    let (mut sum, mut none) = (0.0, 0);
    for (word, values) in words.iter().zip(values.chunks(64)) {
        for (bit, value) in values.iter().enumerate() {
            if word >> bit & 1 != 0 {
                sum += value;
            } else {
                none += 1;
            }
        }
    }
    (sum, none)
}

/// The list scan by hand over Arrow's List: record `i` is `values[offsets[i]..offsets[i + 1]]`.
#[inline(never)]
pub fn sum_offsets(offsets: &[u32], values: &[u32]) -> u64 {
    let mut sum = 0;
    for ends in offsets.windows(2) {
        for &tag in &values[ends[0] as usize..ends[1] as usize] {
            sum += u64::from(tag);
        }
    }
    sum
}

/// The list scan by hand over spans: record `i` is `len` values from `offset`.
#[inline(never)]
pub fn sum_spans(spans: &[(u32, u32)], values: &[u32]) -> u64 {
    let mut sum = 0;
    for &(offset, len) in spans {
        let start = offset as usize;
        for &tag in &values[start..start + len as usize] {
            sum += u64::from(tag);
        }
    }
    sum
}
