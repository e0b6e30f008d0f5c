//! Hostile use of the command line, as a careful new user tried it (issue 9): odd output
//! paths, bad saved results, failing and hanging children, signals, closed outputs. Every
//! case must exit with the documented status and one clear line, and nothing of the user's
//! may be touched. Add new cases here; `tests/hostile_inputs.rs` holds the input files.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_layoutlab");

fn layoutlab<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &OsStr)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("layoutlab runs")
}

fn run(args: &[&str]) -> Output {
    layoutlab(args, &[])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit status 2 with exactly one line on stderr, no panic.
fn assert_usage_error(out: &Output, what: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: {err:?}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    err
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layoutlab-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small, fast `compare` writing to `out`.
fn compare_args(out: &Path) -> Vec<String> {
    [
        "compare",
        "--no-costs",
        "--records",
        "2000",
        "--repeat",
        "1",
        "--python-records",
        "0",
        "--criterion",
        "/nonexistent",
        "--out",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([out.to_str().unwrap().to_owned()])
    .collect()
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn out_keeps_the_users_other_files_and_writes_through_links() {
    let dir = temp_dir("out-dir");
    let out = dir.join("report");
    std::fs::create_dir_all(out.join("sub")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("sub/data.csv"), "also mine").unwrap();
    let result = layoutlab(&compare_args(&out), &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("sub/data.csv")).unwrap(),
        "also mine"
    );
    assert!(out.join("REPORT.md").is_file());
    let report = run(&[
        "report",
        "--out",
        out.to_str().unwrap(),
        "--criterion",
        "/nonexistent",
    ]);
    assert!(report.status.success(), "{}", stderr(&report));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );

    // A symbolic link to a directory is written through and stays a link.
    let target = dir.join("target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "kept").unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let result = layoutlab(&compare_args(&link), &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(target.join("REPORT.md").is_file());
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).unwrap(),
        "kept"
    );
    // No temporary file is left anywhere.
    for d in [&out, &target, &dir] {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".tmp-"), "{name} left in {}", d.display());
        }
    }
}

#[test]
fn an_out_that_cannot_hold_a_report_is_refused_before_measuring() {
    let dir = temp_dir("bad-out");
    let file = dir.join("a-file");
    std::fs::write(&file, "precious").unwrap();
    let started = Instant::now();
    let err = assert_usage_error(&layoutlab(&compare_args(&file), &[]), "--out FILE");
    assert!(err.contains("not a directory"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
    let err = assert_usage_error(
        &run(&["compare", "--out", "/proc/version/x"]),
        "--out under a file",
    );
    assert!(err.contains("/proc/version/x"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refused up front, not after measuring"
    );
    let err = assert_usage_error(
        &run(&[
            "run",
            "--memory",
            "--records",
            "100",
            "--profiles",
            file.to_str().unwrap(),
        ]),
        "--profiles FILE",
    );
    assert!(err.contains("--profiles"), "{err}");
}

#[test]
fn stale_temporaries_of_dead_runs_are_removed_and_others_kept() {
    let dir = temp_dir("stale");
    // A process id that cannot be running: above the kernel's limit.
    let dead = dir.join(".REPORT.md.tmp-4294967294");
    let foreign = dir.join(".notes.txt.tmp-4294967294");
    std::fs::write(&dead, "half a report").unwrap();
    std::fs::write(&foreign, "not ours").unwrap();
    let result = layoutlab(&compare_args(&dir), &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(!dead.exists(), "a stale temporary of ours is removed");
    assert!(foreign.exists(), "a file that is not ours stays");
}

#[test]
fn sizes_that_cannot_fit_are_refused_up_front_unless_forced() {
    for args in [
        vec!["run", "--records", "10000000000"],
        vec![
            "compare",
            "--records",
            "10000000000",
            "--out",
            "/tmp/never-written",
        ],
    ] {
        let err = assert_usage_error(&run(&args), &args.join(" "));
        assert!(err.contains("would need about"), "{err}");
        assert!(err.contains("available"), "{err}");
        assert!(err.contains("--force"), "{err}");
    }
    // A small run is not refused, with or without --force.
    assert!(
        run(&["run", "--records", "100", "--force", "--layout", "soa"])
            .status
            .success()
    );
}

#[test]
fn bad_results_are_exit_2_and_leave_the_old_files_alone() {
    let dir = temp_dir("bad-results");
    let results = dir.join("results.json");
    std::fs::write(dir.join("REPORT.md"), "old report").unwrap();
    for (what, contents) in [
        ("empty", ""),
        ("truncated", "{\"format\": 1, \"machine\": {"),
        ("wrong type", "[1, 2, 3]"),
        ("incomplete", "{\"format\": 1}"),
        ("future", "{\"format\": 99}"),
    ] {
        std::fs::write(&results, contents).unwrap();
        let err = assert_usage_error(&run(&["report", "--out", dir.to_str().unwrap()]), what);
        assert!(err.contains("results.json"), "{what}: {err}");
        assert_eq!(
            std::fs::read_to_string(dir.join("REPORT.md")).unwrap(),
            "old report"
        );
    }
}

#[test]
fn report_keeps_keys_it_does_not_know() {
    let dir = temp_dir("unknown-keys");
    let result = layoutlab(&compare_args(&dir), &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    let path = dir.join("results.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    doc["from_the_future"] = serde_json::json!({"a": [1, 2]});
    doc["layouts"][0]["note"] = "kept".into();
    doc["layouts"][0]["timing"]["extra_figure"] = 7.into();
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let report = run(&[
        "report",
        "--out",
        dir.to_str().unwrap(),
        "--criterion",
        "/nonexistent",
    ]);
    assert!(report.status.success(), "{}", stderr(&report));
    let back: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(back["from_the_future"], doc["from_the_future"]);
    assert_eq!(back["layouts"][0]["note"], "kept");
    assert_eq!(back["layouts"][0]["timing"]["extra_figure"], 7);
}

#[test]
fn failed_hanging_and_chatty_children_fail_alone_and_say_why() {
    let dir = temp_dir("children");
    let failing = script(
        &dir,
        "false.sh",
        "echo 'layoutlab: error: the real reason' >&2; echo 'a later line' >&2; exit 3",
    );
    let hanging = script(&dir, "hang.sh", "exec sleep 600");
    let chatty = script(&dir, "chatty.sh", "exec yes");
    let cases: [(&Path, &str); 3] = [
        (&failing, "the real reason"),
        (&hanging, "ran longer than its limit"),
        (&chatty, "printed more than"),
    ];
    for (child, says) in cases {
        let started = Instant::now();
        let out = layoutlab(
            &[
                "run",
                "--memory",
                "--json",
                "--records",
                "500",
                "--layout",
                "soa",
            ],
            &[
                ("LAYOUTLAB_HEAP_CHILD", child.as_os_str()),
                ("LAYOUTLAB_CHILD_TIMEOUT", OsStr::new("1")),
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let error = doc["results"][0]["memory_error"].as_str().unwrap();
        assert!(error.contains(says), "{says}: {error}");
        assert!(started.elapsed() < Duration::from_secs(30), "{says}");
    }
    // Every layout's memory failed: compare prints and writes everything, then exits 1.
    let out = layoutlab(
        &compare_args(&dir.join("report")),
        &[("LAYOUTLAB_HEAP_CHILD", OsStr::new("/bin/false"))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(dir.join("report/REPORT.md").is_file());
    assert!(String::from_utf8_lossy(&out.stdout).contains("failed"));
}

#[test]
fn paths_need_not_be_utf8() {
    let dir = temp_dir("non-utf8");
    let csv = run(&["generate", "--records", "300"]);
    let path = dir.join(OsStr::from_bytes(b"ok\xffname.csv"));
    std::fs::write(&path, &csv.stdout).unwrap();
    let out = layoutlab(
        &[
            OsStr::new("run"),
            OsStr::new("--memory"),
            OsStr::new("--json"),
            OsStr::new("--layout"),
            OsStr::new("soa"),
            OsStr::new("--input"),
            path.as_os_str(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["results"][0]["memory"]["peak_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn a_newline_in_a_file_name_stays_one_line() {
    let err = assert_usage_error(&run(&["run", "--input", "/no/such\nfile.csv"]), "newline");
    assert!(err.contains("such\\nfile"), "{err}");
}

#[test]
fn closed_or_full_stdout_is_an_error_and_a_reader_that_left_is_not() {
    for args in [
        vec!["list"],
        vec!["run", "--json", "--records", "100", "--layout", "soa"],
        vec!["generate", "--records", "100"],
        vec!["--help"],
    ] {
        let full = Command::new(BIN)
            .args(&args)
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(
            full.status.code(),
            Some(1),
            "{args:?} > /dev/full: {}",
            stderr(&full)
        );
        assert_eq!(
            stderr(&full).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&full)
        );
        let closed = Command::new("sh")
            .args(["-c", &format!("'{BIN}' {} >&-", args.join(" "))])
            .output()
            .unwrap();
        assert_eq!(
            closed.status.code(),
            Some(1),
            "{args:?} >&-: {}",
            stderr(&closed)
        );
    }
    let piped = Command::new("sh")
        .args([
            "-c",
            &format!("'{BIN}' generate --records 200000 | head -1"),
        ])
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert!(piped.stderr.is_empty(), "{}", stderr(&piped));
}

#[test]
fn small_things_from_the_first_hour() {
    // A repeated --layout runs once.
    let out = run(&[
        "run",
        "--json",
        "--records",
        "100",
        "--layout",
        "soa",
        "--layout",
        "soa",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["results"].as_array().unwrap().len(), 1);
    // --skip-invalid without --input names the argument it needs.
    let err = assert_usage_error(&run(&["run", "--skip-invalid"]), "--skip-invalid");
    assert!(err.contains("--input"), "{err}");
    // TERM=dumb gets no escape codes, on either stream.
    let dir = temp_dir("dumb");
    let out = layoutlab(&compare_args(&dir), &[("TERM", OsStr::new("dumb"))]);
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b));
    // Runs that differ only in their seed keep their own profiles.
    let profiles = dir.join("profiles");
    for seed in ["1", "2"] {
        let out = run(&[
            "run",
            "--memory",
            "--records",
            "300",
            "--layout",
            "soa",
            "--seed",
            seed,
            "--profiles",
            profiles.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read_dir(&profiles).unwrap().count(), 2);
}

/// Processes whose environment holds `marker` (children inherit it from the parent).
fn processes_with(marker: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != std::process::id())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(marker))
        })
        .collect()
}

#[test]
fn stopping_compare_while_it_profiles_leaves_no_child_behind() {
    for signal in ["TERM", "INT", "KILL"] {
        let dir = temp_dir(&format!("signal-{signal}"));
        // A child that takes long; the parent and its children carry a marker in their
        // environment.
        let marker = format!(
            "LAYOUTLAB_TEST_MARKER=signal-{}-{signal}",
            std::process::id()
        );
        let child = script(&dir, "slow.sh", "exec sleep 600");
        let mut parent = Command::new(BIN)
            .args(compare_args(&dir.join("report")))
            .env("LAYOUTLAB_HEAP_CHILD", &child)
            .env("LAYOUTLAB_TEST_MARKER", marker.split_once('=').unwrap().1)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while processes_with(&marker).len() < 2 {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no child started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Command::new("kill")
            .args([&format!("-{signal}"), &parent.id().to_string()])
            .status()
            .unwrap();
        parent.wait().unwrap();
        let started = Instant::now();
        while !processes_with(&marker).is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "SIG{signal}: children left: {:?}",
                processes_with(&marker)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let leftovers: Vec<String> = std::fs::read_dir(dir.join("report"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            leftovers.iter().all(|n| !n.contains(".tmp-")),
            "{leftovers:?}"
        );
    }
}

#[test]
fn merge_refuses_one_file_twice_and_keeps_every_layout_and_line() {
    let dir = temp_dir("merge");
    let runs = dir.join("runs");
    let measured = layoutlab(&compare_args(&runs), &[]);
    assert!(measured.status.success(), "{}", stderr(&measured));
    let results = runs.join("results.json");
    let merge = |files: &[&Path], out: &Path| {
        let mut args: Vec<&OsStr> = vec![OsStr::new("report"), OsStr::new("--merge")];
        args.extend(files.iter().map(|f| f.as_os_str()));
        args.extend([OsStr::new("--out"), out.as_os_str()]);
        layoutlab(&args, &[])
    };

    // The same file twice, also under another name, is one machine, not two.
    let out = dir.join("twice");
    let err = assert_usage_error(&merge(&[&results, &results], &out), "same path twice");
    assert!(err.contains("the same file"), "{err}");
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&results, &link).unwrap();
    let err = assert_usage_error(&merge(&[&results, &link], &out), "a link to it");
    assert!(err.contains("the same file"), "{err}");
    assert!(!out.exists(), "nothing written for a refused merge");

    // A layout that only a later file ran keeps its rows; a file name with a newline
    // stays inside its table cell.
    let mut json: Value = serde_json::from_slice(&std::fs::read(&results).unwrap()).unwrap();
    json["layouts"]
        .as_array_mut()
        .unwrap()
        .retain(|l| l["layout"] != "packed");
    let without = dir.join("no\npacked.json");
    std::fs::write(&without, serde_json::to_vec(&json).unwrap()).unwrap();
    let out = dir.join("merged");
    let merged = merge(&[&without, &results], &out);
    assert!(merged.status.success(), "{}", stderr(&merged));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.contains("| `packed` | — |"), "{report}");
    // (Markdown escapes the backslash of the `\n` that stands for the newline.)
    assert!(report.contains("no\\\\npacked.json"), "{report}");
    for line in report.lines().filter(|l| l.starts_with('|')) {
        assert!(line.ends_with('|'), "a table row broken in two: {line:?}");
    }
}
