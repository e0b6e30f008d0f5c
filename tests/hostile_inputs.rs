//! Hostile inputs: what a careless user, a script or a fuzzer may hand `layoutlab`, and the
//! contract it keeps for every one of them (SPEC §5). A usage error or bad input exits with
//! status 2 and ONE line on stderr naming what is wrong (the file, the line, the field, what
//! was expected); nothing ever panics, aborts or prints a backtrace; nothing of the user's is
//! touched (the input file is unchanged, no report or profile is written by a refused run);
//! memory stays bounded whatever the input.
//!
//! Every case runs the binary, with `RUST_BACKTRACE=1` so a panic could not hide, and under
//! a watchdog so a case that blocks fails instead of hanging the suite (no case depends on
//! timing to pass). To add a case, add a row to [`CASES`]; a case that needs something
//! around the process (like a profiling child that edits the input) is a test of its own
//! below the table.
//!
//! Unix only: the cases use named pipes, sockets, `/dev/zero` and `ulimit`.

#![cfg(unix)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_layoutlab");

/// Virtual memory a memory-limited case may use (KiB, for `ulimit -v`): far more than any
/// bounded run needs, far less than an input-sized (or window-sized) allocation.
const MEMORY_LIMIT_KIB: u64 = 512 * 1024;

/// A case that has not finished by then is hung (it fails; no case comes near this).
const WATCHDOG: Duration = Duration::from_secs(120);

/// What a case passes as `--input` (its path replaces `{input}` in the arguments).
#[derive(Clone, Copy)]
enum Input {
    /// No input file.
    None,
    /// A regular file with these bytes.
    File(fn() -> Vec<u8>),
    /// A regular file of this many zero bytes (sparse: it costs no disk).
    Zeros(u64),
    /// A path as it is (`/dev/zero`).
    Path(&'static str),
    /// `/dev/stdin`, with stdin a pipe carrying these bytes.
    StdinPipe(fn() -> Vec<u8>),
    /// `/dev/stdin`, with stdin `/dev/null` (a character device).
    StdinNull,
    /// A named pipe nothing writes to (opening it to read would block).
    Fifo,
    /// A Unix socket.
    Socket,
    /// A directory.
    Directory,
    /// A path where nothing is.
    Missing,
}

/// What must happen.
#[derive(Clone, Copy)]
enum Expect {
    /// Exit status 2, one line on stderr holding each string, nothing on stdout.
    Refused(&'static [&'static str]),
    /// Exit status 0, stdout and stderr holding these strings.
    Success {
        stdout: &'static [&'static str],
        stderr: &'static [&'static str],
    },
}

/// One hostile input and what must come of it. `args` are split at spaces; in them and in
/// expected strings, `{input}` is the input's path and `{scratch}` a directory of the case's
/// own.
struct Case {
    name: &'static str,
    input: Input,
    args: &'static str,
    /// Run under `ulimit -v` [`MEMORY_LIMIT_KIB`], so an unbounded allocation aborts the
    /// case (and fails it) rather than exhausting the machine.
    memory_limit: bool,
    expect: Expect,
}

const HEADER: &str = "sensor_id,timestamp,value,unit";

fn text(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// Issue 9's line numbers: `line 3` is the bad row in each of these.
const BAD_ROW_ON_LINE_3: &[&str] = &["{input}: line 3: field `value`: expected a number"];

fn header_only() -> Vec<u8> {
    text(&format!("{HEADER}\n"))
}

fn every_row_bad() -> Vec<u8> {
    text(&format!("{HEADER}\nS1,x,1.0,ppm\nS2,1700000000,y,ppm\n"))
}

const CASES: &[Case] = &[
    // Figures over no readings would be zeros that look like a result.
    Case {
        name: "a header and no rows",
        input: Input::File(header_only),
        args: "compare --input {input} --no-costs --python-records 0",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: no readings: the file has no rows after its header"]),
    },
    Case {
        name: "every row skipped",
        input: Input::File(every_row_bad),
        args: "run --input {input} --skip-invalid",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: no readings: all 2 rows were invalid and skipped"]),
    },
    // Issue 4: a window that overflowed the rings' size.
    Case {
        name: "window of 2^64-1",
        input: Input::None,
        args: "run --json --records 1000 --sensors 8 --window 18446744073709551615",
        memory_limit: true,
        expect: Expect::Success {
            stdout: &["\"window\": 18446744073709551615"],
            stderr: &[],
        },
    },
    // Issue 5: a window-sized ring per sensor (51 GB for 1000 records).
    Case {
        name: "window of 10^8 on 1000 records",
        input: Input::None,
        args: "run --json --records 1000 --window 100000000",
        memory_limit: true,
        expect: Expect::Success {
            stdout: &["\"window\": 100000000"],
            stderr: &[],
        },
    },
    // Any other window is a usage error.
    Case {
        name: "window of 0",
        input: Input::None,
        args: "run --records 10 --window 0",
        memory_limit: false,
        expect: Expect::Refused(&["invalid value '0' for '--window <WINDOW>'"]),
    },
    Case {
        name: "window of 2^64",
        input: Input::None,
        args: "run --records 10 --window 18446744073709551616",
        memory_limit: false,
        expect: Expect::Refused(&["'--window <WINDOW>': number too large"]),
    },
    // Issue 7: a header line read with no limit.
    Case {
        name: "2 GiB of zero bytes",
        input: Input::Zeros(2 << 30),
        args: "run --input {input} --layout soa",
        memory_limit: true,
        expect: Expect::Refused(&[
            "{input}: line 1: longer than 65536 bytes; a reading is at most 65536 bytes",
        ]),
    },
    Case {
        name: "/dev/zero",
        input: Input::Path("/dev/zero"),
        args: "run --input {input}",
        memory_limit: true,
        expect: Expect::Refused(&["/dev/zero: not a regular file (a character device)"]),
    },
    Case {
        name: "a quote never closed over 2 MB of lines",
        input: Input::File(|| {
            let mut bytes = text(&format!("{HEADER}\nA,1,2,C\nA,\"1"));
            bytes.extend("2\n".repeat(1 << 20).bytes());
            bytes
        }),
        args: "run --input {input} --layout soa",
        memory_limit: true,
        expect: Expect::Refused(&[
            "{input}: line 3: longer than 65536 bytes",
            "or a quote is left open",
        ]),
    },
    Case {
        name: "a 100 KB row, skipped",
        input: Input::File(|| {
            text(&format!(
                "{HEADER}\nA,1,2,C\nA,1,{},C\nA,2,3,C\n",
                "9".repeat(100_000)
            ))
        }),
        args: "run --input {input} --skip-invalid --layout soa",
        memory_limit: true,
        expect: Expect::Success {
            stdout: &["2 records", "1 rows skipped"],
            stderr: &["the first: {input}: line 3: longer than 65536 bytes"],
        },
    },
    // Issue 9: the line of an error is the line of the file.
    Case {
        name: "CRLF",
        input: Input::File(|| text(&format!("{HEADER}\r\nA,1,2,C\r\nA,1,x,C\r\nA,1,2,C\r\n"))),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(BAD_ROW_ON_LINE_3),
    },
    Case {
        name: "CR only",
        input: Input::File(|| text(&format!("{HEADER}\rA,1,2,C\rA,1,x,C\rA,1,2,C\r"))),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(BAD_ROW_ON_LINE_3),
    },
    Case {
        name: "LF",
        input: Input::File(|| text(&format!("{HEADER}\nA,1,2,C\nA,1,x,C\n"))),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(BAD_ROW_ON_LINE_3),
    },
    Case {
        name: "blank lines before the header, between rows and at the end",
        input: Input::File(|| text(&format!("\n\r\n{HEADER}\n\nA,1,2,C\r\n\r\n\nA,1,x,C\n\n\n"))),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: line 8: field `value`"]),
    },
    Case {
        // No valid field holds a line end, so the row spanning lines is the bad one: it is
        // named by the line it starts on.
        name: "a quoted field spanning lines",
        input: Input::File(|| text(&format!("{HEADER}\r\nA,1,2,C\r\nB,\"1\r\n\r\n\",2,C\r\n"))),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: line 3: field `timestamp`"]),
    },
    Case {
        name: "a quoted field spanning lines, skipped",
        input: Input::File(|| {
            text(&format!(
                "{HEADER}\nA,1,2,C\nB,\"1\n\n\",2,C\nA,2,x,C\nA,3,4,C\n"
            ))
        }),
        args: "run --input {input} --skip-invalid --layout soa",
        memory_limit: false,
        expect: Expect::Success {
            stdout: &["2 records", "2 rows skipped"],
            stderr: &["the first: {input}: line 3: field `timestamp`"],
        },
    },
    Case {
        name: "a byte-order mark and a blank line before the header",
        input: Input::File(|| text(&format!("\u{feff}\r\n{HEADER}\r\nA,1,x,C\r\n"))),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: line 3: field `value`"]),
    },
    Case {
        name: "a bad header after blank lines",
        input: Input::File(|| text("\r\n\r\nid,timestamp,value,unit\r\nA,1,2,C\r\n")),
        args: "run --input {input} --layout soa",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: line 3: expected the header"]),
    },
    Case {
        name: "--skip-invalid names the first skipped row's line",
        input: Input::File(|| {
            text(&format!(
                "{HEADER}\r\n\r\nA,1,2,C\r\nA,1,x,C\r\nA,y,2,C\r\nA,2,2,C\r\n"
            ))
        }),
        args: "run --input {input} --skip-invalid --layout soa",
        memory_limit: false,
        expect: Expect::Success {
            stdout: &["2 records", "2 rows skipped"],
            stderr: &["skipped 2 invalid row(s); the first: {input}: line 4: field `value`"],
        },
    },
    // Issue 10: inputs that cannot be read once per layout, refused before anything runs.
    Case {
        name: "a pipe on stdin",
        input: Input::StdinPipe(|| text(&format!("{HEADER}\nA,1,2,C\n"))),
        args: "run --input {input} --layout soa --layout packed",
        memory_limit: false,
        expect: Expect::Refused(&[
            "/dev/stdin: not a regular file (a pipe): layoutlab reads the input once per \
             layout and per profiling process; save it to a file first",
        ]),
    },
    Case {
        name: "a pipe on stdin, with profiling",
        input: Input::StdinPipe(|| text(&format!("{HEADER}\nA,1,2,C\n"))),
        args: "run --input {input} --memory --profiles {scratch}/dhat",
        memory_limit: false,
        expect: Expect::Refused(&["/dev/stdin: not a regular file (a pipe)"]),
    },
    Case {
        name: "a pipe on stdin, under compare",
        input: Input::StdinPipe(|| text(&format!("{HEADER}\nA,1,2,C\n"))),
        args: "compare --input {input} --out {scratch}/reports --profiles {scratch}/dhat",
        memory_limit: false,
        expect: Expect::Refused(&["/dev/stdin: not a regular file (a pipe)"]),
    },
    Case {
        name: "/dev/stdin on /dev/null",
        input: Input::StdinNull,
        args: "run --input {input}",
        memory_limit: false,
        expect: Expect::Refused(&["/dev/stdin: not a regular file (a character device)"]),
    },
    Case {
        name: "a named pipe nothing writes to",
        input: Input::Fifo,
        args: "run --input {input}",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: not a regular file (a pipe): layoutlab reads"]),
    },
    Case {
        name: "a socket",
        input: Input::Socket,
        args: "run --input {input}",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: not a regular file (a socket)"]),
    },
    Case {
        name: "a directory",
        input: Input::Directory,
        args: "run --input {input}",
        memory_limit: false,
        expect: Expect::Refused(&[
            "{input}: not a regular file (a directory): expected a CSV file",
        ]),
    },
    Case {
        name: "a missing file",
        input: Input::Missing,
        args: "run --input {input} --memory --profiles {scratch}/dhat",
        memory_limit: false,
        expect: Expect::Refused(&["{input}: cannot open: "]),
    },
];

/// A directory of the test's own, emptied.
fn scratch(name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = std::env::temp_dir()
        .join(format!("layoutlab-hostile-{}", std::process::id()))
        .join(slug);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a finished case produced.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `command` to its end, feeding `stdin`; fails the test if it outlives [`WATCHDOG`].
fn run(mut command: Command, stdin: Option<Vec<u8>>, what: &str) -> Ran {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "1");
    let mut child = command.spawn().expect("layoutlab starts");
    let feeder = child.stdin.take().map(|mut pipe| {
        let bytes = stdin.unwrap_or_default();
        // The program may refuse the pipe without reading it: a broken pipe is fine.
        std::thread::spawn(move || drop(pipe.write_all(&bytes)))
    });
    let drain = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            from.read_to_end(&mut bytes).unwrap();
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what}: still running after {WATCHDOG:?}: it blocks or loops");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(feeder) = feeder {
        feeder.join().unwrap();
    }
    Ran {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Makes the case's input; returns its path and what to feed stdin.
fn make_input(input: Input, dir: &Path) -> (Option<PathBuf>, Option<Vec<u8>>) {
    let at = dir.join("input.csv");
    match input {
        Input::None => (None, None),
        Input::File(bytes) => {
            std::fs::write(&at, bytes()).unwrap();
            (Some(at), None)
        }
        Input::Zeros(len) => {
            std::fs::File::create(&at).unwrap().set_len(len).unwrap();
            (Some(at), None)
        }
        Input::Path(path) => (Some(path.into()), None),
        Input::StdinPipe(bytes) => (Some("/dev/stdin".into()), Some(bytes())),
        Input::StdinNull => (Some("/dev/stdin".into()), None),
        Input::Fifo => {
            let made = Command::new("mkfifo")
                .arg(&at)
                .status()
                .expect("mkfifo runs");
            assert!(made.success());
            (Some(at), None)
        }
        Input::Socket => {
            let listener = std::os::unix::net::UnixListener::bind(&at).unwrap();
            // The socket file stays when the listener is dropped; nothing needs to accept.
            drop(listener);
            (Some(at), None)
        }
        Input::Directory => {
            let at = dir.join("a-directory");
            std::fs::create_dir(&at).unwrap();
            (Some(at), None)
        }
        Input::Missing => (Some(dir.join("missing.csv")), None),
    }
}

fn check(case: &Case) {
    let dir = scratch(case.name);
    let (input, stdin) = make_input(case.input, &dir);
    let input_text = input
        .as_ref()
        .map_or(String::new(), |p| p.display().to_string());
    let fill = |s: &str| {
        s.replace("{input}", &input_text)
            .replace("{scratch}", &dir.display().to_string())
    };
    let args: Vec<String> = case.args.split_whitespace().map(fill).collect();
    let before = match case.input {
        Input::File(_) => Some(std::fs::read(input.as_ref().unwrap()).unwrap()),
        _ => None,
    };
    let command = if case.memory_limit {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
            ))
            .arg(BIN)
            .args(&args);
        command
    } else {
        let mut command = Command::new(BIN);
        command.args(&args);
        command
    };
    let ran = run(command, stdin, case.name);
    let what = format!(
        "case {:?}: layoutlab {}\nstatus {}\nstdout {:?}\nstderr {:?}",
        case.name,
        args.join(" "),
        ran.status,
        ran.stdout,
        ran.stderr
    );

    for never in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "memory allocation of",
    ] {
        assert!(!ran.stderr.contains(never), "{what}");
    }
    assert!(ran.status.code().is_some(), "killed by a signal: {what}");
    if let Some(before) = before {
        let after = std::fs::read(input.as_ref().unwrap()).unwrap();
        assert!(after == before, "the input file was changed: {what}");
    }
    match case.expect {
        Expect::Refused(expected) => {
            assert_eq!(ran.status.code(), Some(2), "{what}");
            let lines: Vec<&str> = ran.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "not one line on stderr: {what}");
            assert!(lines[0].starts_with("layoutlab: error: "), "{what}");
            for e in expected {
                assert!(lines[0].contains(&fill(e)), "{:?} missing: {what}", fill(e));
            }
            assert!(
                ran.stdout.is_empty(),
                "a refused run printed results: {what}"
            );
            // Refused up front: no report, no profile was written.
            let left: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .filter(|name| !["input.csv", "a-directory"].contains(&name.to_str().unwrap()))
                .collect();
            assert!(left.is_empty(), "{left:?} written: {what}");
        }
        Expect::Success { stdout, stderr } => {
            assert_eq!(ran.status.code(), Some(0), "{what}");
            for e in stdout {
                assert!(
                    ran.stdout.contains(&fill(e)),
                    "{:?} missing: {what}",
                    fill(e)
                );
            }
            for e in stderr {
                assert!(
                    ran.stderr.contains(&fill(e)),
                    "{:?} missing: {what}",
                    fill(e)
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_hostile_input_gets_exit_2_and_one_line_or_a_bounded_run() {
    for case in CASES {
        check(case);
    }
}

/// The `run --json` figures of the rolling stage's heap for `window`.
fn rolling_heap(window: &str, dir: &Path) -> serde_json::Value {
    let profiles = dir.join("dhat");
    let mut command = Command::new(BIN);
    command.args([
        "run",
        "--json",
        "--memory",
        "--layout",
        "soa",
        "--records",
        "1000",
        "--window",
        window,
        "--profiles",
    ]);
    command.arg(&profiles);
    let ran = run(command, None, window);
    assert!(ran.status.success(), "{}", ran.stderr);
    let doc: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    doc["results"][0]["memory"]["phases"]["rolling"].clone()
}

#[test]
fn a_huge_window_costs_the_rolling_stage_what_the_records_do() {
    let dir = scratch("huge window heap");
    let default = rolling_heap("16", &dir);
    let huge = rolling_heap("100000000", &dir);
    // Rings hold at most max(16, 2k) slots for a sensor with k records, plus less than
    // that again left behind as they grow: for 1000 records and 64 sensors, well under
    // 128 bytes a record in all (it was 8 × 10^8 bytes per sensor).
    let total = huge["total_bytes"].as_u64().unwrap();
    assert!(total < 128 * 1000, "{huge}");
    assert!(
        total < 4 * default["total_bytes"].as_u64().unwrap(),
        "{huge} vs {default}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A profiling child that first does `edit` to the input, then runs the real child: the
/// input changes after the timed runs read it, deterministically.
fn editing_child(dir: &Path, edit: &str) -> PathBuf {
    let script = dir.join("child.sh");
    std::fs::write(&script, format!("#!/bin/sh\n{edit}\nexec '{BIN}' \"$@\"\n")).unwrap();
    let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&script, executable).unwrap();
    script
}

#[test]
fn an_input_changed_during_the_run_is_reported_as_that() {
    let rows = format!("{HEADER}\nA,1,2,C\nB,1,3,%\n");
    // Appended to (once by each of the two children), or replaced by a copy of itself: the
    // same bytes in another file (one child only, so the copy cannot reuse the inode of a
    // copy before it).
    let edits = [
        (
            "appended",
            "printf 'A,2,4,C\\n' >> \"$INPUT\"",
            "soa packed",
            Some(rows.len() + 2 * 8),
        ),
        (
            "replaced",
            "cp \"$INPUT\" \"$INPUT.new\" && mv \"$INPUT.new\" \"$INPUT\"",
            "soa",
            None,
        ),
    ];
    for (how, edit, layouts, now_len) in edits {
        let dir = scratch(&format!("changed {how}"));
        let input = dir.join("input.csv");
        std::fs::write(&input, &rows).unwrap();
        let mut command = Command::new(BIN);
        command
            .args(["run", "--json", "--memory"])
            .args(layouts.split(' ').flat_map(|layout| ["--layout", layout]))
            .arg("--input")
            .arg(&input)
            .arg("--profiles")
            .arg(dir.join("dhat"))
            .env("LAYOUTLAB_HEAP_CHILD", editing_child(&dir, edit))
            .env("INPUT", &input);
        let ran = run(command, None, how);
        let what = format!("{how}: {} {:?}", ran.status, ran.stderr);
        assert_eq!(ran.status.code(), Some(2), "{what}");
        let lines: Vec<&str> = ran.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{what}");
        let expected = format!(
            "layoutlab: error: {}: the input changed during the run (it was {} bytes, modified at ",
            input.display(),
            rows.len()
        );
        assert!(lines[0].starts_with(&expected), "{what}");
        assert!(
            lines[0].ends_with("); rerun on a file nothing writes to"),
            "{what}"
        );
        match now_len {
            Some(len) => assert!(lines[0].contains(&format!("; now {len} bytes")), "{what}"),
            None => assert!(lines[0].contains("; now another file, "), "{what}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
