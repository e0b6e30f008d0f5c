//! The `unsafe` calls that make children die with their parent: `kill(2)` of a child's
//! process group, and the parent-death signal set between fork and exec. CI runs this file
//! under valgrind memcheck.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;
use std::time::Duration;

use layoutlab::__private::{kill, run_child};

#[test]
fn kill_stops_a_child_and_its_group() {
    let mut child = Command::new("sh")
        .args(["-c", "sleep 30 & sleep 30"])
        .process_group(0)
        .spawn()
        .unwrap();
    kill(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "{status:?}");
    // A group that is gone already: nothing happens.
    kill(child.id());
}

#[test]
fn a_child_started_with_a_parent_death_signal_runs_and_is_bounded() {
    let out = run_child("sh", &["-c", "echo ok"], Duration::from_secs(10)).unwrap();
    assert_eq!(out, b"ok\n");
    let err = run_child("sh", &["-c", "exec sleep 30"], Duration::from_millis(300)).unwrap_err();
    assert!(err.contains("longer than its limit"), "{err}");
}
