//! Measurement: wall-clock time per stage here; heap figures come from dhat.
//!
//! Timings are taken only in processes with the system allocator; heap profiles are taken
//! in processes of their own (see the heap profiler), because a tracking allocator slows every
//! allocation it sees.

pub mod heap;

use std::fmt;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::pipeline::{Stage, StageObserver};

/// A duration in nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nanos(pub u64);

impl Nanos {
    /// Nanoseconds per item, or 0 when there are no items.
    pub fn per(self, items: u64) -> f64 {
        if items == 0 {
            0.0
        } else {
            self.0 as f64 / items as f64
        }
    }
}

impl fmt::Display for Nanos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0 as f64;
        if ns >= 1e9 {
            write!(f, "{:.2} s", ns / 1e9)
        } else if ns >= 1e6 {
            write!(f, "{:.2} ms", ns / 1e6)
        } else if ns >= 1e3 {
            write!(f, "{:.2} µs", ns / 1e3)
        } else {
            write!(f, "{} ns", self.0)
        }
    }
}

/// A number of bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bytes(pub u64);

impl Bytes {
    /// Bytes per item, or 0 when there are no items.
    pub fn per(self, items: u64) -> f64 {
        if items == 0 {
            0.0
        } else {
            self.0 as f64 / items as f64
        }
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0 as f64;
        if b >= 1024.0 * 1024.0 * 1024.0 {
            write!(f, "{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
        } else if b >= 1024.0 * 1024.0 {
            write!(f, "{:.1} MiB", b / (1024.0 * 1024.0))
        } else if b >= 1024.0 {
            write!(f, "{:.1} KiB", b / 1024.0)
        } else {
            write!(f, "{} B", self.0)
        }
    }
}

/// Time per stage of one pipeline run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTimes {
    /// Building the store from the source (includes reading and validating it).
    pub ingest: Nanos,
    /// Dropping bad values, compacting in place.
    pub filter: Nanos,
    /// Computing `normalized`.
    pub normalize: Nanos,
    /// Computing `rolling_avg`.
    pub rolling: Nanos,
    /// Per-sensor statistics and the checksum.
    pub aggregate: Nanos,
}

impl StageTimes {
    /// The time of one stage.
    pub fn get(&self, stage: Stage) -> Nanos {
        match stage {
            Stage::Ingest => self.ingest,
            Stage::Filter => self.filter,
            Stage::Normalize => self.normalize,
            Stage::Rolling => self.rolling,
            Stage::Aggregate => self.aggregate,
        }
    }

    fn slot(&mut self, stage: Stage) -> &mut Nanos {
        match stage {
            Stage::Ingest => &mut self.ingest,
            Stage::Filter => &mut self.filter,
            Stage::Normalize => &mut self.normalize,
            Stage::Rolling => &mut self.rolling,
            Stage::Aggregate => &mut self.aggregate,
        }
    }

    /// The sum over all stages.
    pub fn total(&self) -> Nanos {
        Nanos(Stage::ALL.iter().map(|&s| self.get(s).0).sum())
    }

    /// The stages after ingest (filter + normalize + rolling + aggregate): the pipeline
    /// proper, independent of how the source is read.
    pub fn pipeline(&self) -> Nanos {
        Nanos(self.total().0 - self.ingest.0)
    }

    /// The stage-wise minimum of several runs (the best estimate on a noisy machine).
    pub fn best_of(runs: &[StageTimes]) -> StageTimes {
        let mut best = StageTimes::default();
        for stage in Stage::ALL {
            *best.slot(stage) = runs.iter().map(|r| r.get(stage)).min().unwrap_or_default();
        }
        best
    }
}

/// A [`StageObserver`] that records wall-clock time per stage, and the store's drop.
#[derive(Debug, Default)]
pub struct Stopwatch {
    started: Option<Instant>,
    /// The times recorded so far.
    pub times: StageTimes,
    /// How long dropping the store took (freeing every record).
    pub drop: Nanos,
}

impl StageObserver for Stopwatch {
    #[inline]
    fn before(&mut self, _: Stage) {
        self.started = Some(Instant::now());
    }

    #[inline]
    fn after(&mut self, stage: Stage) {
        let elapsed = self.started.take().map_or(0, |t| t.elapsed().as_nanos());
        *self.times.slot(stage) = Nanos(u64::try_from(elapsed).unwrap_or(u64::MAX));
    }

    fn before_drop(&mut self) {
        self.started = Some(Instant::now());
    }

    fn after_drop(&mut self) {
        let elapsed = self.started.take().map_or(0, |t| t.elapsed().as_nanos());
        self.drop = Nanos(u64::try_from(elapsed).unwrap_or(u64::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_print_readably() {
        assert_eq!(Nanos(1_500).to_string(), "1.50 µs");
        assert_eq!(Nanos(2_000_000_000).to_string(), "2.00 s");
        assert_eq!(Bytes(35 * 1024 * 1024).to_string(), "35.0 MiB");
        assert_eq!(Bytes(12).per(4), 3.0);
        assert_eq!(Bytes(12).per(0), 0.0);
    }

    #[test]
    fn best_of_takes_each_stage_minimum() {
        let a = StageTimes {
            ingest: Nanos(5),
            filter: Nanos(1),
            ..Default::default()
        };
        let b = StageTimes {
            ingest: Nanos(3),
            filter: Nanos(2),
            ..Default::default()
        };
        let best = StageTimes::best_of(&[a, b]);
        assert_eq!((best.ingest, best.filter), (Nanos(3), Nanos(1)));
        assert_eq!(best.pipeline(), Nanos(1));
    }
}
