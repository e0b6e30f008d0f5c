//! Planning `compare --sweep`, up front: which sizes each layout runs at, how many rounds at
//! each, and how long it will take — from the machine's last-level cache and memory, and one
//! calibration run of each layout.
//!
//! Sizes run 1, 2, 5, 10, 20, 50… thousand records, log-spaced (1 and 3 per decade above a
//! million), from cache-resident to the point where the layout's data reaches four times
//! the last-level cache (its own
//! bytes/record decide where that is, so a 35-byte layout goes ten times further than a
//! 500-byte one), or the largest of those sizes that fits in memory.

use super::{HeapPlan, RunError, SizeStep, Subject};
use crate::format::thousands;
use crate::measure::children;
use crate::model::SweepReach;
use crate::units::Bytes;

/// The smallest size: a few tens of kilobytes, inside every L1 or L2.
pub(crate) const SMALLEST: u64 = 1_000;
/// How many times the last-level cache the largest point's data reaches.
pub(crate) const TIMES_LLC: u64 = 4;
/// The flag that caps a sweep's sizes.
pub(crate) const MAX_FLAG: &str = "--sweep-max-records";
/// The calibration run's size.
pub(crate) const CALIBRATION_RECORDS: u64 = 100_000;

/// One layout's calibration run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Calibration {
    /// The layout.
    pub layout: String,
    /// Every stage's time per record.
    pub ns_per_record: f64,
    /// Peak heap per record.
    pub bytes_per_record: f64,
}

/// What bounds the sweep.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Limits {
    /// The last-level cache, bytes.
    pub last_level_cache: u64,
    /// Memory one layout's run may use (what is available, shared by the profiling
    /// children that run at once); `None` when unknown.
    pub memory: Option<u64>,
    /// `--sweep-max-records`.
    pub max_records: Option<u64>,
    /// The workload's own size, measured by the compare's rounds already.
    pub workload: u64,
    /// Profiling children at once.
    pub jobs: usize,
}

/// The sweep, planned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SweepPlan {
    /// The sizes, smallest first, each with its layouts and rounds.
    pub steps: Vec<SizeStep>,
    /// How far each calibrated layout goes.
    pub reach: Vec<SweepReach>,
    /// Four times the last-level cache.
    pub target_bytes: u64,
    /// The estimated wall time of the sweep's runs and children, seconds.
    pub estimated_seconds: f64,
}

/// Runs each layout once at [`CALIBRATION_RECORDS`] (or `max_records`, if fewer) and counts
/// its heap in a child: its time and bytes per record. A layout that cannot run is left out
/// of the sweep, its reason returned (the compare reports its failure).
pub(crate) fn calibrate<S: Subject>(
    subject: &S,
    layouts: &[String],
    heap: &HeapPlan,
    max_records: Option<u64>,
) -> anyhow::Result<(Vec<Calibration>, Vec<String>)> {
    let records = max_records.map_or(CALIBRATION_RECORDS, |m| m.min(CALIBRATION_RECORDS));
    let mut timed = Vec::new();
    let mut left_out = Vec::new();
    for layout in layouts {
        match subject.run_once(layout, Some(records)) {
            Ok(sample) => {
                let ns: u64 = sample.stages.values().map(|t| t.0).sum();
                timed.push((layout.clone(), ns as f64 / records.max(1) as f64));
            }
            Err(RunError::Input(e)) => return Err(e),
            Err(RunError::Capacity(e)) => left_out.push(format!("{layout}: {e:#}")),
        }
    }
    let order: Vec<usize> = (0..timed.len()).collect();
    let counted = children::pool(
        &order,
        heap.jobs,
        |i| children::run(&subject.heap_child(&timed[i].0, Some(records), None)),
        |_| {},
    );
    let mut calibrations = Vec::new();
    for ((layout, ns_per_record), stdout) in timed.into_iter().zip(counted) {
        match stdout.and_then(|out| subject.heap_figures(&layout, &out, None, records)) {
            Ok(memory) => calibrations.push(Calibration {
                layout,
                ns_per_record,
                bytes_per_record: memory.peak_bytes.0 as f64 / records.max(1) as f64,
            }),
            Err(e) => left_out.push(format!("{layout}: heap count at {records} records: {e}")),
        }
    }
    Ok((calibrations, left_out))
}

/// The grid's sizes from [`SMALLEST`] up to (not including) `below`: 1, 2, 5 per decade up
/// to a million records, where runs take milliseconds; 1 and 3 per decade above, where a
/// run takes seconds and the curve's shape needs fewer points.
fn grid(below: u64) -> Vec<u64> {
    let mut sizes = Vec::new();
    let mut decade = SMALLEST;
    'outer: loop {
        let steps: &[u64] = if decade < 1_000_000 {
            &[1, 2, 5]
        } else {
            &[1, 3]
        };
        for m in steps {
            let n = decade * m;
            if n >= below {
                break 'outer;
            }
            sizes.push(n);
        }
        decade *= 10;
    }
    sizes
}

/// `x` rounded up to two significant digits.
fn round_up_2(x: u64) -> u64 {
    if x < 100 {
        return x;
    }
    let scale = 10u64.pow(x.ilog10() - 1);
    x.div_ceil(scale) * scale
}

/// Timed rounds at a size only one layout reaches.
pub(crate) const SOLO_ROUNDS: usize = 3;

/// Timed rounds at `records`: many where a run takes microseconds and the machine's noise
/// is large against it, five where a run takes seconds.
pub(crate) fn rounds(records: u64) -> usize {
    match records {
        0..=10_000 => 21,
        10_001..=100_000 => 15,
        100_001..=1_000_000 => 9,
        _ => 5,
    }
}

/// Plans the sweep for the calibrated layouts within `limits`.
pub(crate) fn plan(calibrations: &[Calibration], limits: &Limits) -> SweepPlan {
    let target_bytes = limits.last_level_cache.saturating_mul(TIMES_LLC);
    let mut sizes_of = Vec::new();
    let mut reach = Vec::new();
    for c in calibrations {
        let bpr = c.bytes_per_record.max(1.0);
        // A little more than the cache arithmetic says, so that the largest point's measured
        // peak lands above the target although bytes/record shrink a little with size (the
        // calibration's fixed overhead spreads over more records: 35.8 at 100 000 records,
        // 35.0 at 10 000 000 for the compact layouts).
        let wanted = round_up_2((target_bytes as f64 * 1.03 / bpr).ceil() as u64).max(SMALLEST);
        let fits = |n: u64| {
            limits
                .memory
                .is_none_or(|m| n as f64 * bpr * 1.25 <= m as f64)
        };
        let mut top = wanted;
        let mut short = None;
        if !fits(top) {
            top = grid(top).into_iter().rev().find(|&n| fits(n)).unwrap_or(0);
            short = Some(format!(
                "stops at {} records: reaching {TIMES_LLC} × the last-level cache ({} records, \
                 about {}) would need more than the {} of memory available",
                thousands(top),
                thousands(wanted),
                Bytes((wanted as f64 * bpr) as u64),
                Bytes(limits.memory.unwrap_or(0))
            ));
        }
        if let Some(max) = limits.max_records.filter(|&m| m < top) {
            top = max;
            short = Some(format!(
                "stops at {} records (--sweep-max-records); {TIMES_LLC} × the last-level cache \
                 would take {} records",
                thousands(top),
                thousands(wanted)
            ));
        }
        // The grid below the largest size, but none within a factor of two of it: the
        // largest sizes cost the most time, and one more point so close adds little.
        let mut sizes = grid(top / 2 + 1);
        if top >= SMALLEST {
            sizes.push(top);
        }
        sizes.retain(|&n| n != limits.workload);
        reach.push(SweepReach {
            layout: c.layout.clone(),
            records: top,
            bytes_per_record: c.bytes_per_record,
            short,
        });
        sizes_of.push(sizes);
    }
    let mut all: Vec<u64> = sizes_of.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let steps: Vec<SizeStep> = all
        .into_iter()
        .map(|records| {
            let layouts: Vec<String> = calibrations
                .iter()
                .zip(&sizes_of)
                .filter(|(_, sizes)| sizes.contains(&records))
                .map(|(c, _)| c.layout.clone())
                .collect();
            SizeStep {
                records,
                // A layout alone at its size is ranked against none: its rounds give only
                // its own curve's median, for which three do.
                rounds: if layouts.len() < 2 {
                    SOLO_ROUNDS
                } else {
                    rounds(records)
                },
                layouts,
            }
        })
        .collect();
    let estimated_seconds = estimate(&steps, calibrations, limits);
    SweepPlan {
        steps,
        reach,
        target_bytes,
        estimated_seconds,
    }
}

/// The steps' wall time: every round of every layout at its calibrated speed — slower as
/// its data grows: measured on this project's 2-core machine, 1.5 times the calibration's
/// time per record inside the last-level cache and 3 times beyond it — and one heap count
/// per layout and size, `jobs` at a time, each a run and a process start.
fn estimate(steps: &[SizeStep], calibrations: &[Calibration], limits: &Limits) -> f64 {
    let run = |layout: &str, n: u64| {
        let c = calibrations
            .iter()
            .find(|c| c.layout == layout)
            .expect("steps list calibrated layouts");
        let bytes = n as f64 * c.bytes_per_record;
        let slow = if bytes > limits.last_level_cache as f64 {
            3.0
        } else if n > 10 * CALIBRATION_RECORDS {
            1.5
        } else {
            1.0
        };
        c.ns_per_record * n as f64 * slow / 1e9
    };
    steps
        .iter()
        .map(|step| {
            let one_round: f64 = step.layouts.iter().map(|l| run(l, step.records)).sum();
            let counts =
                (one_round * 1.3 + 0.05 * step.layouts.len() as f64) / limits.jobs.max(1) as f64;
            one_round * step.rounds as f64 + counts
        })
        .sum()
}

/// `9 min 30 s`, `45 s`.
pub(crate) fn minutes(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        _ => format!("{} min {} s", s / 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(layout: &str, ns: f64, bytes: f64) -> Calibration {
        Calibration {
            layout: layout.into(),
            ns_per_record: ns,
            bytes_per_record: bytes,
        }
    }

    fn limits() -> Limits {
        Limits {
            last_level_cache: 32 << 20,
            memory: Some(16 << 30),
            max_records: None,
            workload: 1_000_000,
            jobs: 2,
        }
    }

    #[test]
    fn the_grid_is_one_two_five() {
        assert_eq!(grid(25_000), [1_000, 2_000, 5_000, 10_000, 20_000]);
        assert_eq!(grid(1_000), Vec::<u64>::new());
        assert_eq!(
            grid(40_000_000)[9..],
            [1_000_000, 3_000_000, 10_000_000, 30_000_000]
        );
        assert_eq!(round_up_2(57_521_000), 58_000_000);
        assert_eq!(round_up_2(4_000_000), 4_000_000);
    }

    #[test]
    fn each_layout_reaches_four_times_the_cache_in_its_own_records() {
        let plan = plan(
            &[cal("compact", 30.0, 35.0), cal("fat", 700.0, 500.0)],
            &limits(),
        );
        let target = 4 * (32u64 << 20);
        assert_eq!(plan.target_bytes, target);
        for reach in &plan.reach {
            assert!(reach.records as f64 * reach.bytes_per_record >= target as f64);
            assert!(reach.short.is_none());
        }
        let first = &plan.steps[0];
        assert_eq!(first.records, SMALLEST);
        assert_eq!(first.layouts, ["compact", "fat"]);
        let last = plan.steps.last().expect("steps");
        assert_eq!(last.layouts, ["compact"]);
        assert_eq!(
            last.rounds, SOLO_ROUNDS,
            "alone at its size: no ranking to decide"
        );
        assert_eq!(first.rounds, rounds(SMALLEST));
        assert!(plan.steps.iter().all(|s| s.records != 1_000_000));
        assert!(plan.estimated_seconds > 0.0);
    }

    #[test]
    fn memory_and_the_flag_stop_a_layout_early_and_say_why() {
        // 4 × 32 MiB at 5 000 B/record is 28 000 records, 140 MB: more than 100 MiB.
        let tight = Limits {
            memory: Some(100 << 20),
            ..limits()
        };
        let plan = plan(&[cal("fat", 700.0, 5_000.0)], &tight);
        let reach = &plan.reach[0];
        assert_eq!(reach.records, 10_000, "the largest grid size that fits");
        assert!(reach.records as f64 * 5_000.0 * 1.25 <= (100u64 << 20) as f64);
        assert!(reach
            .short
            .as_deref()
            .unwrap_or("")
            .contains("memory available"));

        let capped = Limits {
            max_records: Some(20_000),
            ..limits()
        };
        let plan = super::plan(&[cal("compact", 30.0, 35.0)], &capped);
        assert_eq!(plan.reach[0].records, 20_000);
        assert_eq!(
            plan.steps.iter().map(|s| s.records).collect::<Vec<_>>(),
            [1_000, 2_000, 5_000, 10_000, 20_000]
        );
        assert!(plan.reach[0]
            .short
            .as_deref()
            .unwrap_or("")
            .contains("--sweep-max-records"));
    }

    #[test]
    fn small_sizes_get_more_rounds() {
        assert!(rounds(1_000) > rounds(100_000));
        assert_eq!(rounds(50_000_000), 5);
        assert_eq!(minutes(570.0), "9 min 30 s");
    }
}
