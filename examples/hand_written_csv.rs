//! Run with: `cargo run --release --example hand_written_csv -- FILE [RUNS]`
//!
//! The generic pipeline over `soa` beside the hand-written loop of
//! `benches/common/hand_written.rs`, on one CSV file (for example one made by
//! `layoutlab generate --records 2000000`). Each run reads the file afresh (untimed for the
//! loop, timed as `ingest` for `soa`, exactly as `layoutlab run` does), then times filter,
//! normalize, rolling and aggregate. The two alternate, RUNS times each (default 5), so that
//! both see the same machine; it prints the best time per stage, the best whole-pipeline
//! time and their ratio, and checks that both give bit-identical aggregates.

// The stages are timed one by one, so `run` goes unused here.
#[allow(dead_code)]
#[path = "../benches/common/hand_written.rs"]
mod hand_written;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use layoutlab::layouts::Soa;
use layoutlab::measure::{Nanos, StageTimes};
use layoutlab::pipeline::{Aggregates, DEFAULT_WINDOW};
use layoutlab::runner::{run_layout, RunConfig};
use layoutlab::source::{CsvSource, SourceSpec};

/// Nanoseconds since `start`.
fn since(start: Instant) -> Nanos {
    Nanos(u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX))
}

/// One run of the hand-written loop: its stage times (ingest is the untimed load, 0).
fn hand_written_run(path: &PathBuf) -> anyhow::Result<(StageTimes, Aggregates)> {
    let mut columns = hand_written::Columns::load(&mut CsvSource::new(path.clone(), false))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let window = DEFAULT_WINDOW.get();
    let mut times = StageTimes::default();
    let start = Instant::now();
    hand_written::filter(&mut columns);
    times.filter = since(start);
    let start = Instant::now();
    hand_written::normalize(&mut columns);
    times.normalize = since(start);
    let start = Instant::now();
    hand_written::rolling(&mut columns, window);
    times.rolling = since(start);
    let start = Instant::now();
    let aggregates = hand_written::aggregate(&columns);
    times.aggregate = since(start);
    Ok((times, aggregates))
}

fn print_row(name: &str, times: &StageTimes, best_pipeline: Nanos, records: u64) {
    let per = |n: Nanos| n.per(records);
    println!(
        "{name:<12} {:>8.2} {:>9.2} {:>8.2} {:>9.2} {:>13.2} {:>13.2}",
        per(times.filter),
        per(times.normalize),
        per(times.rolling),
        per(times.aggregate),
        per(times.pipeline()),
        per(best_pipeline),
    );
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
    let config = RunConfig {
        source: SourceSpec::Csv {
            path: path.clone(),
            skip_invalid: false,
        },
        window: DEFAULT_WINDOW,
        repeat: 1,
    };

    let (mut soa_runs, mut loop_runs) = (Vec::new(), Vec::new());
    let mut reference: Option<Aggregates> = None;
    let mut records = 0;
    for _ in 0..runs.max(1) {
        let soa = run_layout::<Soa>(&config).with_context(|| path.display().to_string())?;
        records = soa.result.records;
        soa_runs.extend(soa.runs);
        let (times, by_hand) = hand_written_run(&path)?;
        loop_runs.push(times);
        let generic = &soa.result.aggregates();
        if !generic.bit_identical(&by_hand) {
            bail!("the loop and the soa pipeline disagree:\n{generic:?}\n{by_hand:?}");
        }
        reference.get_or_insert(by_hand);
    }

    let best_pipeline = |runs: &[StageTimes]| {
        runs.iter()
            .map(StageTimes::pipeline)
            .min()
            .unwrap_or_default()
    };
    let (soa_best, loop_best) = (best_pipeline(&soa_runs), best_pipeline(&loop_runs));
    let (soa_stages, loop_stages) = (
        StageTimes::best_of(&soa_runs),
        StageTimes::best_of(&loop_runs),
    );
    println!(
        "{}: {records} records, {} kept; ns per record, best of {runs} runs each",
        path.display(),
        reference.map_or(0, |a| a.kept)
    );
    println!(
        "{:<12} {:>8} {:>9} {:>8} {:>9} {:>13} {:>13}",
        "", "filter", "normalize", "rolling", "aggregate", "sum of bests", "best pipeline"
    );
    print_row("soa", &soa_stages, soa_best, records);
    print_row("loop", &loop_stages, loop_best, records);
    println!(
        "soa / loop: {:.3} (sum of per-stage bests), {:.3} (best whole pipeline); aggregates bit-identical",
        soa_stages.pipeline().0 as f64 / loop_stages.pipeline().0 as f64,
        soa_best.0 as f64 / loop_best.0 as f64,
    );
    Ok(())
}
