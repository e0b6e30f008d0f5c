//! The profiling children, only once every timing is done: each layout in a process of its
//! own, the slowest first so that the last ones finish together. Each child counts the
//! heap with layoutlab's allocator — dhat's figures, phases included, in seconds — and runs
//! dhat itself only where a profile is to be saved (`--profiles`, at the workload's size).

use super::{HeapPlan, Plan, Sample, Subject};
use crate::measure::children;
use crate::model::{Failure, FailureKind, LayoutRun, ScalePoint};

/// Where the children's progress goes.
pub(super) struct Progress<'a> {
    pub bar: &'a indicatif::ProgressBar,
    /// What one child at the workload's size weighs.
    pub main_weight: u64,
}

/// Profiles every timed layout at the workload's size, then counts each at the plan's other
/// sizes, filling in `layouts`' memory and `scaling`'s peaks. A failed child is that
/// layout's failure, not an error.
pub(super) fn profile<S: Subject>(
    subject: &S,
    plan: &Plan,
    heap: &HeapPlan,
    layouts: &mut [LayoutRun],
    samples: &[Option<Sample<S::Outcome>>],
    scaling: &mut [ScalePoint],
    progress: &Progress<'_>,
) {
    let order = super::slowest_first(layouts, samples);
    let sizes: Vec<(Option<u64>, Vec<usize>)> = std::iter::once((None, order.clone()))
        .chain(plan.sizes.iter().map(|step| {
            let members = order
                .iter()
                .copied()
                .filter(|&i| step.layouts.contains(&layouts[i].layout))
                .collect();
            (Some(step.records), members)
        }))
        .collect();
    for (size, members) in sizes {
        let weight = size.unwrap_or(progress.main_weight);
        let outcomes = run_children(subject, heap, layouts, &members, size, progress.bar, weight);
        for (&i, outcome) in members.iter().zip(outcomes) {
            let timed = samples[i]
                .as_ref()
                .expect("only timed layouts are profiled");
            let entry = &mut layouts[i];
            let figures = outcome.and_then(|stdout| match size {
                None => subject.heap_figures(&entry.layout, &stdout, Some(timed), timed.records),
                Some(n) => subject.heap_figures(&entry.layout, &stdout, None, n),
            });
            let records = size.unwrap_or(timed.records);
            match figures {
                Ok(memory) => {
                    if let Some(point) = scaling
                        .iter_mut()
                        .find(|p| p.layout == entry.layout && p.records == records)
                    {
                        point.peak_bytes = Some(memory.peak_bytes);
                    }
                    if size.is_none() {
                        entry.memory = Some(memory);
                    }
                }
                Err(e) => entry.errors.push(match size {
                    None => Failure::new(FailureKind::Heap, e),
                    Some(n) => Failure::new(
                        FailureKind::Other,
                        format!("heap profile at {n} records: {e}"),
                    ),
                }),
            }
        }
        if size.is_none() {
            progress
                .bar
                .inc((layouts.len() - members.len()) as u64 * weight);
        }
    }
}

/// Runs the children of `members` at `size`, `heap.jobs` at a time, naming the running ones
/// on the bar; their stdouts (or why they failed) in `members`' order.
fn run_children<S: Subject>(
    subject: &S,
    heap: &HeapPlan,
    layouts: &[LayoutRun],
    members: &[usize],
    size: Option<u64>,
    bar: &indicatif::ProgressBar,
    weight: u64,
) -> Vec<Result<Vec<u8>, children::ChildFailure>> {
    let at = size.map_or_else(String::new, |n| {
        format!(" at {} records", crate::format::thousands(n))
    });
    super::in_children(
        layouts,
        members,
        heap.jobs,
        (bar, &format!("heap{at}"), weight),
        |name| {
            let profile = match size {
                None => heap
                    .profiles
                    .as_ref()
                    .map(|dir| subject.profile_file(dir, name)),
                Some(_) => None,
            };
            children::run(&subject.heap_child(name, size, profile))
        },
    )
}
