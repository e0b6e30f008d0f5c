//! `compare` and `report` from outside: the files, every layout in each, determinism of
//! `report`, a failing layout that does not sink the report, and the recommendations the
//! terminal ends with (REPORT.md's, in full or `--brief`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn layoutlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layoutlab"))
        .args(args)
        .output()
        .expect("layoutlab runs")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layoutlab-report-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn compare_writes_every_file_with_every_layout_and_report_is_deterministic() {
    let dir = out_dir("full");
    let out = layoutlab(&[
        "compare",
        "--records",
        "3000",
        "--repeat",
        "1",
        "--python-records",
        "2000",
        "--out",
        dir.to_str().unwrap(),
        "--criterion",
        "/nonexistent",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = read(&dir, "REPORT.md");
    let html = read(&dir, "index.html");
    let json = read(&dir, "results.json");
    assert_eq!(
        printed_recommendations(&String::from_utf8_lossy(&out.stdout)),
        report_recommendations(&md),
        "compare ends with REPORT.md's recommendations"
    );
    for layout in layoutlab::layouts::LAYOUTS {
        let name = layout.name;
        assert!(md.contains(&format!("`{name}`")), "{name} in REPORT.md");
        assert!(html.contains(name), "{name} in index.html");
        assert!(
            json.contains(&format!("\"{name}\"")),
            "{name} in results.json"
        );
    }
    assert!(md.contains("## Decision guide"));
    assert!(md.contains("## Machine"));
    // `aggregate` only reads: every timed layout has its warm passes, one median per round.
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for l in doc["layouts"].as_array().unwrap() {
        let Some(warm) = l["timing"]["warm"].as_array() else {
            assert!(l["timing"].is_null(), "{} timed but not warm", l["layout"]);
            continue;
        };
        assert_eq!(warm.len(), 1, "{}", l["layout"]);
        assert!(
            warm[0]["aggregate"].as_u64().unwrap() > 0,
            "{}",
            l["layout"]
        );
        assert!(warm[0].get("filter").is_none(), "{}", l["layout"]);
    }
    assert!(md.contains("| aggregate warm |"), "the warm column");
    // The by-index probe reads every layout side by side after the rounds: 9 blocks, each a
    // few passes of every layout (issue 17 item 8), however few the rounds; a layout whose
    // reads are slow reads fewer a pass, never fewer than 10 000 or four per record.
    for l in doc["layouts"].as_array().unwrap() {
        let timing = &l["timing"];
        assert_eq!(
            timing["accesses"].as_array().unwrap().len(),
            9,
            "{}",
            l["layout"]
        );
        let reads = timing["access_reads"].as_u64().unwrap();
        assert!(
            (10_000..=12_000).contains(&reads),
            "{}: {reads}",
            l["layout"]
        );
    }
    let bmf: serde_json::Value = serde_json::from_str(&read(&dir, "bencher.json")).unwrap();
    let warm = &bmf["aggregate-warm/soa/3000"]["latency"];
    assert!(warm["value"].as_f64().unwrap() > 0.0, "{bmf}");
    assert!(html.contains("<svg"));
    if Command::new("python3").arg("--version").output().is_ok() {
        assert!(md.contains("python\\_dict (Python"), "the Python rows");
        assert!(md.contains("bit-identical to"), "Python agrees with Rust");
    } else {
        assert!(md.contains("Skipped: python3 is not installed"));
    }
    let no_tmp = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .all(|e| {
            !e.file_name().to_string_lossy().starts_with(&format!(
                ".tmp-{}",
                dir.file_name().unwrap().to_string_lossy()
            ))
        });
    assert!(no_tmp, "the temporary directory is renamed into place");

    let files = ["REPORT.md", "index.html", "results.json", "bencher.json"];
    let before: Vec<String> = files.iter().map(|f| read(&dir, f)).collect();
    for _ in 0..2 {
        let out = layoutlab(&[
            "report",
            "--out",
            dir.to_str().unwrap(),
            "--criterion",
            "/nonexistent",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after: Vec<String> = files.iter().map(|f| read(&dir, f)).collect();
        assert_eq!(before, after, "report rebuilds identical files");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_failing_layout_is_shown_and_the_others_reported() {
    let dir = out_dir("failing");
    // About 97 500 distinct sensors: more than the u16 ids of `packed` and `soa` hold.
    let out = layoutlab(&[
        "compare",
        "--no-costs",
        "--records",
        "100000",
        "--sensors",
        "2000000",
        "--repeat",
        "1",
        "--python-records",
        "0",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("packed failed: timed run"), "{stderr}");
    let md = read(&dir, "REPORT.md");
    assert!(md.contains("## Failures"));
    assert!(md.contains("at most 65536 distinct sensors"));
    assert!(md.contains("Skipped: turned off"));
    let stages = md.split("## Time per stage").nth(1).unwrap();
    let stages = stages.split("## ").next().unwrap();
    assert!(stages.contains("| `boxed` | "), "boxed is timed: {stages}");
    assert!(!stages.contains("| `packed` | "), "packed could not run");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn report_without_results_is_a_clear_error() {
    let out = layoutlab(&["report", "--out", "/nonexistent/dir"]);
    // A missing or bad results file is bad input: exit status 2 (issue 9).
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/dir/results.json"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_short_sweep_ranks_every_size_and_says_what_it_will_take() {
    let dir = out_dir("sweep");
    let out = layoutlab(&[
        "compare",
        "--no-costs",
        "--records",
        "2000",
        "--repeat",
        "3",
        "--sweep",
        "--sweep-max-records",
        "5000",
        "--python-records",
        "0",
        "--out",
        dir.to_str().unwrap(),
        "--criterion",
        "/nonexistent",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("sweep: about "),
        "the estimate comes first: {stderr}"
    );
    let md = read(&dir, "REPORT.md");
    assert!(md.contains("## Where the lead flips"), "{md}");
    assert!(md.contains("### As the data grows"));
    for figure in [
        "ingest",
        "filter",
        "normalize",
        "rolling",
        "aggregate",
        "pipeline",
    ] {
        assert!(md.contains(&format!("#### `{figure}`")), "{figure} ranked");
    }
    let json: serde_json::Value = serde_json::from_str(&read(&dir, "results.json")).unwrap();
    let sizes: std::collections::BTreeSet<u64> = json["scaling"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["records"].as_u64().unwrap())
        .collect();
    assert_eq!(
        sizes.into_iter().collect::<Vec<_>>(),
        [1_000, 2_000, 5_000],
        "the grid up to the cap, the workload's size included"
    );
    for point in json["scaling"].as_array().unwrap() {
        let records = point["records"].as_u64().unwrap();
        let rounds = point["runs"].as_array().map_or(0, Vec::len);
        assert!(rounds >= 3, "{point}: every size has its rounds");
        assert!(
            point["peak_bytes"].as_u64().unwrap() >= records * 30,
            "{point}: every size has its heap count"
        );
    }
    let sweep = &json["sweep"];
    assert_eq!(
        sweep["layouts"].as_array().unwrap().len(),
        layoutlab::layouts::LAYOUTS.len()
    );
    assert!(html_has_cache_panels(&read(&dir, "index.html")));
}

fn html_has_cache_panels(html: &str) -> bool {
    // One panel per layout, captioned with its bytes/record.
    layoutlab::layouts::LAYOUTS
        .iter()
        .all(|l| html.contains(&format!("{} (", l.name)))
}

#[test]
fn a_sweep_needs_the_generated_workload() {
    let dir = out_dir("sweep-input");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("in.csv");
    std::fs::write(
        &csv,
        "sensor_id,timestamp,value,unit\nS1,2024-01-01T00:00:00Z,1.0,C\n",
    )
    .unwrap();
    let out = layoutlab(&["compare", "--sweep", "--input", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--sweep") && stderr.contains("--input"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// `(profile, recommendation)` of each profile of REPORT.md's *Decision guide*, in order.
fn report_recommendations(md: &str) -> Vec<(String, String)> {
    let guide = md
        .split("## Decision guide")
        .nth(1)
        .expect("a decision guide");
    let guide = guide.split("\n## ").next().unwrap();
    let mut profile = String::new();
    let mut found = Vec::new();
    for line in guide.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            let mut c = heading.chars();
            profile = c.next().unwrap().to_lowercase().chain(c).collect();
        } else if let Some(v) = line.strip_prefix("**Recommendation: ") {
            found.push((profile.clone(), v.strip_suffix(".**").unwrap().to_owned()));
        }
    }
    found
}

/// `(profile, recommendation)` of each line the terminal prints under `decision guide`,
/// continuation lines of a wrapped one joined back.
fn printed_recommendations(stdout: &str) -> Vec<(String, String)> {
    let mut lines = stdout
        .lines()
        .skip_while(|l| !l.starts_with("decision guide ("));
    assert!(lines.next().is_some(), "a decision guide in {stdout}");
    let mut found: Vec<String> = Vec::new();
    for line in lines {
        if let Some(continued) = line.strip_prefix("      ") {
            found.last_mut().unwrap().push_str(&format!(" {continued}"));
        } else if let Some(first) = line.strip_prefix("  ") {
            found.push(first.to_owned());
        } else {
            break;
        }
    }
    found
        .iter()
        .map(|l| {
            let (profile, verdict) = l.split_once(": ").unwrap();
            (profile.to_owned(), verdict.to_owned())
        })
        .collect()
}

/// A report directory holding a copy of the committed sample's `results.json` (nine rounds
/// at 1 000 000 records): `report` rebuilds from it without measuring anything.
fn sample_results(name: &str) -> PathBuf {
    let dir = out_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/results.json");
    std::fs::copy(sample, dir.join("results.json")).unwrap();
    dir
}

fn report_stdout(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        "--out",
        dir.to_str().unwrap(),
        "--criterion",
        "/nonexistent",
    ];
    args.extend(extra);
    let out = layoutlab(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn report_ends_with_the_recommendations_report_md_carries_then_where_it_is() {
    let dir = sample_results("recommendations");
    let stdout = report_stdout(&dir, &[]);
    let printed = printed_recommendations(&stdout);
    let expected = report_recommendations(&read(&dir, "REPORT.md"));
    let profiles: Vec<&str> = expected.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        profiles,
        [
            "memory-bound at large N",
            "full scans",
            "per-record access by index",
            "schema that changes at run time",
            "short-lived batches dropped at once",
        ]
    );
    assert_eq!(printed, expected, "{stdout}");
    assert!(
        printed[1].1.starts_with("choose `soa` (") && printed[1].1.contains("interval"),
        "the chosen layout, the runner-up and the ratio's interval: {printed:?}"
    );
    // The wide tables come first, as `compare` prints them; where the report is comes last.
    assert!(stdout.contains("heap peak per record by phase"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.starts_with("report rebuilt from "), "{last}");
    assert!(last.contains("REPORT.md"), "{last}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn brief_prints_the_headline_and_the_same_recommendations_in_100_columns() {
    let dir = sample_results("brief");
    let stdout = report_stdout(&dir, &["--brief"]);
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    assert_eq!(
        printed_recommendations(&stdout),
        report_recommendations(&read(&dir, "REPORT.md")),
        "{stdout}"
    );
    let header = stdout
        .lines()
        .find(|l| l.starts_with("layout "))
        .expect("the headline's header");
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(columns, ["layout", "pipeline", "vs", "best", "B/rec"]);
    for layout in layoutlab::layouts::LAYOUTS {
        let row = format!("{} ", layout.name);
        assert!(
            stdout.lines().any(|l| l.starts_with(&row)),
            "a headline row for {}: {stdout}",
            layout.name
        );
    }
    assert!(
        !stdout.contains("heap peak per record by phase"),
        "{stdout}"
    );
    assert!(!stdout.contains("costs: callgrind"), "{stdout}");
    assert!(stdout.contains("report rebuilt from "), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}
