//! What the user's data holds, gathered once from the source for the advice only that data
//! can give: per text field the distinct values and lengths, per `Option` the share of
//! `None`, per list the length distribution, per integer field its range. Every figure is
//! per leaf field (a flattened record's fields each count).

use std::collections::HashSet;

use anyhow::Result;

use super::source::{IngestError, RecordSource};
use crate::model::{IntRange, ListStats, OptionStats, StringStats};
use crate::own::{FieldKind, LeafSchema, Observer, Record};

/// The statistics of every leaf field.
#[derive(Debug, Default)]
pub(crate) struct DataStats {
    pub strings: Vec<StringStats>,
    pub options: Vec<OptionStats>,
    pub lists: Vec<ListStats>,
    pub ints: Vec<IntRange>,
}

/// What one leaf held.
#[derive(Default)]
struct Leaf {
    distinct: HashSet<Box<str>>,
    capped: bool,
    text_lens: Vec<u32>,
    records: u64,
    none: u64,
    list_lens: Vec<u32>,
    ints: Option<(i128, i128)>,
    nan: bool,
}

struct Gather {
    leaves: Vec<Leaf>,
}

impl Observer for Gather {
    fn text(&mut self, leaf: usize, text: &str) {
        let l = &mut self.leaves[leaf];
        l.text_lens
            .push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        if !l.distinct.contains(text) {
            if l.distinct.len() < StringStats::DISTINCT_CAP as usize {
                l.distinct.insert(text.into());
            } else {
                l.capped = true;
            }
        }
    }
    fn present(&mut self, leaf: usize, present: bool) {
        let l = &mut self.leaves[leaf];
        l.records += 1;
        l.none += u64::from(!present);
    }
    fn len(&mut self, leaf: usize, len: usize) {
        self.leaves[leaf]
            .list_lens
            .push(u32::try_from(len).unwrap_or(u32::MAX));
    }
    fn nan(&mut self, leaf: usize) {
        self.leaves[leaf].nan = true;
    }
    fn int(&mut self, leaf: usize, value: i128) {
        let l = &mut self.leaves[leaf];
        l.ints = Some(
            l.ints
                .map_or((value, value), |(lo, hi)| (lo.min(value), hi.max(value))),
        );
    }
}

/// `(median, p99, max, mean)` of sorted lengths.
fn distribution(lens: &mut [u32]) -> (usize, usize, usize, f64) {
    lens.sort_unstable();
    let at = |q: f64| lens[((lens.len() - 1) as f64 * q).round() as usize] as usize;
    let mean = lens.iter().map(|&l| f64::from(l)).sum::<f64>() / lens.len() as f64;
    (at(0.5), at(0.99), *lens.last().unwrap_or(&0) as usize, mean)
}

/// Bytes one element of a list leaf takes in the compact layouts' values buffer: the
/// element itself, an interned string's id, or a plain string's span and its text.
fn elem_bytes(leaf: &LeafSchema, text_mean: f64) -> usize {
    match (leaf.field.element, leaf.field.intern) {
        (Some(FieldKind::String), Some(width)) => width.bytes(),
        (Some(FieldKind::String), None) => 8 + text_mean.round() as usize,
        _ => leaf.field.element_size,
    }
}

/// A value of an `Option` leaf's element type that no `Some` held: the type's smallest or
/// largest integer, or NaN for a float (none for a type whose `None` has a niche).
fn sentinel(leaf: &LeafSchema, l: &Leaf) -> Option<String> {
    let bits = leaf.field.element_size as u32 * 8;
    let (lo, hi) = match leaf.field.element? {
        FieldKind::Float => return (!l.nan).then(|| "NaN".to_owned()),
        FieldKind::Int if bits <= 64 => (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1),
        FieldKind::UInt if bits <= 64 => (0, (1i128 << bits) - 1),
        _ => return None,
    };
    let ty = format!("{}{bits}", if lo < 0 { "i" } else { "u" });
    match l.ints {
        None => Some(format!("{ty}::MAX")),
        Some((min, _)) if min > lo => Some(format!("{ty}::MIN")),
        Some((_, max)) if max < hi => Some(format!("{ty}::MAX")),
        Some(_) => None,
    }
}

/// Gathers the statistics of the first `records` records of `source`.
pub(crate) fn gather<R: Record>(source: &RecordSource<R>, records: u64) -> Result<DataStats> {
    let schema = R::SCHEMA.leaves();
    let mut gather = Gather {
        leaves: schema.iter().map(|_| Leaf::default()).collect(),
    };
    source
        .stream(records, &mut |record: R| {
            record.observe(&mut gather);
            Ok(())
        })
        .map_err(IngestError::into_anyhow)?;
    let mut stats = DataStats::default();
    for (leaf, l) in schema.iter().zip(&mut gather.leaves) {
        let field = leaf.path.clone();
        let text_mean = l.text_lens.iter().map(|&n| f64::from(n)).sum::<f64>()
            / l.text_lens.len().max(1) as f64;
        if !l.text_lens.is_empty() {
            let (len_median, len_p99, len_max, len_mean) = distribution(&mut l.text_lens);
            stats.strings.push(StringStats {
                field: field.clone(),
                distinct: l.distinct.len() as u64,
                capped: l.capped,
                len_median,
                len_p99,
                len_max,
                len_mean,
            });
        }
        if leaf.field.kind == FieldKind::Option && l.records > 0 {
            stats.options.push(OptionStats {
                field: field.clone(),
                records: l.records,
                none: l.none,
                sentinel: sentinel(leaf, l),
                value_bytes: leaf.field.element_size,
                niche: leaf.field.packed_size == leaf.field.element_size
                    || (leaf.field.element == Some(FieldKind::String)
                        && leaf.field.intern.is_none()),
            });
        }
        if leaf.field.kind == FieldKind::List && !l.list_lens.is_empty() {
            let empty = l.list_lens.iter().filter(|&&n| n == 0).count() as u64;
            let records = l.list_lens.len() as u64;
            let (len_median, len_p99, len_max, len_mean) = distribution(&mut l.list_lens);
            stats.lists.push(ListStats {
                field: field.clone(),
                records,
                empty,
                len_median,
                len_p99,
                len_max,
                len_mean,
                elem_bytes: elem_bytes(leaf, text_mean),
            });
        }
        if let Some((min, max)) = l.ints {
            stats.ints.push(IntRange { field, min, max });
        }
    }
    Ok(stats)
}

/// What `aos` holds per record beyond `size_of` the record, on average over the first
/// `records` records: text, list elements.
pub(crate) fn heap_bytes<R: Record>(
    source: &RecordSource<R>,
    records: u64,
) -> Result<u64, IngestError> {
    struct Heap(u64);
    impl Observer for Heap {
        fn heap(&mut self, _leaf: usize, bytes: usize) {
            self.0 += bytes as u64;
        }
    }
    let mut heap = Heap(0);
    source.stream(records, &mut |record: R| {
        record.observe(&mut heap);
        Ok(())
    })?;
    Ok(heap.0)
}
