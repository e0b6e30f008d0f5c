//! Run with: `cargo run --release --example hand_written_csv -- FILE [RUNS]`
//!
//! The generic pipeline over `soa` beside the hand-written loops of
//! `benches/common/hand_written.rs`, on one CSV file (for example one made by
//! `layoutlab generate --records 2000000`). Each run reads the file afresh — timed as
//! `ingest` for `soa`, exactly as `layoutlab run` times it, and untimed for the loops — and
//! then times filter + normalize + rolling + aggregate. The three take turns, RUNS times each
//! (default 5), so that all see the same machine. It prints the best time per stage and the
//! best whole pipeline, in ns per record, and the ratios; and it stops if the three disagree
//! on a single bit of the aggregates.

// The stages are timed one by one, so `run` goes unused here.
#[allow(dead_code)]
#[path = "../benches/common/hand_written.rs"]
mod hand_written;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use layoutlab::layouts::Soa;
use layoutlab::measure::Stopwatch;
use layoutlab::pipeline::{self, Aggregates, Stage, DEFAULT_WINDOW};
use layoutlab::source::CsvSource;
use layoutlab::units::Nanos;

/// Time per stage, indexed by `Stage as usize`.
type StageTimes = [Nanos; 5];

/// Nanoseconds since `start`.
fn since(start: Instant) -> Nanos {
    Nanos::from_duration(start.elapsed())
}

/// filter + normalize + rolling + aggregate.
fn pipeline_time(t: &StageTimes) -> Nanos {
    Nanos(t[1..].iter().map(|n| n.0).sum())
}

fn load(path: &Path) -> anyhow::Result<hand_written::Columns> {
    hand_written::Columns::load(&mut CsvSource::new(path.to_owned(), false))
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// One run of the staged loop, timed per stage (`ingest`, the untimed load, stays 0).
fn staged_run(path: &Path) -> anyhow::Result<(StageTimes, Aggregates)> {
    let mut columns = load(path)?;
    let mut times = StageTimes::default();
    let start = Instant::now();
    hand_written::filter(&mut columns);
    times[Stage::Filter as usize] = since(start);
    let start = Instant::now();
    hand_written::normalize(&mut columns);
    times[Stage::Normalize as usize] = since(start);
    let start = Instant::now();
    hand_written::rolling(&mut columns, DEFAULT_WINDOW.get());
    times[Stage::Rolling as usize] = since(start);
    let start = Instant::now();
    let aggregates = hand_written::aggregate(&columns);
    times[Stage::Aggregate as usize] = since(start);
    Ok((times, aggregates))
}

/// One run of the fused loop; it has no stages, so its whole time is put under `filter`.
fn fused_run(path: &Path) -> anyhow::Result<(StageTimes, Aggregates)> {
    let mut columns = load(path)?;
    let start = Instant::now();
    let aggregates = hand_written::run_fused(&mut columns, DEFAULT_WINDOW.get());
    let mut times = StageTimes::default();
    times[Stage::Filter as usize] = since(start);
    Ok((times, aggregates))
}

/// Best time per stage and best whole pipeline over `runs`.
fn best(runs: &[StageTimes]) -> (StageTimes, Nanos) {
    let whole = runs.iter().map(pipeline_time).min();
    let mut best = StageTimes::default();
    for (i, slot) in best.iter_mut().enumerate() {
        *slot = runs.iter().map(|r| r[i]).min().unwrap_or_default();
    }
    (best, whole.unwrap_or_default())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        bail!("usage: hand_written_csv FILE [RUNS]");
    };
    let runs: usize = match args.next() {
        Some(n) => n
            .to_string_lossy()
            .parse()
            .context("RUNS must be a number")?,
        None => 5,
    };

    let (mut soa_runs, mut staged_runs, mut fused_runs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut records, mut kept) = (0, 0);
    for _ in 0..runs.max(1) {
        let mut stopwatch = Stopwatch::default();
        let mut source = CsvSource::new(path.clone(), false);
        let soa = pipeline::run::<Soa, _, _>(&mut source, DEFAULT_WINDOW, &mut stopwatch)
            .with_context(|| path.display().to_string())?;
        let generic = soa.aggregates;
        (records, kept) = (soa.records, generic.kept);
        soa_runs.push(std::array::from_fn(|i| stopwatch.times[Stage::ALL[i]]));
        for (name, run, times) in [
            (
                "staged loop",
                staged_run as fn(&Path) -> _,
                &mut staged_runs,
            ),
            ("fused loop", fused_run, &mut fused_runs),
        ] {
            let (t, by_hand) = run(&path)?;
            if !generic.bit_identical(&by_hand) {
                bail!("the {name} and the soa pipeline disagree:\n{generic:?}\n{by_hand:?}");
            }
            times.push(t);
        }
    }

    let per = |n: Nanos| n.per(records);
    println!(
        "{}: {records} records, {kept} kept; ns per record, best of {runs} runs each",
        path.display()
    );
    println!(
        "{:<12} {:>7} {:>9} {:>7} {:>9} {:>12} {:>13}",
        "", "filter", "normalize", "rolling", "aggregate", "sum of bests", "best pipeline"
    );
    let (soa_stages, soa_best) = best(&soa_runs);
    let (staged_stages, staged_best) = best(&staged_runs);
    let (_, fused_best) = best(&fused_runs);
    for (name, t, whole) in [
        ("soa", Some(soa_stages), soa_best),
        ("staged loop", Some(staged_stages), staged_best),
        ("fused loop", None, fused_best),
    ] {
        match t {
            Some(t) => println!(
                "{name:<12} {:>7.2} {:>9.2} {:>7.2} {:>9.2} {:>12.2} {:>13.2}",
                per(t[Stage::Filter as usize]),
                per(t[Stage::Normalize as usize]),
                per(t[Stage::Rolling as usize]),
                per(t[Stage::Aggregate as usize]),
                per(pipeline_time(&t)),
                per(whole),
            ),
            None => println!("{name:<12} {:>61.2}", per(whole)),
        }
    }
    let ratio = |a: Nanos, b: Nanos| a.0 as f64 / b.0 as f64;
    println!(
        "soa / staged loop: {:.3}; soa / fused loop: {:.3} (best pipelines); aggregates bit-identical",
        ratio(soa_best, staged_best),
        ratio(soa_best, fused_best),
    );
    Ok(())
}
