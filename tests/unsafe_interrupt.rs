//! The `unsafe` calls that make children die with their parent: `kill(2)` of a child's
//! process group and `prctl(PR_SET_PDEATHSIG)`. CI runs this file under valgrind memcheck.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;

use layoutlab::__private::{die_with_parent, kill};

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
fn asking_to_die_with_the_parent_keeps_this_process_running() {
    // The test runner is this process's parent and is alive: the call must return.
    die_with_parent();
    die_with_parent();
}
