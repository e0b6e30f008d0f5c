//! The command line, checked from outside as a user (or a script) would use it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn layoutlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layoutlab"))
        .args(args)
        .output()
        .expect("layoutlab runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn run_json(args: &[&str]) -> Value {
    let mut all = vec!["run", "--json"];
    all.extend_from_slice(args);
    let out = layoutlab(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layoutlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// The aggregates of every result, which must agree bit for bit.
fn assert_results_agree(doc: &Value) {
    let results = doc["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        for key in ["kept", "checksum", "sensors"] {
            assert_eq!(
                r[key], results[0][key],
                "{} vs {}: {key}",
                r["layout"], results[0]["layout"]
            );
        }
        for stage in ["ingest", "filter", "normalize", "rolling", "aggregate"] {
            assert!(r["timing_ns"][stage].is_u64(), "{stage}");
        }
    }
}

#[test]
fn list_prints_every_layout_with_a_tab() {
    let out = layoutlab(&["list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let names: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    // The registry drives `list`, so every registered layout appears, in registry order,
    // and a new layout is checked here without touching this test.
    let registered: Vec<&str> = layoutlab::layouts::LAYOUTS.iter().map(|l| l.name).collect();
    assert_eq!(names, registered, "{text}");
    for name in ["heap_map", "boxed", "packed", "soa", "arena"] {
        assert!(names.contains(&name), "{name} missing from {text}");
    }
    assert!(text.lines().all(|l| l.split('\t').count() == 2));
}

#[test]
fn generated_run_agrees_across_layouts_and_filters_some() {
    let doc = run_json(&["--records", "20000"]);
    assert_results_agree(&doc);
    let w = &doc["workload"];
    assert_eq!(w["source"], "generated");
    assert_eq!(w["records"], 20000);
    assert_eq!(w["sensors"], 64);
    assert_eq!(w["window"], 16);
    assert_eq!(w["seed"], 42);
    assert_eq!(w["skipped"], 0);
    let kept = doc["results"][0]["kept"].as_u64().unwrap();
    assert!(kept > 0 && kept < 20000, "kept {kept}");
    assert_eq!(
        doc["results"].as_array().unwrap().len(),
        layoutlab::layouts::LAYOUTS.len()
    );
}

#[test]
fn generated_csv_reads_back_to_the_same_results() {
    let out = layoutlab(&[
        "generate",
        "--records",
        "5000",
        "--sensors",
        "9",
        "--seed",
        "3",
    ]);
    assert!(out.status.success());
    let path = temp_file("roundtrip.csv", &out.stdout);
    let from_file = run_json(&["--input", path.to_str().unwrap()]);
    let generated = run_json(&["--records", "5000", "--sensors", "9", "--seed", "3"]);
    assert_results_agree(&from_file);
    assert_eq!(
        from_file["results"][0]["checksum"],
        generated["results"][0]["checksum"]
    );
    assert_eq!(
        from_file["results"][0]["sensors"],
        generated["results"][0]["sensors"]
    );
    assert_eq!(from_file["workload"]["source"], path.to_str().unwrap());
    assert_eq!(from_file["workload"]["seed"], Value::Null);
}

/// Per sensor: id, count, mean, min, max, mean_normalized, last_rolling_avg.
type ReferenceSensor = (String, u64, f64, f64, f64, f64, f64);

/// SPEC §3 written the obvious way: a Vec of rows, a window re-summed from scratch.
fn reference(path: &Path, window: usize) -> (u64, f64, Vec<ReferenceSensor>) {
    let text = std::fs::read_to_string(path).unwrap();
    let range = |u: &str| match u {
        "C" => (-40.0, 125.0),
        "%" => (0.0, 100.0),
        "hPa" => (300.0, 1100.0),
        "lux" => (0.0, 100000.0),
        "ppm" => (0.0, 5000.0),
        _ => unreachable!(),
    };
    let mut kept = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let v: f64 = f[2].parse().unwrap();
        let (lo, hi) = range(f[3]);
        if v.is_finite() && v >= lo && v <= hi {
            kept.push((f[0].to_owned(), v, (v - lo) / (hi - lo)));
        }
    }
    let mut history: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    let mut checksum = 0.0;
    let mut stats: std::collections::BTreeMap<String, (u64, f64, f64, f64, f64, f64)> =
        Default::default();
    for (id, v, n) in &kept {
        let h = history.entry(id.clone()).or_default();
        h.push(*v);
        let last = &h[h.len().saturating_sub(window)..];
        let rolling = last.iter().sum::<f64>() / last.len() as f64;
        checksum += n + rolling;
        let s =
            stats
                .entry(id.clone())
                .or_insert((0, 0.0, f64::INFINITY, f64::NEG_INFINITY, 0.0, 0.0));
        s.0 += 1;
        s.1 += v;
        s.2 = s.2.min(*v);
        s.3 = s.3.max(*v);
        s.4 += n;
        s.5 = rolling;
    }
    let sensors = stats
        .into_iter()
        .map(|(id, s)| (id, s.0, s.1 / s.0 as f64, s.2, s.3, s.4 / s.0 as f64, s.5))
        .collect();
    (kept.len() as u64, checksum, sensors)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) || (a - b).abs() < 1e-12
}

#[test]
fn aggregates_match_an_independent_implementation() {
    let out = layoutlab(&[
        "generate",
        "--records",
        "30000",
        "--sensors",
        "40",
        "--seed",
        "11",
    ]);
    let path = temp_file("reference.csv", &out.stdout);
    for window in [1usize, 5, 16] {
        let doc = run_json(&[
            "--input",
            path.to_str().unwrap(),
            "--window",
            &window.to_string(),
        ]);
        assert_results_agree(&doc);
        let (kept, checksum, sensors) = reference(&path, window);
        let r = &doc["results"][0];
        assert_eq!(r["kept"], kept);
        assert!(close(r["checksum"].as_f64().unwrap(), checksum));
        let got = r["sensors"].as_array().unwrap();
        assert_eq!(got.len(), sensors.len());
        for (g, (id, count, mean, min, max, mean_n, last)) in got.iter().zip(&sensors) {
            assert_eq!(g["sensor_id"], id.as_str());
            assert_eq!(g["count"], *count);
            for (key, want) in [
                ("mean", mean),
                ("min", min),
                ("max", max),
                ("mean_normalized", mean_n),
                ("last_rolling_avg", last),
            ] {
                let have = g[key].as_f64().unwrap();
                assert!(
                    close(have, *want),
                    "{id} {key} window {window}: {have} vs {want}"
                );
            }
        }
    }
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_line() {
    let header = "sensor_id,timestamp,value,unit\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("header", b"id,ts,value,unit\nA,1,2,C\n".to_vec(), "line 1"),
        ("missing", format!("{header}A,1,2\n").into_bytes(), "line 2"),
        (
            "extra",
            format!("{header}A,1,2,C,9\n").into_bytes(),
            "line 2",
        ),
        (
            "timestamp",
            format!("{header}A,1,2,C\nA,noon,2,C\n").into_bytes(),
            "line 3: field `timestamp`",
        ),
        (
            "value",
            format!("{header}A,1,two,C\n").into_bytes(),
            "line 2: field `value`",
        ),
        (
            "unit",
            format!("{header}A,1,2,F\n").into_bytes(),
            "line 2: field `unit`",
        ),
        (
            "empty id",
            format!("{header},1,2,C\n").into_bytes(),
            "line 2: field `sensor_id`",
        ),
        (
            "long id",
            format!("{header}{},1,2,C\n", "a".repeat(33)).into_bytes(),
            "line 2: field `sensor_id`",
        ),
        (
            "illegal id",
            format!("{header}a/b,1,2,C\n").into_bytes(),
            "line 2: field `sensor_id`",
        ),
        (
            "unit change",
            format!("{header}A,1,2,C\nA,2,3,ppm\n").into_bytes(),
            "line 3: field `unit`",
        ),
        ("empty file", Vec::new(), "empty file"),
        (
            "not utf-8",
            [header.as_bytes(), b"A\xff,1,2,C\n"].concat(),
            "line 2: field `sensor_id`",
        ),
    ];
    for (what, contents, expected) in cases {
        let path = temp_file(&format!("bad-{}.csv", what.replace(' ', "-")), &contents);
        let out = layoutlab(&["run", "--input", path.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(err.contains(expected), "{what}: {err:?} lacks {expected:?}");
        assert!(err.contains(path.to_str().unwrap()), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what}");
    }
    let out = layoutlab(&["run", "--input", "/no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/no/such/file.csv"));
}

#[test]
fn skip_invalid_equals_the_file_without_bad_rows() {
    let good = "S1,1,20,C\nS2,2,50,%\nS1,3,21,C\nS2,4,150,%\nS1,5,22.5,C\n";
    let dirty = "S1,1,20,C\nS2,oops,50,%\nS2,2,50,%\nS1,3,21,lux\nS1,3,21,C\nbad id,1,1,C\nS2,4,150,%\nS1,5,22.5,C\n";
    let header = "sensor_id,timestamp,value,unit\n";
    let clean = temp_file("clean.csv", format!("{header}{good}").as_bytes());
    let dirty = temp_file("dirty.csv", format!("{header}{dirty}").as_bytes());
    let a = run_json(&["--input", clean.to_str().unwrap()]);
    let b = run_json(&["--input", dirty.to_str().unwrap(), "--skip-invalid"]);
    assert_eq!(b["workload"]["skipped"], 3);
    assert_eq!(a["workload"]["skipped"], 0);
    assert_results_agree(&b);
    let (a, b) = (
        a["results"].as_array().unwrap(),
        b["results"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(b) {
        for key in ["layout", "records", "kept", "checksum", "sensors"] {
            assert_eq!(a[key], b[key], "{key}");
        }
    }
}

#[test]
fn too_many_sensors_for_u16_is_a_clear_error() {
    let out = layoutlab(&["run", "--records", "400000", "--sensors", "70000", "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("at most 65536 distinct sensors"), "{err}");
    // The layouts with text ids hold them all, and agree.
    let doc = run_json(&[
        "--records",
        "400000",
        "--sensors",
        "70000",
        "--layout",
        "heap_map",
        "--layout",
        "boxed",
        "--layout",
        "arena",
    ]);
    assert_results_agree(&doc);
    assert!(doc["results"][0]["sensors"].as_array().unwrap().len() > 65536);
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        vec!["run", "--layout", "nope"],
        vec!["run", "--window", "0"],
        vec!["run", "--sensors", "0"],
        vec!["frobnicate"],
        vec!["run", "--skip-invalid"],
        vec!["run", "--jobs", "2"],
        vec!["run", "--profiles", "/tmp/x"],
        vec!["compare", "--sweep", "--sweep-max-records", "0"],
    ] {
        let out = layoutlab(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
        // Hidden flags of the profiling children are never offered to a user.
        assert!(!stderr(&out).contains("input-env"), "{}", stderr(&out));
    }
    // A cap below the sweep's first size says what the least one is, in records.
    let out = layoutlab(&["compare", "--sweep", "--sweep-max-records", "999"]);
    assert!(
        stderr(&out).contains("must be at least 1 000"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inspect_json_shows_packed_as_35_bytes_without_padding() {
    let out = layoutlab(&["inspect", "--json", "--layout", "packed"]);
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ty = &doc[0]["types"][0];
    assert_eq!(doc[0]["layout"], "packed");
    assert_eq!(ty["size"], 35);
    let fields = ty["fields"].as_array().unwrap();
    assert_eq!(
        fields
            .iter()
            .map(|f| f["size"].as_u64().unwrap())
            .sum::<u64>(),
        35
    );
    assert!(fields.iter().all(|f| f["padding_after"] == 0));
}
