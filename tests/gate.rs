//! `layoutlab check` from outside, on the results of one real (small) `compare`: the same
//! file passes, a doctored baseline fails with the exact line, and files that cannot be
//! compared or limits that cannot be used exit 2 with one line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use layoutlab::model::costs::{Costs, Events, SimulatedCaches, StageCosts};
use layoutlab::model::PerStage;
use serde_json::Value;

fn layoutlab(args: &[&str]) -> Output {
    layoutlab_in(Path::new("."), args)
}

fn layoutlab_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layoutlab"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("layoutlab runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The directory of this test process's files.
fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("layoutlab-gate-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

/// The results.json of one small `compare` (3 rounds, no Python, no costs), made once.
fn measured() -> &'static Path {
    static RESULTS: OnceLock<PathBuf> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let out_dir = dir().join("reports");
        let out = layoutlab(&[
            "compare",
            "--records",
            "3000",
            "--repeat",
            "3",
            "--python-records",
            "0",
            "--no-costs",
            "--criterion",
            "/nonexistent",
            "--out",
            out_dir.to_str().unwrap(),
            "--profiles",
            dir().join("dhat").to_str().unwrap(),
        ]);
        assert!(out.status.success(), "compare: {}", stderr(&out));
        out_dir.join("results.json")
    })
}

fn load() -> Value {
    serde_json::from_str(&std::fs::read_to_string(measured()).unwrap()).unwrap()
}

/// Writes `json` to a file of its own in the test directory.
fn save(name: &str, json: &Value) -> String {
    let path = dir().join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(json).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn layout<'a>(json: &'a mut Value, name: &str) -> &'a mut Value {
    json["layouts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|l| l["layout"] == name)
        .unwrap_or_else(|| panic!("no layout {name}"))
}

fn check(baseline: &str, current: &str, limits: &[&str]) -> Output {
    let mut args = vec!["check", "--baseline", baseline, "--current", current];
    for limit in limits {
        args.extend(["--limit", limit]);
    }
    layoutlab(&args)
}

/// Exit status 2 with one line on stderr and nothing on stdout; the line.
fn usage_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(out.stdout.is_empty(), "{}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("layoutlab: "), "{err}");
    err
}

/// A baseline with `soa`'s bytes per record 5 % lower than measured.
fn leaner_soa() -> (String, f64) {
    let mut json = load();
    let memory = &mut layout(&mut json, "soa")["memory"];
    let measured = memory["bytes_per_record"].as_f64().unwrap();
    memory["bytes_per_record"] = Value::from(measured * 0.95);
    (save("leaner-soa.json", &json), measured)
}

#[test]
fn the_same_results_pass_with_one_line() {
    let current = measured().to_str().unwrap();
    let out = check(current, current, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    let expected =
        format!("check: 12 layouts, 3 figures within limits against {current} (0 improved)");
    assert!(text.starts_with(&expected), "{text}");
    assert!(
        text.contains("costs not compared: measured in neither file"),
        "{text}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn the_current_results_default_to_reports() {
    let baseline = measured().to_str().unwrap();
    let out = layoutlab_in(dir(), &["check", "--baseline", baseline]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = layoutlab_in(&dir().join("dhat"), &["check", "--baseline", baseline]);
    assert!(
        usage_error(&out).contains("--current: reports/results.json: cannot read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_leaner_baseline_fails_with_the_exact_line() {
    let (baseline, soa) = leaner_soa();
    let out = check(&baseline, measured().to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    // +5.26 %: 1 / 0.95 − 1.
    let numbers = lines[0]
        .strip_prefix("soa: bytes_per_record ")
        .and_then(|rest| rest.strip_suffix(" (+5.3 %, limit +1 %)"))
        .unwrap_or_else(|| panic!("{}", lines[0]));
    let (old, new) = numbers.split_once(" -> ").unwrap();
    let (old, new): (f64, f64) = (old.parse().unwrap(), new.parse().unwrap());
    // Three significant digits at least.
    assert!((old - soa * 0.95).abs() <= soa * 0.005, "{old}");
    assert!((new - soa).abs() <= soa * 0.005, "{new}");
    assert!(old < new);
    let err = stderr(&out);
    assert_eq!(
        err,
        format!("layoutlab: error: 1 regression in 1 layout against {baseline}\n")
    );
}

#[test]
fn a_wider_limit_lets_the_change_pass() {
    let (baseline, _) = leaner_soa();
    let current = measured().to_str().unwrap();
    for limit in ["bytes_per_record=10%", "bytes_per_record=+5"] {
        let out = check(&baseline, current, &[limit]);
        assert!(out.status.success(), "{limit}: {}", stdout(&out));
        assert_eq!(stdout(&out).lines().count(), 1);
    }
}

#[test]
fn another_workload_exits_2() {
    let mut json = load();
    json["workload"]["records"] = Value::from(4000);
    let baseline = save("other-records.json", &json);
    let err = usage_error(&check(&baseline, measured().to_str().unwrap(), &[]));
    assert!(
        err.contains("different workloads (records 4000 against 3000)"),
        "{err}"
    );
}

#[test]
fn unreadable_files_exit_2_naming_them() {
    let current = measured().to_str().unwrap();
    let missing = dir().join("no-such.json");
    let missing = missing.to_str().unwrap();
    let err = usage_error(&check(missing, current, &[]));
    assert!(
        err.contains(&format!("--baseline: {missing}: cannot read")),
        "{err}"
    );
    let garbage = dir().join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let garbage = garbage.to_str().unwrap();
    let err = usage_error(&check(current, garbage, &[]));
    assert!(
        err.contains(&format!(
            "--current: {garbage}: not a layoutlab results file"
        )),
        "{err}"
    );
}

#[test]
fn bad_limits_exit_2_naming_the_limit() {
    let current = measured().to_str().unwrap();
    for (limit, why) in [
        ("bogus=1%", "unknown figure \"bogus\""),
        ("bytes_per_record=abc", "\"abc\" is not a limit"),
        ("allocations=-1%", "negative"),
        ("bytes_per_record.filter=1%", "whole-run figure"),
    ] {
        let err = usage_error(&check(current, current, &[limit]));
        assert!(err.contains(&format!("'{limit}' for '--limit")), "{err}");
        assert!(err.contains(why), "{limit}: {err}");
    }
    let err = usage_error(&check(current, current, &["time.filtre=5%"]));
    assert!(
        err.contains("--limit time.filtre=5%: no span `filtre`"),
        "{err}"
    );
}

/// Costs of 100 × (k + 1) instructions and 50 data reads per record in stage `k`, and
/// `filter_extra` more instructions in filter, over the 3000 records measured.
fn costs(filter_extra: u64) -> Costs {
    let records = 3000;
    let span = |ir_per_record: u64| {
        let events = Events {
            ir: ir_per_record * records,
            dr: 50 * records,
            d1mr: records,
            dlmr: records / 10,
            ..Events::default()
        };
        StageCosts::new(events, records)
    };
    let stages = PerStage::from_stages(|stage| {
        let extra = if stage.name() == "filter" {
            filter_extra
        } else {
            0
        };
        span(100 * (stage as u64 + 1) + extra)
    });
    let whole = stages.values().map(|s| s.events).sum();
    Costs {
        stages,
        between_stages: span(0),
        drop: span(0),
        whole_run: StageCosts::new(whole, records),
        caches: SimulatedCaches::TYPICAL,
        records,
    }
}

/// The measured results with `costs` for every layout, and `soa_costs` for `soa`.
fn with_costs(name: &str, costs_all: &Costs, soa_costs: &Costs) -> String {
    let mut json = load();
    for l in json["layouts"].as_array_mut().unwrap() {
        let c = if l["layout"] == "soa" {
            soa_costs
        } else {
            costs_all
        };
        l["costs"] = serde_json::to_value(c).unwrap();
    }
    save(name, &json)
}

#[test]
fn a_costs_regression_is_caught() {
    let base = costs(0);
    let baseline = with_costs("costs-base.json", &base, &base);
    let current = with_costs("costs-more.json", &base, &costs(10));
    let out = check(&baseline, &current, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "soa: instructions.filter 200 -> 210 (+5.0 %, limit +2 %)\n\
         soa: est_cycles.filter 257 -> 267 (+3.9 %, limit +2 %)\n"
    );
    // The same against itself: 3 heap figures, 2 cost figures × 6 spans.
    let out = check(&baseline, &baseline, &[]);
    assert!(
        stdout(&out).starts_with("check: 12 layouts, 15 figures within limits"),
        "{}",
        stdout(&out)
    );
    // A limit for one span.
    let out = check(
        &baseline,
        &current,
        &["instructions.filter=6%", "est_cycles=4%"],
    );
    assert!(out.status.success(), "{}", stdout(&out));
    // Costs on other records are not comparable.
    let mut other = costs(0);
    other.records = 1000;
    let current = with_costs("costs-other.json", &other, &other);
    let err = usage_error(&check(&baseline, &current, &[]));
    assert!(
        err.contains("measured on 3000 records in the baseline and 1000"),
        "{err}"
    );
}

#[test]
fn time_never_fails_the_same_file() {
    let current = measured().to_str().unwrap();
    for limit in ["time=10%", "time=0%", "time=+0"] {
        let out = check(current, current, &[limit]);
        assert!(out.status.success(), "{limit}: {}", stdout(&out));
        // 3 heap figures, time in 5 stages and the pipeline.
        assert!(
            stdout(&out).starts_with("check: 12 layouts, 9 figures within limits"),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn missing_or_failed_layouts_fail_new_ones_are_mentioned() {
    let baseline = measured().to_str().unwrap();
    let mut json = load();
    json["layouts"]
        .as_array_mut()
        .unwrap()
        .retain(|l| l["layout"] != "heap_map");
    let boxed = layout(&mut json, "boxed");
    boxed["memory"] = Value::Null;
    boxed["errors"] = serde_json::json!(["heap profile: the child was killed by signal 9"]);
    let current = save("broken.json", &json);
    let out = check(baseline, &current, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "heap_map: missing from the current results\n\
         boxed: heap profile failed: the child was killed by signal 9\n"
    );

    let mut json = load();
    let mut newcomer = layout(&mut json, "soa").clone();
    newcomer["layout"] = Value::from("newcomer");
    json["layouts"].as_array_mut().unwrap().push(newcomer);
    let current = save("newcomer.json", &json);
    let out = check(baseline, &current, &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with("; only in the current results: newcomer\n"),
        "{}",
        stdout(&out)
    );
}
