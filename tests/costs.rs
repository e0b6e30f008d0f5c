//! Deterministic costs (SPEC §7) end to end: the `profile-costs` child under callgrind, its
//! dumps read back into per-stage figures, and `run --costs` showing them (JSON and table). Needs valgrind; without it each test says so on
//! stdout and checks only what it can (never passing as if it had measured).

use std::num::NonZeroUsize;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use layoutlab::measure::costs::{
    measure_layout, valgrind_version, CostError, CostPlan, Costs, Events, MeasuredCosts,
    SimulatedCaches, StageCosts,
};
use layoutlab::pipeline::Stage;
use layoutlab::source::{GeneratorConfig, SourceSpec};

/// Enough records that `boxed`'s store (about 1 MB) outgrows the simulated 32 KiB D1 many
/// times over; few enough that a debug build under callgrind takes a second or two.
const RECORDS: u64 = 10_000;

fn source(records: u64) -> SourceSpec {
    SourceSpec::Generated(GeneratorConfig {
        records,
        sensors: 64,
        seed: 42,
    })
}

fn plan(source: &SourceSpec) -> CostPlan<'_> {
    CostPlan {
        source,
        window: NonZeroUsize::new(16).unwrap(),
        caches: Some(SimulatedCaches::TYPICAL),
        program: Some(Path::new(env!("CARGO_BIN_EXE_layoutlab"))),
    }
}

/// Whether valgrind is here; if not, says which test could not measure.
fn have_valgrind(test: &str) -> bool {
    match valgrind_version() {
        Ok(_) => true,
        Err(e) => {
            println!("SKIPPED {test}: {e}");
            false
        }
    }
}

fn measure(layout: &str, records: u64) -> MeasuredCosts {
    let source = source(records);
    measure_layout(layout, &plan(&source)).unwrap_or_else(|e| panic!("{layout}: {e}"))
}

/// One measurement of `soa` or `boxed` at [`RECORDS`], shared by the tests that read it
/// (a debug build under callgrind takes seconds).
fn measured(layout: &str) -> &'static MeasuredCosts {
    static SOA: OnceLock<MeasuredCosts> = OnceLock::new();
    static BOXED: OnceLock<MeasuredCosts> = OnceLock::new();
    let cell = match layout {
        "soa" => &SOA,
        "boxed" => &BOXED,
        _ => unreachable!("only soa and boxed are shared"),
    };
    cell.get_or_init(|| measure(layout, RECORDS))
}

/// Every span of the run but the whole: the stages, the gaps between them, the drop.
fn spans(costs: &Costs) -> Vec<(&str, &StageCosts)> {
    let mut spans: Vec<_> = costs.stages.iter().collect();
    spans.push(("between_stages", &costs.between_stages));
    spans.push(("drop", &costs.drop));
    spans
}

#[test]
fn the_same_command_twice_gives_identical_counts() {
    if !have_valgrind("the_same_command_twice_gives_identical_counts") {
        return;
    }
    // soa indexes columns; heap_map hashes every field name of every record (fewer
    // records: it is slow under callgrind in a debug build). Every layout repeats exactly
    // in a release build at 100 000 records too (see `layoutlab::measure::costs`).
    for (layout, records) in [("soa", RECORDS), ("heap_map", 2_000)] {
        let first = if records == RECORDS {
            measured(layout).clone()
        } else {
            measure(layout, records)
        };
        let second = measure(layout, records);
        assert_eq!(first, second, "{layout}: two runs counted differently");
        assert_eq!(first.run.records, records);
        assert_eq!(first.costs.caches, SimulatedCaches::TYPICAL);
    }
}

#[test]
fn columns_miss_the_first_level_less_than_boxes_when_aggregating() {
    if !have_valgrind("columns_miss_the_first_level_less_than_boxes_when_aggregating") {
        return;
    }
    let soa = measured("soa").costs.stages[Stage::Aggregate].per_record;
    let boxed = measured("boxed").costs.stages[Stage::Aggregate].per_record;
    println!("aggregate D1 misses per record: soa {soa:?}, boxed {boxed:?}");
    assert!(
        soa.d1_misses < boxed.d1_misses,
        "soa {} vs boxed {} D1 misses per record",
        soa.d1_misses,
        boxed.d1_misses
    );
}

#[test]
fn stages_add_up_to_the_whole_run_and_divide_by_records() {
    if !have_valgrind("stages_add_up_to_the_whole_run_and_divide_by_records") {
        return;
    }
    let soa = measured("soa");
    let (costs, records) = (&soa.costs, soa.run.records);
    let whole = costs.whole_run;
    let sum: Events = spans(costs).iter().map(|(_, s)| s.events).sum();
    assert_eq!(sum, whole.events, "the whole run is the sum of every dump");
    for stage in Stage::ALL {
        let s = &costs.stages[stage];
        assert!(s.events.ir > 0, "{stage:?} counted nothing");
        let (t, w) = (s.total, whole.total);
        assert!(
            t.instructions <= w.instructions
                && t.d1_misses <= w.d1_misses
                && t.ll_misses <= w.ll_misses
                && t.est_cycles <= w.est_cycles,
            "{stage:?} {t:?} exceeds the whole run {w:?}"
        );
    }
    for (name, s) in spans(costs).into_iter().chain([("whole_run", &whole)]) {
        let per = |x: u64| x as f64 / records as f64;
        assert_eq!(s.total, s.events.counts(), "{name}");
        assert_eq!(
            s.per_record.instructions,
            per(s.total.instructions),
            "{name}"
        );
        assert_eq!(s.per_record.d1_misses, per(s.total.d1_misses), "{name}");
        assert_eq!(s.per_record.ll_misses, per(s.total.ll_misses), "{name}");
        assert_eq!(s.per_record.est_cycles, per(s.total.est_cycles), "{name}");
    }
    // The glue between stages is the stage marks themselves and a move of the store.
    assert!(costs.between_stages.total.instructions < 1_000);
}

#[test]
fn a_failing_child_shows_its_message() {
    if !have_valgrind("a_failing_child_shows_its_message") {
        return;
    }
    let source = SourceSpec::Csv {
        path: "/nonexistent/readings.csv".into(),
        skip_invalid: false,
        fingerprint: None,
    };
    match measure_layout("soa", &plan(&source)) {
        Err(CostError::Child(message)) => {
            assert!(message.contains("/nonexistent/readings.csv"), "{message}");
        }
        other => panic!("expected a failed child, got {other:?}"),
    }
}

#[test]
fn the_child_refuses_to_run_outside_valgrind() {
    let out = Command::new(env!("CARGO_BIN_EXE_layoutlab"))
        .args(["profile-costs", "--layout", "soa", "--records", "100"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("only under `valgrind --tool=callgrind`"),
        "{stderr}"
    );
}

/// `layoutlab run --costs` on 2 000 records of `soa` and `boxed`, one round, with `extra`
/// arguments; its stdout, after checking it succeeded.
fn run_costs(extra: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_layoutlab"))
        .args(["run", "--costs", "--records", "2000", "--repeat", "1"])
        .args(["--layout", "soa", "--layout", "boxed"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn run_costs_json_has_per_record_figures_for_every_stage() {
    if !have_valgrind("run_costs_json_has_per_record_figures_for_every_stage") {
        return;
    }
    let doc: serde_json::Value = serde_json::from_slice(&run_costs(&["--json"])).unwrap();
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        let costs = &r["costs"];
        for stage in Stage::ALL {
            let per_record = &costs[stage.name()]["per_record"];
            for figure in ["instructions", "d1_misses", "ll_misses", "est_cycles"] {
                assert!(
                    per_record[figure].is_f64(),
                    "{}: costs.{}.per_record.{figure} missing in {costs}",
                    r["layout"],
                    stage.name()
                );
            }
        }
        let filter = costs["filter"]["per_record"]["instructions"]
            .as_f64()
            .unwrap();
        assert!(filter > 0.0, "{}: filter executed nothing", r["layout"]);
        assert_eq!(costs["records"], 2000);
    }
}

#[test]
fn run_costs_prints_the_costs_table_after_the_times() {
    if !have_valgrind("run_costs_prints_the_costs_table_after_the_times") {
        return;
    }
    let stdout = String::from_utf8(run_costs(&[])).unwrap();
    let times = stdout.find("checksum").unwrap();
    let costs = stdout
        .find(
            "costs: callgrind, 2 000 records, simulated caches I1 32.0 KiB, D1 32.0 KiB, \
             LL 8.0 MiB;",
        )
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(costs > times, "{stdout}");
    let header = stdout[costs..].lines().nth(1).unwrap();
    assert!(
        header.starts_with("layout") && header.ends_with("instr  D1 miss  LL miss  cycles"),
        "{header}"
    );
    for layout in ["soa", "boxed"] {
        assert!(
            stdout[costs..].lines().any(|l| l.starts_with(layout)),
            "{layout}: {stdout}"
        );
    }
}
