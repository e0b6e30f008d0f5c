//! The candidate layouts of a proposal, from the workloads' access trace and the data: which
//! fields share a group (a row of their own), and how each is held. Profile-guided layout
//! work (Chilimbi, Davidson and Larus, PLDI 1999) splits hot from cold by access counts and
//! groups fields by their affinity — how often two are reached for the same record in one
//! pass; this module makes every such grouping a plan the `proposed` layout can be built
//! from, so that each is measured rather than recommended.
//!
//! Groups are made of top-level fields (a flattened record stays whole: its attributes are
//! the outer field's). Within a group fields keep their declaration order, so that pasting
//! the `group` attributes reproduces the measured layout exactly; rows are packed, so the
//! order costs no padding.

use std::collections::BTreeMap;

use crate::model::RecordSection;
use crate::own::rows::Repr;
use crate::own::{Plan, PlanField, PlanGroup};

/// One candidate: a plan, and how it was made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    /// A short name (`hot/cold`, `by workload`, `affinity ≥ 0.50`, …).
    pub name: String,
    /// The plan.
    pub plan: Plan,
}

/// A top-level field of the record: its leaves, and how the data lets it be held.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub name: String,
    /// Indexes of its leaves in the record section's fields.
    pub leaves: Vec<usize>,
    /// How the data lets it be held more compactly than its packed form, and why.
    pub repr: Option<(Repr, String)>,
}

/// The record's top-level fields, in declaration order.
pub(crate) fn units(record: &RecordSection) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for (k, f) in record.fields.iter().enumerate() {
        let head = f.name.split('.').next().unwrap_or(&f.name);
        match units.last_mut().filter(|u| u.name == head) {
            Some(u) => u.leaves.push(k),
            None => units.push(Unit {
                name: head.to_owned(),
                leaves: vec![k],
                repr: None,
            }),
        }
    }
    for u in &mut units {
        if let [k] = u.leaves[..] {
            u.repr = compact_repr(record, k);
        }
    }
    units
}

/// How the data lets field `k` be held: an integer in fewer bytes (power-of-two widths, so
/// that `narrow = …` reproduces it), or a plain `String` with few distinct values as an id.
fn compact_repr(record: &RecordSection, k: usize) -> Option<(Repr, String)> {
    let f = &record.fields[k];
    if f.name.contains('.') {
        return None;
    }
    match f.kind.as_str() {
        "int" | "u_int" => {
            let range = record.ints.iter().find(|r| r.field == f.name)?;
            let signed = f.kind == "int";
            let bytes = [1u8, 2, 4, 8].into_iter().find(|&b| {
                let bits = 8 * u32::from(b);
                if signed {
                    range.min >= -(1i128 << (bits - 1)) && range.max < 1i128 << (bits - 1)
                } else {
                    range.min >= 0 && range.max < 1i128 << bits
                }
            })?;
            (usize::from(bytes) < f.size).then(|| {
                (
                    Repr::Narrow { bytes, signed },
                    format!(
                        "every value of `{}` ({} … {}) fits {}{}",
                        f.name,
                        range.min,
                        range.max,
                        if signed { "i" } else { "u" },
                        8 * u32::from(bytes)
                    ),
                )
            })
        }
        "string" if f.intern.is_none() => {
            let s = record.strings.iter().find(|s| s.field == f.name)?;
            let records = record.access.first().map_or(0, |a| a.records).max(1);
            if s.capped || s.distinct.saturating_mul(4) > records {
                return None;
            }
            let bytes = [1u8, 2, 4]
                .into_iter()
                .find(|&b| s.distinct <= 1 << (8 * u32::from(b)))?;
            Some((
                Repr::Intern { bytes },
                format!(
                    "`{}` held {} distinct values in {records} records: a {bytes}-byte id and one \
                     table instead of a span and the text in every record",
                    f.name, s.distinct
                ),
            ))
        }
        _ => None,
    }
}

/// Per unit: the weighted share of records each workload reached it for.
fn touched(
    record: &RecordSection,
    units: &[Unit],
    weights: &BTreeMap<String, f64>,
) -> Vec<Vec<f64>> {
    units
        .iter()
        .map(|u| {
            record
                .access
                .iter()
                .map(|a| {
                    let w = weights.get(&a.workload).copied().unwrap_or(1.0);
                    let hits = u
                        .leaves
                        .iter()
                        .map(|&k| a.fields.get(k).map_or(0, |&(r, wr)| r + wr))
                        .max()
                        .unwrap_or(0);
                    w * (hits.min(a.records.max(1)) as f64 / a.records.max(1) as f64)
                })
                .collect()
        })
        .collect()
}

/// The affinity of two units: over the workloads (weighted), the records for which both were
/// reached in one pass, over the records for which the more reached one was.
fn affinity(
    record: &RecordSection,
    units: &[Unit],
    weights: &BTreeMap<String, f64>,
) -> Vec<Vec<f64>> {
    let unit_of: BTreeMap<usize, usize> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| unit.leaves.iter().map(move |&k| (k, u)))
        .collect();
    let n = units.len();
    let mut both = vec![vec![0.0; n]; n];
    let touched = touched(record, units, weights);
    for a in &record.access {
        let weight = weights.get(&a.workload).copied().unwrap_or(1.0);
        let mut pairs: BTreeMap<(usize, usize), u64> = BTreeMap::new();
        for &(x, y, count) in &a.coaccess {
            let (ux, uy) = (unit_of[&x], unit_of[&y]);
            if ux != uy {
                let e = pairs.entry((ux.min(uy), ux.max(uy))).or_default();
                *e = (*e).max(count);
            }
        }
        for ((x, y), count) in pairs {
            let share = weight * count.min(a.records.max(1)) as f64 / a.records.max(1) as f64;
            both[x][y] += share;
            both[y][x] += share;
        }
    }
    (0..n)
        .map(|x| {
            (0..n)
                .map(|y| {
                    let most = touched[x]
                        .iter()
                        .sum::<f64>()
                        .max(touched[y].iter().sum::<f64>());
                    if x == y {
                        1.0
                    } else if most > 0.0 {
                        both[x][y] / most
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

/// A plan from groups of unit indexes (each group in declaration order, names made
/// unique), every unit held as `repr` says.
fn plan(units: &[Unit], groups: &[(String, Vec<usize>)], compact: bool) -> Plan {
    let mut names: Vec<String> = Vec::new();
    Plan {
        groups: groups
            .iter()
            .filter(|(_, members)| !members.is_empty())
            .map(|(name, members)| {
                let mut members = members.clone();
                members.sort_unstable();
                let mut unique = name.clone();
                let mut k = 2;
                while names.contains(&unique) {
                    unique = format!("{name}_{k}");
                    k += 1;
                }
                names.push(unique.clone());
                PlanGroup {
                    name: unique,
                    fields: members
                        .iter()
                        .map(|&u| PlanField {
                            field: units[u].name.clone(),
                            repr: units[u]
                                .repr
                                .as_ref()
                                .filter(|_| compact)
                                .map_or(Repr::Packed, |(r, _)| *r),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// Every candidate for this record and these workloads, without repeats: one row; every
/// field alone; hot/cold; one group per set of workloads that reach the same fields; groups
/// of affine fields at three thresholds — each with the data's compact representations, and
/// the first two also as the record declares them.
pub(crate) fn candidates(
    record: &RecordSection,
    weights: &BTreeMap<String, f64>,
) -> Vec<Candidate> {
    let units = units(record);
    let n = units.len();
    let touched = touched(record, &units, weights);
    let hot: Vec<bool> = touched.iter().map(|t| t.iter().any(|&x| x > 0.0)).collect();
    let cold: Vec<usize> = (0..n).filter(|&u| !hot[u]).collect();
    let all: Vec<usize> = (0..n).collect();
    let mut out: Vec<Candidate> = Vec::new();
    let mut add = |name: String, groups: Vec<(String, Vec<usize>)>, compact: bool| {
        let plan = plan(&units, &groups, compact);
        if !out.iter().any(|c| c.plan == plan) {
            out.push(Candidate { name, plan });
        }
    };
    add(
        "one row, as declared".to_owned(),
        vec![("all".to_owned(), all.clone())],
        false,
    );
    add(
        "every field alone, as declared".to_owned(),
        units
            .iter()
            .enumerate()
            .map(|(u, unit)| (unit.name.clone(), vec![u]))
            .collect(),
        false,
    );
    add(
        "one row".to_owned(),
        vec![("all".to_owned(), all.clone())],
        true,
    );
    add(
        "every field alone".to_owned(),
        units
            .iter()
            .enumerate()
            .map(|(u, unit)| (unit.name.clone(), vec![u]))
            .collect(),
        true,
    );
    let with_cold = |mut groups: Vec<(String, Vec<usize>)>| {
        if !cold.is_empty() {
            groups.push(("cold".to_owned(), cold.clone()));
        }
        groups
    };
    add(
        "hot/cold".to_owned(),
        with_cold(vec![(
            "hot".to_owned(),
            (0..n).filter(|&u| hot[u]).collect(),
        )]),
        true,
    );
    // One group per signature: the set of workloads that reach a field.
    let mut by_signature: Vec<(Vec<bool>, Vec<usize>)> = Vec::new();
    for u in (0..n).filter(|&u| hot[u]) {
        let signature: Vec<bool> = touched[u].iter().map(|&x| x > 0.0).collect();
        match by_signature.iter_mut().find(|(s, _)| *s == signature) {
            Some((_, members)) => members.push(u),
            None => by_signature.push((signature, vec![u])),
        }
    }
    let workloads: Vec<&str> = record.access.iter().map(|a| a.workload.as_str()).collect();
    let groups = by_signature
        .iter()
        .map(|(signature, members)| {
            let names: Vec<&str> = workloads
                .iter()
                .zip(signature)
                .filter(|(_, &s)| s)
                .map(|(w, _)| *w)
                .collect();
            (group_name(&names.join("_")), members.clone())
        })
        .collect();
    add("by workload".to_owned(), with_cold(groups), true);
    let affinity = affinity(record, &units, weights);
    for threshold in [0.75, 0.5, 0.25] {
        let mut group_of: Vec<usize> = (0..n).collect();
        for x in 0..n {
            for y in x + 1..n {
                if hot[x] && hot[y] && affinity[x][y] >= threshold {
                    let (gx, gy) = (find(&mut group_of, x), find(&mut group_of, y));
                    group_of[gy] = gx;
                }
            }
        }
        let mut roots: Vec<usize> = Vec::new();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for u in (0..n).filter(|&u| hot[u]) {
            let root = find(&mut group_of, u);
            match roots.iter().position(|&r| r == root) {
                Some(g) => groups[g].1.push(u),
                None => {
                    roots.push(root);
                    groups.push((group_name(&units[u].name), vec![u]));
                }
            }
        }
        add(
            format!("affinity ≥ {threshold:.2}"),
            with_cold(groups),
            true,
        );
    }
    out
}

fn find(group_of: &mut [usize], mut x: usize) -> usize {
    while group_of[x] != x {
        group_of[x] = group_of[group_of[x]];
        x = group_of[x];
    }
    x
}

/// A group name the `group = "…"` attribute takes: letters, digits and `_`.
fn group_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(40)
        .collect();
    if name.is_empty() {
        "g".to_owned()
    } else {
        name
    }
}
