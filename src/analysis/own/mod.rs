//! Advice for a user's own record, computed from its run: which layout for each workload,
//! which fields the workloads never touch (and what moving them aside measured to save), and
//! what to do with each `String` field given the values it held.

use super::figures;
use super::guide::{self, timed, with_interval, Advice, TimedProfile};
use crate::format::per_record;
use crate::model::{RecordSection, Results, StringStats};

/// The guide's rankings: heap, each workload, building and dropping, reading by index.
pub(crate) fn advise(data: &Results) -> Vec<Advice> {
    let Some(record) = &data.record else {
        return Vec::new();
    };
    let mut advice = vec![guide::memory_bound(data)];
    for workload in &record.workloads {
        let w = workload.as_str();
        advice.push(timed(
            data,
            &TimedProfile {
                profile: format!("workload `{w}`"),
                question: format!(
                    "runs like the `{w}` workload (each run on a freshly built store)"
                ),
                metric: format!("`{w}` ns per record"),
                lacking: "timing",
                figure: Box::new(move |t| t.best.get(w).map(|_| figures::stage(t, w))),
                rounds: Box::new(move |t| {
                    t.runs
                        .iter()
                        .filter_map(|r| r.get(w).map(|n| n.0 as f64))
                        .collect()
                }),
                why: Box::new(move |_, _, i, best| {
                    format!(
                        "{} ns/record ({})",
                        with_interval(i),
                        guide::times_best(i.median, best)
                    )
                }),
            },
            |_| true,
        ));
    }
    advice.push(guide::short_lived(data));
    advice.push(guide::by_index(data));
    advice
}

/// Per workload, the fields it reads or writes at all.
fn touched(record: &RecordSection) -> Vec<bool> {
    (0..record.fields.len())
        .map(|i| {
            record
                .access
                .iter()
                .any(|a| a.fields.get(i).is_some_and(|&(r, w)| r + w > 0))
        })
        .collect()
}

/// What the field-access profile says: the fields no workload touches, and what the
/// `hot_cold` layout measured when some fields are `#[record(cold)]`.
pub(crate) fn field_advice(data: &Results) -> Vec<String> {
    let Some(record) = &data.record else {
        return Vec::new();
    };
    let touched = touched(record);
    let mut lines = Vec::new();
    let untouched: Vec<&str> = record
        .fields
        .iter()
        .zip(&touched)
        .filter(|(_, t)| !**t)
        .map(|(f, _)| f.name.as_str())
        .collect();
    let struct_size = record.record_type.size;
    if untouched.is_empty() {
        lines.push(
            "every field is read or written by some workload: no field can move aside for free"
                .to_owned(),
        );
    } else {
        let bytes: usize = record
            .fields
            .iter()
            .zip(&touched)
            .filter(|(_, t)| !**t)
            .map(|(f, _)| f.size)
            .sum();
        lines.push(format!(
            "no workload touches {}: {} of the {struct_size} bytes of {} `{}` that every whole-record \
             layout drags through the cache on each scan; mark them `#[record(cold)]` and the \
             `hot_cold` layout keeps them out of the scanned array",
            crate::format::code_list(&untouched),
            bytes,
            article(&record.name),
            record.name
        ));
    }
    let cold_but_used: Vec<&str> = record
        .fields
        .iter()
        .zip(&touched)
        .filter(|(f, t)| f.cold && **t)
        .map(|(f, _)| f.name.as_str())
        .collect();
    if !cold_but_used.is_empty() {
        lines.push(format!(
            "{} {} marked `#[record(cold)]` but a workload uses {}: in `hot_cold` every such \
             access reaches into the cold array",
            crate::format::code_list(&cold_but_used),
            if cold_but_used.len() == 1 {
                "is"
            } else {
                "are"
            },
            if cold_but_used.len() == 1 {
                "it"
            } else {
                "them"
            },
        ));
    }
    if let Some(hot) = data.layouts.iter().find(|l| l.layout == "hot_cold") {
        let aos = data.layouts.iter().find(|l| l.layout == "aos");
        if let (Some(h), Some(a)) = (hot.timing.as_ref(), aos.and_then(|l| l.timing.as_ref())) {
            for w in &record.workloads {
                let w = w.as_str();
                let r = figures::stage_ratio(a, h, w);
                lines.push(format!(
                    "measured: `{w}` takes {} of `hot_cold`'s time on `aos` ({})",
                    crate::format::ratio_range(r.median, r.lower, r.upper),
                    if r.confidence > 0.0 && r.lower > 1.0 {
                        "moving the cold fields aside pays"
                    } else if r.confidence > 0.0 && r.upper < 1.0 {
                        "moving them aside costs more than it saves here"
                    } else {
                        "level: no difference this run can tell"
                    }
                ));
            }
        }
    }
    lines
}

/// "an `Event`", "a `Trade`": by the name's first letter, which is how most are read.
fn article(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

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
            let fits = match declared {
                Some(d) if d == width => " (as declared)".to_owned(),
                Some(d) => format!(" (declared `intern = {d}`)"),
                None => String::new(),
            };
            (
                format!("intern = {width}{fits}"),
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
            "keep String".to_owned(),
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
    fn the_article_follows_the_record_name() {
        assert_eq!(article("Event"), "an");
        assert_eq!(article("order"), "an");
        assert_eq!(article("Trade"), "a");
        assert_eq!(article(""), "a");
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
