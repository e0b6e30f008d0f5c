//! Measurement: wall-clock time per stage here; heap figures from dhat ([`heap`]);
//! deterministic instruction and cache-miss counts from callgrind ([`costs`]); the Python
//! reference (`python`); the machine the figures come from (`machine`); and the child
//! processes that profile one layout each (`children`, told what to run by `child_args`).
//!
//! Timings are taken only in processes with the system allocator; heap profiles are taken
//! in processes of their own, because a tracking allocator slows every allocation it sees.

pub(crate) mod child_args;
pub(crate) mod children;
pub mod costs;
pub mod heap;
pub(crate) mod machine;
pub(crate) mod pin;
pub(crate) mod python;

use std::time::Instant;

use crate::model::PerStage;
use crate::pipeline::{Stage, StageObserver};
use crate::units::Nanos;

/// A [`StageObserver`] that records wall-clock time per stage, and the store's drop.
#[derive(Debug)]
pub struct Stopwatch {
    started: Option<Instant>,
    /// The times recorded so far.
    pub times: PerStage<Nanos>,
    /// How long dropping the store took (freeing every record).
    pub drop: Nanos,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch {
            started: None,
            times: PerStage::from_stages(|_| Nanos(0)),
            drop: Nanos(0),
        }
    }
}

fn elapsed(started: Option<Instant>) -> Nanos {
    started.map_or(Nanos(0), |t| Nanos::from_duration(t.elapsed()))
}

impl StageObserver for Stopwatch {
    #[inline]
    fn before(&mut self, _: Stage) {
        self.started = Some(Instant::now());
    }

    #[inline]
    fn after(&mut self, stage: Stage) {
        let time = elapsed(self.started.take());
        if let Some(slot) = self.times.values_mut().nth(stage as usize) {
            *slot = time;
        }
    }

    fn before_drop(&mut self) {
        self.started = Some(Instant::now());
    }

    fn after_drop(&mut self) {
        self.drop = elapsed(self.started.take());
    }
}

/// Warm passes over one store: at least [`WARM_MIN`], then more until [`WARM_BUDGET`] is
/// spent, at most [`WARM_MAX`]. A pass of a few microseconds gets hundreds, a pass of a few
/// milliseconds the minimum; a pass that alone takes longer than the budget (`heap_map`'s
/// aggregate at 1 000 000 records, 130 ms) is timed once per round, the rounds giving its
/// interval, so that the slowest layouts do not triple their share of a run.
const WARM_MIN: usize = 3;
const WARM_MAX: usize = 200;
const WARM_BUDGET: std::time::Duration = std::time::Duration::from_millis(20);

/// Times `pass` over and over (see [`WARM_MIN`]) and returns the median pass. Each output is
/// dropped after its pass's clock has stopped, as the first pass's is.
pub(crate) fn warm_passes<T>(mut pass: impl FnMut() -> T) -> Nanos {
    let started = Instant::now();
    let mut times = Vec::new();
    let more = |times: &[Nanos]| match times.first() {
        None => true,
        Some(first) if first.0 > WARM_BUDGET.as_nanos() as u64 => false,
        Some(_) => {
            times.len() < WARM_MIN || (times.len() < WARM_MAX && started.elapsed() < WARM_BUDGET)
        }
    };
    while more(&times) {
        let t = Instant::now();
        let output = std::hint::black_box(pass());
        times.push(Nanos::from_duration(t.elapsed()));
        drop(output);
    }
    times.sort_unstable();
    times[times.len() / 2]
}

pub(crate) use crate::model::best_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_passes_repeat_a_short_pass_and_time_a_long_one_once() {
        let mut calls = 0;
        warm_passes(|| calls += 1);
        assert!(calls >= WARM_MIN, "{calls}");
        let mut calls = 0;
        warm_passes(|| {
            calls += 1;
            std::thread::sleep(WARM_BUDGET + std::time::Duration::from_millis(1));
        });
        assert_eq!(calls, 1);
    }

    #[test]
    fn best_of_takes_each_stage_minimum() {
        let a = PerStage::from_stages(|s| Nanos([5, 1, 0, 0, 0][s as usize]));
        let b = PerStage::from_stages(|s| Nanos([3, 2, 0, 0, 0][s as usize]));
        let best = best_of(&[a, b]);
        assert_eq!(
            (best[Stage::Ingest], best[Stage::Filter]),
            (Nanos(3), Nanos(1))
        );
    }
}
