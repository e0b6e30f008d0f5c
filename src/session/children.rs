//! The profiling children, only once every timing is done: the heap children (at every
//! size), the costs children and the caller's work that counts rather than times (the
//! Python reference's traced pass) share one pool, `jobs` processes at a time, the longest
//! first by an estimate from the timed runs, so that the last to finish are short and
//! finish together. None of them times anything, so running them side by side moves no
//! figure; before, the costs waited for the last heap child, and a core idled at the end of
//! each phase.

use std::time::{Duration, Instant};

use super::{costs, heap, Beside, Filled, Plan, Subject};
use crate::measure::children::ChildFailure;
use crate::model::LayoutRun;
use crate::units::Nanos;

/// One child (or the caller's counted work) to run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Job {
    /// The heap child of layout `.0` at size `.1` (`None`: the workload's).
    Heap(usize, Option<u64>),
    /// The costs child of layout `.0`.
    Costs(usize),
    /// The caller's counted work.
    Beside,
}

/// What a job left.
enum Output {
    Heap(Result<Vec<u8>, ChildFailure>),
    Costs(costs::Output),
    Beside,
}

/// How long each kind of job took in all (summed over jobs run side by side), for the note
/// `compare` prints.
#[derive(Debug, Default)]
pub(super) struct Spent {
    pub heap: Duration,
    pub costs: Duration,
    pub beside: Duration,
}

impl Spent {
    /// `heap 6 s, costs 41 s, Python reference 5 s of child time, 2 at once`.
    pub(super) fn note(&self, beside: Option<&dyn Beside>, jobs: usize) -> String {
        let mut parts = Vec::new();
        for (name, d) in [("heap", self.heap), ("costs", self.costs)] {
            if d > Duration::ZERO {
                parts.push(format!("{name} {:.0} s", d.as_secs_f64()));
            }
        }
        if let Some(b) = beside.filter(|_| self.beside > Duration::ZERO) {
            parts.push(format!("{} {:.0} s", b.label(), self.beside.as_secs_f64()));
        }
        format!("{} of child time, {jobs} at once", parts.join(", "))
    }
}

/// Runs every child of `plan` (and `beside`'s counted work) and files their figures; a
/// failed child is its layout's failure. Returns why costs were left out, if they were, and
/// the time each kind took.
pub(super) fn run<S: Subject>(
    subject: &S,
    plan: &Plan,
    beside: Option<&dyn Beside>,
    mut filled: Filled<'_, S::Outcome>,
    (bar, main_weight): (&indicatif::ProgressBar, u64),
) -> (Option<String>, Spent) {
    let (layouts, samples) = (&*filled.layouts, filled.samples);
    let mut jobs: Vec<Job> = Vec::new();
    if plan.heap.is_some() {
        jobs.extend(
            heap::jobs(plan, layouts, samples)
                .into_iter()
                .map(|(i, n)| Job::Heap(i, n)),
        );
    }
    let costs_note = plan
        .costs
        .as_ref()
        .and_then(|c| costs::left_out(c, samples));
    if plan.costs.is_some() && costs_note.is_none() {
        jobs.extend(
            (0..layouts.len())
                .filter(|&i| samples[i].is_some())
                .map(Job::Costs),
        );
    }
    if beside.is_some() {
        jobs.push(Job::Beside);
    }
    let estimate = |job: &Job| estimate(plan, layouts, beside, *job);
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(estimate(&jobs[k])));
    let at_once = super::children_at_once(plan);
    let weight = |job: &Job| match *job {
        Job::Heap(_, None) => main_weight,
        Job::Heap(_, Some(n)) => n,
        Job::Costs(_) => plan.costs_weight(main_weight),
        Job::Beside => 0,
    };
    let running = std::sync::Mutex::new(Vec::<String>::new());
    let names: Vec<String> = jobs.iter().map(|j| label(layouts, beside, *j)).collect();
    let outputs: Vec<(Output, Duration)> = crate::measure::children::pool(
        &order,
        at_once,
        |k| {
            let name = &names[k];
            let show = |now: &Vec<String>| bar.set_message(format!("children: {}", now.join(", ")));
            {
                let mut now = running.lock().unwrap_or_else(|e| e.into_inner());
                now.push(name.clone());
                show(&now);
            }
            let started = Instant::now();
            let out = match jobs[k] {
                Job::Heap(i, size) => Output::Heap(heap::run(
                    subject,
                    plan.heap.as_ref().expect("heap jobs come from a heap plan"),
                    &layouts[i].layout,
                    size,
                )),
                Job::Costs(i) => Output::Costs(costs::run(
                    subject,
                    plan.costs
                        .as_ref()
                        .expect("costs jobs come from a costs plan"),
                    &layouts[i].layout,
                )),
                Job::Beside => {
                    if let Some(b) = beside {
                        b.counted();
                    }
                    Output::Beside
                }
            };
            let took = started.elapsed();
            let mut now = running.lock().unwrap_or_else(|e| e.into_inner());
            now.retain(|n| n != name);
            show(&now);
            (out, took)
        },
        |k| bar.inc(weight(&jobs[k])),
    );
    let mut spent = Spent::default();
    for (&k, (output, took)) in order.iter().zip(outputs) {
        match (jobs[k], output) {
            (Job::Heap(i, size), Output::Heap(out)) => {
                spent.heap += took;
                heap::apply(subject, &mut filled, (i, size), out);
            }
            (Job::Costs(i), Output::Costs(out)) => {
                spent.costs += took;
                let plan = plan
                    .costs
                    .as_ref()
                    .expect("costs jobs come from a costs plan");
                costs::apply(subject, plan, &mut filled, i, out);
            }
            _ => spent.beside += took,
        }
    }
    (costs_note, spent)
}

/// What the bar calls a job while it runs.
fn label(layouts: &[LayoutRun], beside: Option<&dyn Beside>, job: Job) -> String {
    match job {
        Job::Heap(i, None) => format!("heap {}", layouts[i].layout),
        Job::Heap(i, Some(n)) => format!(
            "heap {} at {}",
            layouts[i].layout,
            crate::format::thousands(n)
        ),
        Job::Costs(i) => format!("costs {}", layouts[i].layout),
        Job::Beside => beside.map_or("", |b| b.label()).to_owned(),
    }
}

/// Slowdown of a costs child over the layout's own run (callgrind's cache simulation).
const COSTS_SLOWDOWN: u64 = 100;
/// Slowdown of a heap child that counts (a few atomic adds per allocation), and of one that
/// runs dhat (a stack walk per allocation).
const COUNTING_SLOWDOWN: u64 = 3;
const DHAT_SLOWDOWN: u64 = 20;

/// Roughly how long `job` takes, from its layout's best timed run scaled to the child's
/// records and slowdown: only the order of the jobs depends on it.
fn estimate(plan: &Plan, layouts: &[LayoutRun], beside: Option<&dyn Beside>, job: Job) -> Nanos {
    let scaled = |i: usize, records: Option<u64>, slowdown: u64| {
        let Some(t) = layouts[i].timing.as_ref() else {
            return Nanos(0);
        };
        let own = u128::from(t.best_total().0 + t.drop.0);
        let n = u128::from(records.unwrap_or(t.records));
        let ns = own * n / u128::from(t.records.max(1)) * u128::from(slowdown);
        Nanos(u64::try_from(ns).unwrap_or(u64::MAX))
    };
    match job {
        Job::Heap(i, size) => {
            let dhat = size.is_none() && plan.heap.as_ref().is_some_and(|h| h.profiles.is_some());
            scaled(
                i,
                size,
                if dhat {
                    DHAT_SLOWDOWN
                } else {
                    COUNTING_SLOWDOWN
                },
            )
        }
        Job::Costs(i) => scaled(
            i,
            plan.costs.as_ref().and_then(|c| c.records),
            COSTS_SLOWDOWN,
        ),
        Job::Beside => beside.map_or(Nanos(0), Beside::estimate),
    }
}
