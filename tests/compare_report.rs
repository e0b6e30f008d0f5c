//! `compare` and `report` from outside: the files, every layout in each, determinism of
//! `report`, and a failing layout that does not sink the report.

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
