//! What to do with each `String` field of a user's record, from the values it held and the
//! bytes the layouts measured: intern it (with which id width), keep it inline, or keep a
//! `String` — and when the field is declared so already, say to keep it.

use crate::format::per_record;
use crate::model::{Results, StringStats};

/// What to do with one `String` field, and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StringAdvice {
    /// The field.
    pub field: String,
    /// The advice, short (`intern = u8`, `inline up to 12 bytes`, `keep String`).
    pub advice: String,
    /// Why, citing the data and the measured layouts.
    pub why: String,
}

/// The narrowest id type that holds `distinct` values.
fn id_width(distinct: u64) -> Option<(&'static str, usize)> {
    [
        ("u8", 1usize, 1u64 << 8),
        ("u16", 2, 1 << 16),
        ("u32", 4, 1 << 32),
    ]
    .into_iter()
    .find(|&(_, _, cap)| distinct <= cap)
    .map(|(name, bytes, _)| (name, bytes))
}

/// Bytes of inline storage small strings need (a `SmallVec<[u8; N]>`-like type keeps up to
/// this many bytes without a heap block).
const INLINE_LIMIT: usize = 23;

/// Advice for every `String` field, from the values it held and the bytes the layouts used.
pub(crate) fn string_advice(data: &Results) -> Vec<StringAdvice> {
    let Some(record) = &data.record else {
        return Vec::new();
    };
    let records = data.workload.records.max(1);
    let bytes = |layout: &str| {
        data.layouts
            .iter()
            .find(|l| l.layout == layout)
            .and_then(|l| l.memory.as_ref())
            .map(|m| m.bytes_per_record)
    };
    let interned: Vec<&str> = record
        .fields
        .iter()
        .filter(|f| f.intern.is_some())
        .map(|f| f.name.as_str())
        .collect();
    record
        .strings
        .iter()
        .map(|s| {
            let field = record.fields.iter().find(|f| f.name == s.field);
            let declared = field.and_then(|f| f.intern.clone());
            let (advice, why) = advise_string(s, records, declared.as_deref());
            let measured = measured(
                &s.field,
                declared.is_some(),
                &interned,
                bytes("aos"),
                bytes("soa"),
            );
            StringAdvice {
                field: s.field.clone(),
                advice,
                why: format!("{why}{measured}"),
            }
        })
        .collect()
}

/// What the layouts measured that bears on one `String` field. `soa` differs from `aos` by
/// the fields declared interned, so its figure speaks for this field only when it is one of
/// them; for any other field it would cite a saving this field had no part in.
fn measured(
    field: &str,
    is_interned: bool,
    interned: &[&str],
    aos: Option<f64>,
    soa: Option<f64>,
) -> String {
    let Some(aos) = aos else {
        return String::new();
    };
    match soa {
        Some(soa) if is_interned => format!(
            "; measured: `aos` (text in `String`s) {} B/record, `soa` (ids for the interned {}) \
             {} B/record",
            per_record(aos),
            crate::format::code_list(interned),
            per_record(soa)
        ),
        None if is_interned => format!(
            "; measured: `aos` (text in `String`s) {} B/record; `soa`, which keeps `{field}` \
             as ids, has no heap figure this run",
            per_record(aos)
        ),
        _ => format!(
            "; measured: `aos` (text in `String`s) {} B/record; `{field}` was a `String` in \
             every layout this run, so no layout measured this advice",
            per_record(aos)
        ),
    }
}

fn advise_string(s: &StringStats, records: u64, declared: Option<&str>) -> (String, String) {
    let distinct = if s.capped {
        format!("over {} distinct values", s.distinct)
    } else {
        format!("{} distinct values", s.distinct)
    };
    let data = format!(
        "{distinct} in {records} records; length median {} B, 99th percentile {} B, longest {} B",
        s.len_median, s.len_p99, s.len_max
    );
    let repeats = s.distinct.saturating_mul(4) <= records;
    match id_width(s.distinct).filter(|_| !s.capped && repeats) {
        Some((width, id_bytes)) => {
            // What the field is declared as already is no change to advise: say to keep it.
            let advice = match declared {
                Some(d) if d == width => format!("keep intern = {width} (as declared)"),
                Some(d) => format!("intern = {width} (declared `intern = {d}`)"),
                None => format!("intern = {width}"),
            };
            (
                advice,
                format!(
                    "{data}: each value repeats about {:.0} times, so a {id_bytes}-byte id per \
                     record plus one table of the {} values beats a 24-byte `String` header plus \
                     {:.1} B of text in every record",
                    records as f64 / s.distinct.max(1) as f64,
                    s.distinct,
                    s.len_mean
                ),
            )
        }
        None if s.len_p99 <= INLINE_LIMIT => (
            format!("inline up to {} bytes", s.len_p99.max(1)),
            format!(
                "{data}: values rarely repeat, so an id table would hold nearly every value; but \
                 99 % are at most {} bytes, which a small inline string (such as \
                 `SmallVec<[u8; {}]>`) keeps in the record without a heap block",
                s.len_p99,
                s.len_p99.max(1)
            ),
        ),
        None => (
            declared.map_or("keep String".to_owned(), |d| {
                format!("String, not interned (declared `intern = {d}`)")
            }),
            format!(
                "{data}: values rarely repeat and are too long to inline, so a `String` (one heap \
                 block each) is the honest layout{}",
                declared.map_or(String::new(), |d| format!(
                    "; the declared `intern = {d}` keeps a table as large as the data"
                ))
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(distinct: u64, p99: usize) -> StringStats {
        StringStats {
            field: "f".into(),
            distinct,
            capped: false,
            len_median: p99 / 2,
            len_p99: p99,
            len_max: p99 + 3,
            len_mean: p99 as f64 / 2.0,
        }
    }

    #[test]
    fn string_advice_follows_the_data() {
        assert!(advise_string(&stats(50, 8), 100_000, None)
            .0
            .starts_with("intern = u8"));
        assert!(advise_string(&stats(5_000, 8), 100_000, None)
            .0
            .starts_with("intern = u16"));
        assert_eq!(
            advise_string(&stats(5_000, 8), 100_000, Some("u32")).0,
            "intern = u16 (declared `intern = u32`)"
        );
        assert_eq!(
            advise_string(&stats(90_000, 12), 100_000, None).0,
            "inline up to 12 bytes"
        );
        assert_eq!(
            advise_string(&stats(90_000, 80), 100_000, None).0,
            "keep String"
        );
    }

    #[test]
    fn intern_advice_names_only_a_change_not_made() {
        assert_eq!(
            advise_string(&stats(50, 8), 100_000, Some("u8")).0,
            "keep intern = u8 (as declared)"
        );
        assert_eq!(
            advise_string(&stats(90_000, 80), 100_000, Some("u16")).0,
            "String, not interned (declared `intern = u16`)"
        );
    }

    #[test]
    fn only_an_interned_field_cites_what_soa_measured() {
        let interned = ["host"];
        let host = measured("host", true, &interned, Some(150.0), Some(108.0));
        assert!(
            host.contains("`soa` (ids for the interned `host`) 108 B/record"),
            "{host}"
        );
        let message = measured("message", false, &interned, Some(150.0), Some(108.0));
        assert!(!message.contains("soa"), "{message}");
        assert!(
            message.contains("`message` was a `String` in every layout this run"),
            "{message}"
        );
        assert_eq!(measured("host", true, &interned, None, Some(1.0)), "");
        // Interned, but `soa` could not hold the data (or was not profiled): no claim that
        // the field was a `String` everywhere.
        let failed = measured("host", true, &interned, Some(150.0), None);
        assert!(
            failed.contains("`soa`, which keeps `host` as ids, has no heap figure"),
            "{failed}"
        );
        assert_eq!(
            advise_string(&stats(90_000, 80), 100_000, None).0,
            "keep String"
        );
    }
}
