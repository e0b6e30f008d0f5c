//! Advice for a user's own record, computed from its run: which layout for each workload,
//! which fields the workloads never touch (and what moving them aside measured to save),
//! what to do with each `String` field given the values it held (`strings.rs`), and with
//! each `Option`, list and flattened field (`kinds.rs`). Advice
//! names only changes the user has not made: a field already `#[record(cold)]` or interned
//! as the data asks is said to be right, not advised again.

mod kinds;
mod strings;

pub(crate) use self::kinds::{list_advice, option_advice};
pub(crate) use self::strings::string_advice;
use super::figures;
use super::guide::{self, timed, with_interval, Advice, TimedProfile};
use crate::model::{RecordField, RecordSection, Results};

/// The guide's rankings: heap, each workload, building and dropping, reading by index.
pub(crate) fn advise(data: &Results) -> Vec<Advice> {
    let Some(record) = &data.record else {
        return Vec::new();
    };
    let mut advice = vec![guide::memory_bound(data)];
    for workload in &record.workloads {
        let w = workload.as_str();
        advice.push(workload_advice(data, w, Regime::First));
        if data
            .timed()
            .any(|(_, t)| figures::warm_stage(t, w).is_some())
        {
            advice.push(workload_advice(data, w, Regime::Warm));
        }
    }
    advice.push(guide::short_lived(data));
    advice.push(guide::by_index(data));
    advice
}

/// Which passes of a workload a ranking is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Regime {
    /// Once on a store just built: `timing.runs`.
    First,
    /// The median of repeated passes over a store that stays: `timing.warm`.
    Warm,
}

/// The profile name of a workload's warm regime.
fn warm_profile(w: &str) -> String {
    format!("workload `{w}`, warm")
}

/// A workload's ranking in one regime.
fn workload_advice(data: &Results, w: &str, regime: Regime) -> Advice {
    let (figure_w, rounds_w) = (w.to_owned(), w.to_owned());
    let (profile, question, metric, lacking, unit) = match regime {
        Regime::First => (
            format!("workload `{w}`"),
            format!("runs like the `{w}` workload, once on a store just built (first pass)"),
            format!("`{w}` ns per record"),
            "timing",
            "ns/record",
        ),
        Regime::Warm => (
            warm_profile(w),
            format!(
                "runs the `{w}` workload again and again over a store that stays (warm passes, \
                 as criterion times a loop)"
            ),
            format!("`{w}` warm ns per record"),
            "warm timing",
            "ns/record warm",
        ),
    };
    timed(
        data,
        &TimedProfile {
            profile,
            question,
            metric,
            lacking,
            figure: Box::new(move |t| match regime {
                Regime::First => t.best.get(&figure_w).map(|_| figures::stage(t, &figure_w)),
                Regime::Warm => figures::warm_stage(t, &figure_w),
            }),
            rounds: Box::new(move |t| {
                let rounds = match regime {
                    Regime::First => &t.runs,
                    Regime::Warm => &t.warm,
                };
                rounds
                    .iter()
                    .filter_map(|r| r.get(&rounds_w).map(|n| n.0 as f64))
                    .collect()
            }),
            why: Box::new(move |_, _, i, best| {
                format!(
                    "{} {unit} ({})",
                    with_interval(i),
                    guide::times_best(i.median, best)
                )
            }),
            band: guide::TIMED_TOLERANCE,
        },
        |_| true,
    )
}

/// Where a workload's two regimes pick different layouts: one sentence each, for the guide.
/// A layout the other regime names as best or level with it is not a disagreement.
pub(crate) fn regime_sentences(data: &Results) -> Vec<String> {
    let advice = advise(data);
    let Some(record) = &data.record else {
        return Vec::new();
    };
    let named = |a: &Advice| -> Vec<String> {
        a.ranking
            .first()
            .map(|b| b.layout.clone())
            .into_iter()
            .chain(a.level_with.iter().map(|(l, _)| l.clone()))
            .collect()
    };
    record
        .workloads
        .iter()
        .filter_map(|w| {
            let first = advice
                .iter()
                .find(|a| a.profile == format!("workload `{w}`"))?;
            let warm = advice.iter().find(|a| a.profile == warm_profile(w))?;
            let (f, h) = (first.ranking.first()?, warm.ranking.first()?);
            let disagree = !named(warm).contains(&f.layout) && !named(first).contains(&h.layout);
            disagree.then(|| {
                format!(
                    "the regimes disagree on `{w}`: on a store just built `{}` is fastest, over \
                     a store that stays `{}` is; take the first if the program builds a store \
                     and reads it once, the warm one if it rereads the same store",
                    f.layout, h.layout
                )
            })
        })
        .collect()
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
    let mut lines = vec![untouched_advice(record, &touched)];
    lines.extend(kinds::flatten_advice(record, &touched));
    let opaque: Vec<&str> = record
        .fields
        .iter()
        .filter(|f| f.kind == "opaque")
        .map(|f| f.name.as_str())
        .collect();
    if !opaque.is_empty() {
        lines.push(format!(
            "{} {} `#[record(opaque)]`: every layout keeps {} as {} own type (`packed` and \
             `arena` as an index into a `Vec` beside the rows), so layoutlab could not lay {} \
             out any further",
            crate::format::code_list(&opaque),
            if opaque.len() == 1 { "is" } else { "are" },
            if opaque.len() == 1 { "it" } else { "them" },
            if opaque.len() == 1 { "its" } else { "their" },
            if opaque.len() == 1 { "it" } else { "them" },
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

/// What the fields no workload touches call for: `#[record(cold)]` on those that are not
/// cold yet (the advice names only changes the user has not made; a field already cold is
/// said to be where it belongs).
fn untouched_advice(record: &RecordSection, touched: &[bool]) -> String {
    // A flattened record's fields are advised on as a group (`flatten_advice`): the
    // attribute that moves them aside is on the outer field.
    let untouched = |cold: bool| -> Vec<&RecordField> {
        record
            .fields
            .iter()
            .zip(touched)
            .filter(|(f, t)| !**t && f.cold == cold && !f.name.contains('.'))
            .map(|(f, _)| f)
            .collect()
    };
    let (to_mark, already) = (untouched(false), untouched(true));
    let names = |fields: &[&RecordField]| {
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        crate::format::code_list(&names)
    };
    let already_cold = format!("{}, already `#[record(cold)]`", names(&already));
    if to_mark.is_empty() {
        return if already.is_empty() {
            "every field is read or written by some workload: no field can move aside for free"
                .to_owned()
        } else {
            format!(
                "no workload touches {already_cold}; every other field is read or written by \
                 some workload: no other field can move aside for free"
            )
        };
    }
    let bytes: usize = to_mark.iter().map(|f| f.size).sum();
    let besides = if already.is_empty() {
        String::new()
    } else {
        format!(" (nor {already_cold})")
    };
    format!(
        "no workload touches {}{besides}: {bytes} of the {} bytes of {} `{}` that every \
         whole-record layout drags through the cache on each scan; mark {} `#[record(cold)]` \
         and the `hot_cold` layout keeps {} out of the scanned array",
        names(&to_mark),
        record.record_type.size,
        article(&record.name),
        record.name,
        if to_mark.len() == 1 { "it" } else { "them" },
        if to_mark.len() == 1 { "it" } else { "them" },
    )
}

/// "an `Event`", "a `Trade`": by the name's first letter, which is how most are read.
fn article(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Trade` whose only workload reads `price`; `venue` cold or not.
    fn trade(venue_cold: bool) -> (RecordSection, Vec<bool>) {
        let field = |name: &str, size, cold| RecordField {
            name: name.to_owned(),
            ty: if size == 24 { "String" } else { "f64" }.to_owned(),
            size,
            packed_size: 8,
            intern: None,
            cold,
            kind: String::new(),
            element: None,
        };
        let record = RecordSection {
            name: "Trade".to_owned(),
            fields: vec![
                field("price", 8, false),
                field("venue", 24, venue_cold),
                field("note", 24, false),
            ],
            workloads: vec!["vwap".to_owned()],
            access: vec![crate::model::WorkloadAccess {
                workload: "vwap".to_owned(),
                records: 10,
                fields: vec![(10, 0), (0, 0), (0, 0)],
                coaccess: Vec::new(),
            }],
            strings: Vec::new(),
            options: Vec::new(),
            lists: Vec::new(),
            ints: Vec::new(),
            record_type: crate::inspect::TypeInfo::from_spans(
                "Trade",
                56,
                8,
                vec![("price", 0..8), ("venue", 8..32), ("note", 32..56)],
            ),
            bench: None,
        };
        let touched = touched(&record);
        (record, touched)
    }

    #[test]
    fn cold_advice_names_only_fields_not_cold_yet() {
        let (record, touched) = trade(false);
        let advice = untouched_advice(&record, &touched);
        assert!(
            advice.starts_with("no workload touches `venue` and `note`: 48 of the 56 bytes"),
            "{advice}"
        );
        assert!(advice.contains("mark them `#[record(cold)]`"), "{advice}");

        let (record, touched) = trade(true);
        let advice = untouched_advice(&record, &touched);
        assert!(
            advice.starts_with(
                "no workload touches `note` (nor `venue`, already `#[record(cold)]`): 24 of the \
                 56 bytes"
            ),
            "{advice}"
        );
        assert!(advice.contains("mark it `#[record(cold)]`"), "{advice}");
        assert!(!advice.contains("mark them"), "{advice}");

        // Every untouched field already cold: nothing left to mark.
        let (mut record, _) = trade(true);
        record.fields[2].cold = true;
        let advice = untouched_advice(&record, &touched);
        assert!(!advice.contains("mark"), "{advice}");
        assert!(
            advice.starts_with("no workload touches `venue` and `note`, already `#[record(cold)]`"),
            "{advice}"
        );
    }

    #[test]
    fn the_article_follows_the_record_name() {
        assert_eq!(article("Event"), "an");
        assert_eq!(article("order"), "an");
        assert_eq!(article("Trade"), "a");
        assert_eq!(article(""), "a");
    }
}
