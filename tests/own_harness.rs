//! The own-record harness from outside, as `cargo bench` runs a user's bench file: this file
//! is such a bench file (`harness = false`). Run by `cargo test`, it starts itself again with
//! `--bench` (and, through the harness, again as each layout's heap-profiling child) and
//! checks what that run printed, wrote and exited with.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use layoutlab::{Harness, Record, Scalar, Store, Workload};
use serde_json::Value;

layoutlab::global_allocator!();

/// A log event: interned level and service, a free-text message, a rarely read host.
#[derive(Record, Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Event {
    pub level: Level,
    #[record(intern = u8)]
    pub service: String,
    pub latency_us: u32,
    pub ok: bool,
    pub message: String,
    #[record(cold)]
    pub host: String,
}

#[derive(Scalar, Clone, Copy, Debug, PartialEq, serde::Deserialize)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// Mean latency of the failed events.
struct FailedLatency;

impl Workload<Event> for FailedLatency {
    type Output = f64;
    fn run<S: Store<Event>>(&self, events: &mut S) -> f64 {
        let (mut sum, mut n) = (0.0, 0u32);
        for i in 0..events.len() {
            if !events.ok(i) {
                sum += f64::from(events.latency_us(i));
                n += 1;
            }
        }
        sum / f64::from(n.max(1))
    }
}

/// Keeps the errors and doubles their latency.
struct KeepErrors;

impl Workload<Event> for KeepErrors {
    type Output = (usize, u64);
    fn run<S: Store<Event>>(&self, events: &mut S) -> (usize, u64) {
        events.retain(|e| e.level() == Level::Error);
        for i in 0..events.len() {
            let l = events.latency_us(i);
            events.set_latency_us(i, l * 2);
        }
        let total = (0..events.len())
            .map(|i| u64::from(events.latency_us(i)))
            .sum();
        (events.len(), total)
    }
}

/// A workload whose output depends on the layout: the harness must report it, not average
/// it away.
struct LayoutDependent;

impl Workload<Event> for LayoutDependent {
    type Output = usize;
    fn run<S: Store<Event>>(&self, _: &mut S) -> usize {
        S::NAME.len()
    }
}

/// Gives every event a service of its own: more distinct values than the `u8` ids of the
/// compact layouts hold, written by a setter in the middle of a timed run.
struct RenameServices;

impl Workload<Event> for RenameServices {
    type Output = usize;
    fn run<S: Store<Event>>(&self, events: &mut S) -> usize {
        for i in 0..events.len() {
            events.set_service(i, &format!("service-{i}"));
        }
        events.len()
    }
}

fn event(i: u64) -> Event {
    let h = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
    Event {
        level: [Level::Info, Level::Warn, Level::Error][(h % 3) as usize],
        service: format!("svc{}", h % 12),
        latency_us: (h % 10_000) as u32,
        ok: h % 7 != 0,
        message: format!("request {i} took {} µs", h % 10_000),
        host: format!("host{}.example", h % 3),
    }
}

/// The bench side: what a user's `main` does.
fn bench() {
    let harness = Harness::<Event>::new("events")
        .records(50_000)
        .workload("failed_latency", FailedLatency)
        .workload("keep_errors", KeepErrors);
    let harness = match std::env::var_os("EVENTS_CSV") {
        Some(csv) => harness.csv(csv),
        None => harness.generate(event),
    };
    let harness = if std::env::var_os("EVENTS_BAD_WORKLOAD").is_some() {
        harness.workload("layout_dependent", LayoutDependent)
    } else {
        harness
    };
    let harness = if std::env::var_os("EVENTS_RENAME").is_some() {
        harness.workload("rename_services", RenameServices)
    } else {
        harness
    };
    harness.run();
}

fn main() {
    let as_bench = std::env::args().any(|a| a == "--bench")
        || std::env::var_os("LAYOUTLAB_OWN_CHILD").is_some()
        || std::env::var_os("EVENTS_AS_BENCH").is_some();
    if as_bench {
        return bench();
    }
    let tests: [(&str, fn()); 8] = [
        (
            "a_bench_run_measures_every_layout_and_writes_the_report",
            a_bench_run_measures_every_layout_and_writes_the_report,
        ),
        (
            "a_layout_dependent_output_is_reported_and_exits_1",
            a_layout_dependent_output_is_reported_and_exits_1,
        ),
        (
            "csv_records_read_through_serde_and_bad_rows_name_line_and_field",
            csv_records_read_through_serde_and_bad_rows_name_line_and_field,
        ),
        (
            "cargo_test_runs_a_quick_agreement_check",
            cargo_test_runs_a_quick_agreement_check,
        ),
        (
            "a_no_memory_run_says_the_heap_was_not_profiled",
            a_no_memory_run_says_the_heap_was_not_profiled,
        ),
        (
            "criterion_estimates_are_marked_in_the_summary",
            criterion_estimates_are_marked_in_the_summary,
        ),
        (
            "a_setter_out_of_ids_fails_its_layout_not_the_bench",
            a_setter_out_of_ids_fails_its_layout_not_the_bench,
        ),
        (
            "zero_records_is_a_usage_error",
            zero_records_is_a_usage_error,
        ),
    ];
    for (name, test) in tests {
        test();
        println!("test {name} ... ok");
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layoutlab-own-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn itself(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// This file run as `cargo bench` runs it, with `flags`, writing its report into `out`.
fn bench_into(out: &Path, flags: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut args = vec!["--bench"];
    args.extend_from_slice(flags);
    args.extend(["--out", out.to_str().unwrap()]);
    itself(&args, env)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn a_bench_run_measures_every_layout_and_writes_the_report() {
    let out = temp_dir("report");
    let run = bench_into(&out, &["--records", "3000", "--rounds", "3"], &[]);
    assert!(
        run.status.success(),
        "{}\n{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    let doc: Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let layouts = doc["layouts"].as_array().unwrap();
    let names: Vec<&str> = layouts
        .iter()
        .map(|l| l["layout"].as_str().unwrap())
        .collect();
    // Every generated layout, and the proposal measured beside them.
    assert_eq!(
        names,
        ["aos", "boxed", "soa", "packed", "heap_map", "arena", "hot_cold", "aosoa", "proposed"]
    );
    let proposal = &doc["proposal"];
    assert!(proposal["groups"].is_array(), "{proposal}");
    assert!(proposal["attributes"].is_string(), "{proposal}");
    assert!(proposal["workloads"].is_object(), "{proposal}");
    let total = &proposal["total_vs_best_fixed"];
    assert!(
        total["layout"].is_string() && total["high"].as_f64().unwrap() <= 1.02,
        "{proposal}"
    );
    for l in layouts {
        let t = &l["timing"];
        assert_eq!(t["runs"].as_array().unwrap().len(), 3, "{}", l["layout"]);
        for phase in ["ingest", "failed_latency", "keep_errors"] {
            assert!(t["best"][phase].is_u64(), "{} {phase}", l["layout"]);
        }
        // `failed_latency` only reads: timed warm too, one median per round. `keep_errors`
        // retains and writes: a first pass only.
        let warm = t["warm"].as_array().unwrap();
        assert_eq!(warm.len(), 3, "{}", l["layout"]);
        for round in warm {
            assert!(round["failed_latency"].as_u64().unwrap() > 0, "{round}");
            assert!(round.get("keep_errors").is_none(), "{round}");
            assert!(round.get("ingest").is_none(), "{round}");
        }
        // Outputs identical across layouts.
        assert_eq!(t["outputs"], layouts[0]["timing"]["outputs"]);
        // Heap from dhat in a child: every phase.
        let m = &l["memory"];
        assert!(
            m["phases"]["ingest"]["peak_bytes"].as_u64().unwrap() > 0,
            "{}",
            l["layout"]
        );
        assert!(m["phases"]["keep_errors"].is_object());
    }
    let record = &doc["record"];
    assert_eq!(record["name"], "Event");
    // `host` is read by no workload; `latency_us` by both; `keep_errors` writes it.
    let host = 5;
    let access = record["access"].as_array().unwrap();
    assert!(access
        .iter()
        .all(|a| a["fields"][host] == serde_json::json!([0, 0])));
    assert!(access[1]["fields"][2][1].as_u64().unwrap() > 0);
    // `service`: 12 distinct values; `message`: one per record.
    let strings = record["strings"].as_array().unwrap();
    assert_eq!(strings[0]["field"], "service");
    assert_eq!(strings[0]["distinct"], 12);
    assert_eq!(strings[1]["distinct"], 3000);
    // bencher.json names the record's own stages, first pass and warm.
    let bmf: Value =
        serde_json::from_slice(&std::fs::read(out.join("bencher.json")).unwrap()).unwrap();
    for key in [
        "ingest/aos/3000",
        "failed_latency/soa/3000",
        "keep_errors/packed/3000",
        "failed_latency-warm/aos/3000",
    ] {
        assert!(
            bmf[key]["latency"]["value"].as_f64().unwrap() > 0.0,
            "{key}: {bmf}"
        );
    }
    assert!(bmf.get("keep_errors-warm/aos/3000").is_none(), "{bmf}");
    assert!(bmf.get("filter/aos/3000").is_none(), "{bmf}");
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    for needle in [
        "# layoutlab report: `Event`",
        "`failed_latency` warm vs fastest",
        "First pass only (changes its store, or was not timed warm): `keep_errors`.",
        "### Workload `failed_latency`",
        "## Which fields the workloads touch",
        // `host` is `#[record(cold)]` already, `service` interned as its data asks: the
        // advice names only what the user has not done.
        "no workload touches `service` and `message` (nor `host`, already `#[record(cold)]`): \
         48 of the 80 bytes of an `Event`",
        "`service`: **keep intern = u8 (as declared)**",
        "`message`: **",
        "## Heap",
        // The bench target by name: a bare `cargo bench -- --quick` also reaches a library's
        // libtest harness, which rejects `--quick`.
        "`cargo bench --bench own_harness -- --quick` runs 3 rounds",
        "heap figures come from dhat in a separate process per layout",
    ] {
        assert!(md.contains(needle), "REPORT.md lacks {needle:?}:\n{md}");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.matches("<svg").count() >= 2);
    let stdout = text(&run.stdout);
    assert!(stdout.contains("report: "), "{stdout}");
}

fn a_layout_dependent_output_is_reported_and_exits_1() {
    let out = temp_dir("mismatch");
    let run = bench_into(
        &out,
        &["--records", "500", "--rounds", "1", "--no-memory"],
        &[("EVENTS_BAD_WORKLOAD", Path::new("1"))],
    );
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("workload `layout_dependent`"), "{stderr}");
    assert!(stderr.contains("boxed: different output"), "{stderr}");
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(md.contains("## Failures"));
}

fn csv_records_read_through_serde_and_bad_rows_name_line_and_field() {
    let dir = temp_dir("csv");
    let header = "level,service,latency_us,ok,message,host\n";
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!("{header}Info,api,120,true,fine,h1\r\n\r\nError,db,900,false,\"slow, very\",h2\n"),
    )
    .unwrap();
    let run = bench_into(
        &dir.join("r"),
        &["--rounds", "1", "--no-memory"],
        &[("EVENTS_CSV", &good)],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.join("r/results.json")).unwrap()).unwrap();
    assert_eq!(doc["workload"]["records"], 2);
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}Info,api,120,true,fine,h1\r\n\r\nError,db,slow,false,x,h2\n"),
    )
    .unwrap();
    let run = itself(
        &["--bench", "--rounds", "1", "--no-memory"],
        &[("EVENTS_CSV", &bad)],
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.csv: line 4: field `latency_us`: expected u32"),
        "{err}"
    );
    // The file is at fault, not the layout that read it first.
    assert!(!err.contains("layout "), "{err}");
    // A header and no rows: nothing to measure, so an error, not a report of zero records.
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, header).unwrap();
    let run = bench_into(
        &dir.join("e"),
        &["--rounds", "1", "--no-memory"],
        &[("EVENTS_CSV", &empty)],
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    assert!(
        err.contains("empty.csv: line 2: no records after the header"),
        "{err}"
    );
    assert!(!dir.join("e/REPORT.md").exists());
}

fn cargo_test_runs_a_quick_agreement_check() {
    // What `cargo test --benches` does to a bench file: no `--bench`, so a quick check.
    let run = itself(&[], &[("EVENTS_AS_BENCH", Path::new("1"))]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.contains("test run (no --bench)"), "{stdout}");
    assert!(
        stdout.contains("outputs: the same on all 8 timed layouts"),
        "{stdout}"
    );
    // One round of a debug build: no table of times, no "fastest" verdict.
    for claim in ["ns per record", "fastest", "ingest"] {
        assert!(
            !stdout.contains(claim),
            "{claim:?} in a test run:\n{stdout}"
        );
    }
}

/// `--no-memory` measures no heap, so neither the terminal nor the report may say where heap
/// figures came from.
fn a_no_memory_run_says_the_heap_was_not_profiled() {
    let out = temp_dir("no-memory");
    let run = bench_into(
        &out,
        &["--records", "2000", "--rounds", "3", "--no-memory"],
        &[],
    );
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", text(&run.stderr));
    assert!(
        stdout.contains("heap: not profiled in this run"),
        "{stdout}"
    );
    assert!(!stdout.contains("from dhat"), "{stdout}");
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(md.contains("the heap was not profiled in this run"), "{md}");
    assert!(
        md.contains("the run skipped heap profiling (`--no-memory`)"),
        "{md}"
    );
    for claim in [
        "heap figures come from dhat",
        "Heap figures are those of building",
    ] {
        assert!(!md.contains(claim), "REPORT.md claims {claim:?}:\n{md}");
    }
    // No criterion run, no ᶜ, and no note about one.
    assert!(!md.contains('ᶜ'), "{md}");
}

/// `Harness::criterion`'s `workload/layout/records` estimates, where they exist under the
/// target directory, stand in for the rounds' medians in the summary, marked ᶜ.
fn criterion_estimates_are_marked_in_the_summary() {
    let out = temp_dir("criterion");
    let target = temp_dir("criterion-target");
    let new = target.join("criterion/failed_latency/aos/2000/new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("benchmark.json"),
        r#"{"full_id":"failed_latency/aos/2000"}"#,
    )
    .unwrap();
    // 7 ns per record over 2000 records, interval 6–8.
    std::fs::write(
        new.join("estimates.json"),
        r#"{"mean":{"point_estimate":14000.0,"confidence_interval":{"confidence_level":0.95,"lower_bound":12000.0,"upper_bound":16000.0}}}"#,
    )
    .unwrap();
    let run = bench_into(
        &out,
        &["--records", "2000", "--rounds", "3", "--no-memory"],
        &[("CARGO_TARGET_DIR", &target)],
    );
    assert!(
        run.status.success(),
        "{}\n{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    let aos = md
        .lines()
        .find(|l| l.starts_with("| `aos` |"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(aos.contains("7.00 (6.00–8.00)ᶜ"), "{aos}");
    assert!(md.contains("Times marked ᶜ are criterion's mean"), "{md}");
    let _ = std::fs::remove_dir_all(&target);
}

/// A workload's setter that runs an interned field out of ids (in `soa`, `packed`, `aosoa`)
/// fails those layouts, named with the field, as a `push` out of ids does; the other layouts
/// are measured and the bench does not panic.
fn a_setter_out_of_ids_fails_its_layout_not_the_bench() {
    let out = temp_dir("rename");
    let run = bench_into(
        &out,
        &["--records", "1000", "--rounds", "3"],
        &[("EVENTS_RENAME", Path::new("1"))],
    );
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for layout in ["soa", "packed", "aosoa"] {
        assert!(
            stderr.contains(&format!(
                "{layout}: timed run: layout `{layout}`: field `Event.service` holds at most 256"
            )),
            "{stderr}"
        );
    }
    assert!(
        stdout.contains("outputs: the same on all 5 timed layouts"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(md.contains("## Failures"), "{md}");
}

/// `--records 0` would measure empty stores and write a report of them: a usage error.
fn zero_records_is_a_usage_error() {
    let out = temp_dir("zero");
    let run = bench_into(&out, &["--records", "0"], &[]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    assert!(err.contains("no records to measure"), "{err}");
    assert!(!out.join("REPORT.md").exists());
}
