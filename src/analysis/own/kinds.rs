//! What to do with each `Option`, list and flattened field of a user's record, from what the
//! data held and which leaves the workloads touched: a validity bitmap, a sentinel or a niche
//! for an `Option`; spans into one buffer, an inline array or a fixed-size array for a list;
//! and which fields of a flattened record are read at all.

use super::strings::StringAdvice;
use crate::format::{code_list, per_record};
use crate::model::{ListStats, OptionStats, RecordSection, Results};

/// Advice for every `Option` field.
pub(crate) fn option_advice(data: &Results) -> Vec<StringAdvice> {
    let Some(record) = &data.record else {
        return Vec::new();
    };
    record.options.iter().map(advise_option).collect()
}

fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

fn advise_option(o: &OptionStats) -> StringAdvice {
    let share = percent(o.none, o.records);
    let data = format!("{share:.1} % of {} records are `None`", o.records);
    let size = o.value_bytes;
    let (advice, why) = if share >= 50.0 && size >= 4 {
        let sparse = (1.0 - share / 100.0) * (size + 4) as f64;
        (
            "sparse column".to_owned(),
            format!(
                "{data}: `soa` keeps a blank {size}-byte value under each `None` beside its \
                 validity bit ({} B/record); a sparse column (only the `Some` values, each with \
                 its 4-byte record number) would hold {} B/record, at the price of a search \
                 to read one record",
                per_record(size as f64 + 0.125),
                per_record(sparse)
            ),
        )
    } else if o.niche {
        (
            "keep Option (niche)".to_owned(),
            format!(
                "{data}: `packed` keeps `None` in a niche of the value (no byte added) and \
                 `soa` in one validity bit a record; nothing cheaper exists"
            ),
        )
    } else if let Some(sentinel) = &o.sentinel {
        (
            format!("sentinel `{sentinel}`?"),
            format!(
                "{data}, and no `Some` held `{sentinel}`: standing for `None`, it would save \
                 `packed` its presence byte ({} → {size} B) and `soa` its validity bit — but \
                 only if no real value can ever be `{sentinel}`; otherwise keep the bitmap",
                size + 1
            ),
        )
    } else {
        (
            "keep Option (bitmap)".to_owned(),
            format!(
                "{data}, and the values use their whole range, so no sentinel is free: the \
                 validity bit (`soa`, `aosoa`) and presence byte (`packed`) are the cheapest"
            ),
        )
    };
    StringAdvice {
        field: o.field.clone(),
        advice,
        why,
    }
}

/// Bytes of one length prefix for lists of at most `n` elements.
fn length_bytes(n: usize) -> usize {
    match n {
        0..=255 => 1,
        256..=65_535 => 2,
        _ => 4,
    }
}

/// Advice for every list field.
pub(crate) fn list_advice(data: &Results) -> Vec<StringAdvice> {
    let Some(record) = &data.record else {
        return Vec::new();
    };
    record.lists.iter().map(advise_list).collect()
}

fn advise_list(l: &ListStats) -> StringAdvice {
    let s = l.elem_bytes.max(1);
    let data = format!(
        "{} records; length median {}, 99th percentile {}, longest {}, {:.1} % empty",
        l.records,
        l.len_median,
        l.len_p99,
        l.len_max,
        percent(l.empty, l.records)
    );
    let spans = 8.0 + l.len_mean * s as f64;
    let n = l.len_p99;
    let inline = (n * s + length_bytes(n)) as f64;
    let (advice, why) = if l.len_max == l.len_median && l.empty == 0 && n > 0 {
        (
            format!("array [_; {n}]"),
            format!(
                "{data}: every list has {n} elements, so an array `[T; {n}]` holds them in {} B \
                 a record with no span, against {} B for spans into one buffer",
                n * s,
                per_record(spans)
            ),
        )
    } else if n > 0 && inline < spans && n * s <= 64 {
        (
            format!("inline up to {n}"),
            format!(
                "{data}: an inline array of {n} elements and a length (`SmallVec<[T; {n}]>`-like, \
                 the longest 1 % spilling) would hold {} B a record in the record itself, \
                 against {} B for a span and the elements in one buffer (8 + the average {:.1} \
                 × {s} B)",
                per_record(inline),
                per_record(spans),
                l.len_mean
            ),
        )
    } else {
        (
            "keep spans".to_owned(),
            format!(
                "{data}: the lengths vary too much to inline ({n} elements would take {} B a \
                 record); a span into one values buffer costs {} B a record (8 + the average \
                 {:.1} × {s} B), and `aos`'s `Vec` a 24-byte header and a heap block per \
                 non-empty list",
                per_record(inline),
                per_record(spans),
                l.len_mean
            ),
        )
    };
    StringAdvice {
        field: l.field.clone(),
        advice,
        why,
    }
}

/// Per flattened field, which of its leaves the workloads touch: one line each.
pub(crate) fn flatten_advice(record: &RecordSection, touched: &[bool]) -> Vec<String> {
    let mut prefixes: Vec<&str> = Vec::new();
    for f in &record.fields {
        if let Some((head, _)) = f.name.split_once('.') {
            if !prefixes.contains(&head) {
                prefixes.push(head);
            }
        }
    }
    prefixes
        .into_iter()
        .map(|prefix| {
            let leaves: Vec<(&str, bool, usize)> = record
                .fields
                .iter()
                .zip(touched)
                .filter(|(f, _)| f.name.split_once('.').is_some_and(|(h, _)| h == prefix))
                .map(|(f, &t)| (f.name.as_str(), t, f.packed_size))
                .collect();
            let used: Vec<&str> = leaves.iter().filter(|l| l.1).map(|l| l.0).collect();
            let unused: Vec<&str> = leaves.iter().filter(|l| !l.1).map(|l| l.0).collect();
            let cold = record
                .fields
                .iter()
                .any(|f| f.name.starts_with(&format!("{prefix}.")) && f.cold);
            if used.is_empty() {
                format!(
                    "no workload reads or writes any of the {} fields of the flattened `{prefix}`{}",
                    leaves.len(),
                    if cold {
                        ", already `#[record(cold)]`".to_owned()
                    } else {
                        format!(
                            ": mark `{prefix}` `#[record(cold)]` and `hot_cold` keeps all of it out \
                             of the scanned array"
                        )
                    }
                )
            } else if unused.is_empty() {
                format!(
                    "the workloads use every field of the flattened `{prefix}` ({})",
                    code_list(&used)
                )
            } else {
                let bytes: usize = leaves.iter().filter(|l| !l.1).map(|l| l.2).sum();
                format!(
                    "of the flattened `{prefix}`, the workloads use {} and never {}: `soa` and \
                     `packed` reach each field of `{prefix}` alone, so the unused ones cost a \
                     scan nothing there, while `aos`-like layouts carry them with every record \
                     (the unused fields are {bytes} B of a `packed` row)",
                    code_list(&used),
                    code_list(&unused)
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(none: u64, sentinel: Option<&str>, niche: bool, size: usize) -> OptionStats {
        OptionStats {
            field: "x".into(),
            records: 1000,
            none,
            sentinel: sentinel.map(str::to_owned),
            value_bytes: size,
            niche,
        }
    }

    #[test]
    fn option_advice_follows_the_data() {
        assert_eq!(
            advise_option(&option(900, None, false, 8)).advice,
            "sparse column"
        );
        assert_eq!(
            advise_option(&option(100, None, true, 1)).advice,
            "keep Option (niche)"
        );
        assert_eq!(
            advise_option(&option(100, Some("NaN"), false, 8)).advice,
            "sentinel `NaN`?"
        );
        assert_eq!(
            advise_option(&option(100, None, false, 8)).advice,
            "keep Option (bitmap)"
        );
    }

    fn list(median: usize, p99: usize, max: usize, mean: f64, empty: u64) -> ListStats {
        ListStats {
            field: "tags".into(),
            records: 1000,
            empty,
            len_median: median,
            len_p99: p99,
            len_max: max,
            len_mean: mean,
            elem_bytes: 4,
        }
    }

    #[test]
    fn list_advice_follows_the_lengths() {
        assert_eq!(advise_list(&list(3, 3, 3, 3.0, 0)).advice, "array [_; 3]");
        // 2 × 4 + 1 = 9 B inline against 8 + 1.5 × 4 = 14 B of spans.
        assert_eq!(
            advise_list(&list(1, 2, 9, 1.5, 10)).advice,
            "inline up to 2"
        );
        assert_eq!(advise_list(&list(4, 60, 200, 6.0, 10)).advice, "keep spans");
    }
}
