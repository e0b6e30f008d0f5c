//! The heap children, run among the profiling children once every timing is done
//! (`children.rs`): each layout in a process of its own, at the workload's size and at each
//! of the plan's other sizes. Each child counts the heap with layoutlab's allocator —
//! dhat's figures, phases included, in seconds — and runs dhat itself only where a profile
//! is to be saved (`--profiles`, at the workload's size).

use super::{Filled, HeapPlan, Plan, Sample, Subject};
use crate::measure::children::{self, ChildFailure};
use crate::model::{Failure, FailureKind, LayoutRun};

/// The heap children of a plan: `(layout index, size)` for every timed layout at the
/// workload's size (`None`) and at each of the plan's other sizes it was timed at.
pub(super) fn jobs<O>(
    plan: &Plan,
    layouts: &[LayoutRun],
    samples: &[Option<Sample<O>>],
) -> Vec<(usize, Option<u64>)> {
    let timed: Vec<usize> = (0..layouts.len())
        .filter(|&i| samples[i].is_some())
        .collect();
    let main = timed.iter().map(|&i| (i, None));
    let sizes = plan.sizes.iter().flat_map(|step| {
        timed
            .iter()
            .filter(|&&i| step.layouts.contains(&layouts[i].layout))
            .map(|&i| (i, Some(step.records)))
    });
    main.chain(sizes).collect()
}

/// Runs the child of `layout` at `size` (`None`: the workload's), saving a dhat profile
/// where the plan asks for them at the workload's size: its stdout, or why it failed.
pub(super) fn run<S: Subject>(
    subject: &S,
    heap: &HeapPlan,
    layout: &str,
    size: Option<u64>,
) -> Result<Vec<u8>, ChildFailure> {
    let profile = match size {
        None => heap
            .profiles
            .as_ref()
            .map(|dir| subject.profile_file(dir, layout)),
        Some(_) => None,
    };
    children::run(&subject.heap_child(layout, size, profile))
}

/// Files the outcome of the child of `layouts[at]` at `size`: its memory (at the workload's
/// size) or its scaling point's peak, checked against what the child must have run; a failed
/// child is that layout's failure, not an error.
pub(super) fn apply<S: Subject>(
    subject: &S,
    filled: &mut Filled<'_, S::Outcome>,
    (at, size): (usize, Option<u64>),
    outcome: Result<Vec<u8>, ChildFailure>,
) {
    let Filled {
        layouts,
        samples,
        scaling,
    } = filled;
    let timed = samples[at]
        .as_ref()
        .expect("only timed layouts are profiled");
    let entry = &mut layouts[at];
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
