//! The gate's judgement of each kind of figure, of missing and failed layouts, and its lines.

use super::outcome::pair_decimals;
use super::*;
use crate::model::costs::{Costs, Events, SimulatedCaches, StageCosts};
use crate::model::{
    Machine, MemorySummary, PerStage, PhaseMemory, PythonSection, Timing, Workload, FORMAT,
};
use crate::units::{Bytes, Nanos};

const RECORDS: u64 = 1000;

/// Heap figures with these requested bytes per record and allocations; the reserved bytes
/// per record stay 64.0 (a size class).
fn memory(bytes_per_record: f64, allocations: u64) -> MemorySummary {
    let peak = Bytes((bytes_per_record * RECORDS as f64) as u64);
    MemorySummary {
        source: None,
        peak_bytes: peak,
        allocations,
        bytes_per_record,
        total_bytes: peak,
        allocations_per_record: allocations as f64 / RECORDS as f64,
        peak_blocks: allocations,
        reserved_peak_bytes: Some(peak),
        reserved_bytes_per_record: Some(64.0),
        phases: PerStage::from_stages(|_| PhaseMemory {
            peak_bytes: peak,
            bytes_per_record,
            reserved_peak_bytes: None,
            reserved_bytes_per_record: None,
            allocations: 0,
            allocations_per_record: 0.0,
            total_bytes: Bytes(0),
            live_bytes_at_end: peak,
        }),
        profile: None,
    }
}

/// Costs whose stage `k` (0-based) executes `(k + 1) × per_record` instructions per record.
fn costs(per_record: u64) -> Costs {
    let span = |ir_per_record: u64| {
        let events = Events {
            ir: ir_per_record * RECORDS,
            dr: ir_per_record * RECORDS / 2,
            d1mr: RECORDS,
            dlmr: RECORDS / 10,
            ..Events::default()
        };
        StageCosts::new(events, RECORDS)
    };
    let stages = PerStage::from_stages(|s| span((s as u64 + 1) * per_record));
    let whole: u64 = (1..=5).map(|k| k * per_record).sum();
    Costs {
        stages,
        between_stages: span(0),
        drop: span(0),
        whole_run: span(whole),
        caches: SimulatedCaches::TYPICAL,
        records: RECORDS,
    }
}

/// Timings of rounds whose every stage took `ns_per_record[k]` ns per record in round `k`.
fn timing(ns_per_record: &[u64]) -> Timing {
    let round = |ns: u64| PerStage::from_stages(|_| Nanos(ns * RECORDS));
    let best = round(*ns_per_record.iter().min().unwrap());
    Timing {
        records: RECORDS,
        kept: None,
        checksum: None,
        outputs: Default::default(),
        best,
        runs: ns_per_record.iter().map(|&ns| round(ns)).collect(),
        drop: Nanos(0),
        access_reads: 0,
        access: Nanos(0),
        drops: Vec::new(),
        accesses: Vec::new(),
        warm: Vec::new(),
        extra: Default::default(),
    }
}

fn layout(name: &str, bytes_per_record: f64) -> LayoutRun {
    LayoutRun {
        layout: name.to_owned(),
        summary: String::new(),
        runtime_schema: false,
        types: Vec::new(),
        timing: Some(timing(&[10, 11, 12, 10, 11])),
        memory: Some(memory(bytes_per_record, 3000)),
        costs: Some(costs(100)),
        errors: Vec::new(),
        aggregates: None,
        extra: Default::default(),
    }
}

fn results(layouts: Vec<LayoutRun>) -> Results {
    Results {
        format: FORMAT,
        machine: Machine {
            cpu: "Test CPU".into(),
            cores: 2,
            memory_bytes: 0,
            os: "TestOS".into(),
            rustc: "rustc".into(),
            layoutlab: "0.1.0".into(),
            commit: "abc".into(),
            date: "2026-01-01T00:00:00Z".into(),
            caches: Vec::new(),
        },
        workload: Workload {
            source: "generated".into(),
            records: RECORDS,
            sensors: Some(8),
            window: Some(16),
            seed: Some(42),
            skipped: 0,
        },
        repeat: 5,
        layouts,
        scaling: Vec::new(),
        costs_note: None,
        sweep: None,
        python: PythonSection::not_run(),
        criterion: Vec::new(),
        record: None,
        proposal: None,
        extra: Default::default(),
    }
}

fn two() -> Results {
    results(vec![layout("soa", 35.0), layout("boxed", 120.0)])
}

fn limits(rules: &[&str]) -> Limits {
    Limits::new(rules.iter().map(|r| r.parse().unwrap()).collect())
}

fn lines(outcome: &Outcome) -> Vec<String> {
    outcome
        .regressions
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn run(baseline: &Results, current: &Results, rules: &[&str]) -> Outcome {
    compare(baseline, current, &limits(rules)).unwrap()
}

#[test]
fn the_same_results_pass_with_a_summary() {
    let r = two();
    let outcome = run(&r, &r, &[]);
    assert!(outcome.regressions.is_empty());
    // 3 heap figures, 2 cost figures × (5 stages + whole run); time is not gated.
    assert_eq!(
        outcome.summary(".ci/baseline.json"),
        "check: 2 layouts, 15 figures within limits against .ci/baseline.json (0 improved)"
    );
}

#[test]
fn a_figure_beyond_its_limit_is_one_exact_line() {
    let baseline = two();
    let mut current = two();
    current.layouts[0].memory = Some(memory(36.2, 3000));
    let outcome = run(&baseline, &current, &[]);
    assert_eq!(
        lines(&outcome),
        ["soa: bytes_per_record 35.0 -> 36.2 (+3.4 %, limit +1 %)"]
    );
    assert_eq!(
        outcome.failure("b.json"),
        "1 regression in 1 layout against b.json"
    );
    // A wider limit lets it pass; an amount is judged in the figure's unit.
    assert!(run(&baseline, &current, &["bytes_per_record=4%"])
        .regressions
        .is_empty());
    assert!(run(&baseline, &current, &["bytes_per_record=+2"])
        .regressions
        .is_empty());
    current.layouts[0].memory = Some(memory(37.5, 3000));
    assert_eq!(
        lines(&run(&baseline, &current, &["bytes_per_record=+2"])),
        ["soa: bytes_per_record 35.0 -> 37.5 (+2.50, limit +2)"]
    );
}

#[test]
fn counts_print_whole_and_close_values_print_apart() {
    let baseline = two();
    let mut current = two();
    current.layouts[1].memory = Some(memory(120.0, 3100));
    assert_eq!(
        lines(&run(&baseline, &current, &[])),
        ["boxed: allocations 3000 -> 3100 (+3.3 %, limit +1 %)"]
    );
    // Just over the limit: enough decimals that the change reads as more than the limit,
    // and the values as different.
    current.layouts[1].memory = Some(memory(120.0, 3000));
    current.layouts[0].memory = Some(memory(35.0 * 1.0104, 3000));
    assert_eq!(
        lines(&run(&baseline, &current, &[])),
        ["soa: bytes_per_record 35.0 -> 35.4 (+1.04 %, limit +1 %)"]
    );
    assert_eq!(pair_decimals(35.0001, 35.0002), 4);
    assert_eq!(pair_decimals(0.00054, 0.00056), 6);
    assert_eq!(pair_decimals(1234.5, 1300.25), 0);
}

#[test]
fn improvements_beyond_the_limit_are_counted() {
    let baseline = two();
    let mut current = two();
    current.layouts[0].memory = Some(memory(30.0, 3000));
    let outcome = run(&baseline, &current, &[]);
    assert!(outcome.regressions.is_empty());
    assert_eq!(outcome.improved, 1);
    assert!(outcome.summary("b").contains("(1 improved)"));
}

#[test]
fn from_zero_anything_is_a_regression() {
    let mut baseline = two();
    baseline.layouts[0].memory = Some(memory(35.0, 0));
    let current = two();
    assert_eq!(
        lines(&run(&baseline, &current, &[])),
        ["soa: allocations 0 -> 3000 (up from 0, limit +1 %)"]
    );
}

#[test]
fn missing_and_failed_layouts_are_regressions_new_ones_are_mentioned() {
    let baseline = two();
    let mut current = results(vec![layout("soa", 35.0), layout("newcomer", 10.0)]);
    current.layouts[0].memory = None;
    current.layouts[0].errors.push(Failure::new(
        FailureKind::Heap,
        "the child was killed by signal 9",
    ));
    let outcome = run(&baseline, &current, &[]);
    assert_eq!(
        lines(&outcome),
        [
            "soa: heap profile failed: the child was killed by signal 9",
            "boxed: missing from the current results",
        ]
    );
    assert_eq!(outcome.only_current, ["newcomer"]);
    // Figures gone without a failure to say why.
    current.layouts[0].errors.clear();
    assert_eq!(
        lines(&run(&baseline, &current, &[]))[0],
        "soa: heap figures missing from the current results"
    );
    // A failure the baseline had too is no regression.
    let mut both = two();
    both.layouts[1].memory = None;
    both.layouts[1]
        .errors
        .push(Failure::new(FailureKind::Capacity, "at most 2 sensors"));
    let outcome = run(&both, &both, &[]);
    assert!(outcome.regressions.is_empty());
    assert!(
        outcome
            .summary("b")
            .ends_with("; heap figures of boxed not compared: measured in neither file"),
        "{}",
        outcome.summary("b")
    );
    let r = two();
    let mut plus = two();
    plus.layouts.push(layout("newcomer", 1.0));
    assert!(run(&r, &plus, &[])
        .summary("b")
        .ends_with("; only in the current results: newcomer"));
}

#[test]
fn costs_are_judged_per_span_per_record() {
    let baseline = two();
    let mut current = two();
    let mut c = costs(100);
    // filter: 200 → 210 instructions per record (+5 %).
    c.stages = c.stages.map(|name, s| {
        if name == "filter" {
            let mut events = s.events;
            events.ir += 10 * RECORDS;
            StageCosts::new(events, RECORDS)
        } else {
            *s
        }
    });
    current.layouts[0].costs = Some(c);
    let outcome = run(&baseline, &current, &[]);
    let lines = lines(&outcome);
    assert_eq!(
        lines,
        [
            "soa: instructions.filter 200 -> 210 (+5.0 %, limit +2 %)",
            "soa: est_cycles.filter 307 -> 317 (+3.3 %, limit +2 %)",
        ]
    );
    assert!(
        run(&baseline, &current, &["instructions=6%", "est_cycles=4%"])
            .regressions
            .is_empty()
    );
    let only_filter = run(&baseline, &current, &["instructions.filter=6%"]);
    assert_eq!(only_filter.regressions.len(), 1, "est_cycles keeps its 2 %");
    assert!(matches!(
        compare(&baseline, &current, &limits(&["instructions.filtre=6%"])),
        Err(GateError::UnknownSpan { .. })
    ));
}

#[test]
fn costs_measured_differently_cannot_be_compared() {
    let baseline = two();
    let mut current = two();
    let mut c = costs(100);
    c.records = 2 * RECORDS;
    current.layouts[1].costs = Some(c);
    let e = compare(&baseline, &current, &Limits::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the costs of `boxed` were measured on 1000 records in the baseline and 2000 in the \
         current results; costs compare only when measured on the same records with the \
         same simulated caches"
    );
    let mut c = costs(100);
    c.caches = SimulatedCaches::TYPICAL.scaled_for(1, 8);
    current.layouts[1].costs = Some(c);
    let e = compare(&baseline, &current, &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("other simulated caches"), "{e}");
}

#[test]
fn costs_missing_from_one_file_are_mentioned_not_failed() {
    let baseline = two();
    let mut current = two();
    for l in &mut current.layouts {
        l.costs = None;
    }
    let outcome = run(&baseline, &current, &[]);
    assert!(outcome.regressions.is_empty());
    assert_eq!(
        outcome.summary("b"),
        "check: 2 layouts, 3 figures within limits against b (0 improved); costs not \
         compared: missing from the current results"
    );
}

#[test]
fn different_workloads_cannot_be_compared() {
    let baseline = two();
    let mut current = two();
    current.workload.records += 1;
    let e = compare(&baseline, &current, &Limits::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the baseline and the current results measured different workloads (records 1000 \
         against 1001); the gate compares runs of one workload"
    );
}

#[test]
fn an_empty_baseline_cannot_pass_anything() {
    let empty = results(Vec::new());
    let e = compare(&empty, &two(), &Limits::default()).unwrap_err();
    assert_eq!(e, GateError::EmptyBaseline);
    assert!(e.to_string().contains("holds no layout"), "{e}");
}

#[test]
fn workload_differences_read_as_values_not_debug_text() {
    let baseline = two();
    let differs = |change: &dyn Fn(&mut Results)| {
        let mut current = two();
        change(&mut current);
        compare(&baseline, &current, &Limits::default())
            .unwrap_err()
            .to_string()
    };
    let seed = differs(&|r| r.workload.seed = Some(7));
    assert!(seed.contains("(seed 42 against 7)"), "{seed}");
    let file = differs(&|r| r.workload.seed = None);
    assert!(file.contains("(seed 42 against none)"), "{file}");
    let window = differs(&|r| r.workload.window = None);
    assert!(window.contains("(window 16 against none)"), "{window}");
    let source = differs(&|r| r.workload.source = "in\nput.csv".into());
    assert!(
        source.contains("(source generated against in\\nput.csv)"),
        "{source}"
    );
    assert_eq!(source.lines().count(), 1, "{source}");
}

#[test]
fn time_is_gated_only_when_asked_and_on_intervals() {
    let baseline = two();
    let mut slower = two();
    slower.layouts[0].timing = Some(timing(&[20, 21, 22, 20, 21]));
    assert!(run(&baseline, &slower, &[]).regressions.is_empty());
    assert!(!run(&baseline, &slower, &[])
        .figures
        .contains("time.pipeline"));

    let outcome = run(&baseline, &slower, &["time.pipeline=10%"]);
    // Baseline 40–48 ns (4 stages × 10–12), current 80–88: +66.7 % interval to interval.
    assert_eq!(
        lines(&outcome),
        [
            "soa: time.pipeline 44.0 -> 84.0 ns/record (+66.7 % between intervals [40.0, \
          48.0] and [80.0, 88.0], limit +10 %)"
        ]
    );
    // Every stage under `time=`.
    assert_eq!(run(&baseline, &slower, &["time=10%"]).regressions.len(), 6);
    // Overlapping intervals are not a regression, whatever the medians say.
    let mut noisy = two();
    noisy.layouts[0].timing = Some(timing(&[11, 12, 13, 11, 12]));
    assert!(run(&baseline, &noisy, &["time=0%"]).regressions.is_empty());
    // The same file never fails on time.
    assert!(run(&baseline, &baseline, &["time=0%"])
        .regressions
        .is_empty());
}

#[test]
fn time_on_one_round_cannot_be_judged() {
    let mut one = two();
    for l in &mut one.layouts {
        l.timing = Some(timing(&[10]));
    }
    let outcome = run(&one, &two(), &["time=10%"]);
    assert!(outcome.regressions.is_empty());
    assert!(outcome.summary("b").ends_with(
        "; time cannot be judged: fewer than 2 rounds in the baseline, so no interval to \
         judge on"
    ));
}
