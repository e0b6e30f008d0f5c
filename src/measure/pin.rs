//! Keeps the timed rounds on one CPU.
//!
//! A thread the scheduler moves between cores in the middle of a round reads its store out
//! of the other core's cache, or out of memory: on a 2-vCPU machine, 8 builds of the same
//! 300 000-record `packed` store gave random reads of 3.4 to 14.5 ns each when the process
//! was free to move, and 3.1 to 3.4 ns (with one outlier) pinned with `taskset`. The
//! layouts that touch one cache line per read suffered most, so a verdict between them
//! changed from run to run. [`Pinned::here`] pins the calling thread until dropped; the
//! timed rounds hold it, and the children that run afterwards (heap profiles, costs:
//! counts, not times) inherit the whole machine again.
//!
//! It pins to the idlest CPU the thread may use, measured over [`SAMPLE`] from
//! `/proc/stat`, not to the one it happens to be on: a process started beside a CPU-bound
//! neighbour often starts on the neighbour's CPU, and pinned there it shared that CPU for
//! the whole run (a `compare --records 300000` beside `taskset -c 0 yes` took 100 s instead
//! of 43, its timed rounds twice as long and its random reads twice as slow), while the
//! other CPU idled.

/// The calling thread's CPU affinity before [`Pinned::here`], restored on drop.
#[derive(Debug)]
pub(crate) struct Pinned {
    #[cfg(target_os = "linux")]
    before: Option<nix::sched::CpuSet>,
}

impl Pinned {
    /// Pins the calling thread to the idlest CPU it may run on (see the module's doc; the
    /// one it runs on now when `/proc/stat` cannot tell). Where pinning cannot be done (not
    /// Linux, or the call is refused, as in some containers) it does nothing: the rounds
    /// are still paired, only more exposed to a scheduler that moves them.
    pub(crate) fn here() -> Pinned {
        #[cfg(target_os = "linux")]
        {
            use nix::sched::{sched_getaffinity, sched_getcpu, sched_setaffinity, CpuSet};
            use nix::unistd::Pid;
            let this_thread = Pid::from_raw(0);
            let before = (|| {
                let before = sched_getaffinity(this_thread).ok()?;
                let current = sched_getcpu().ok()?;
                let allowed: Vec<usize> = (0..CpuSet::count())
                    .filter(|&c| before.is_set(c).unwrap_or(false))
                    .collect();
                let cpu = sampled_idlest(&allowed).unwrap_or(current);
                let mut one = CpuSet::new();
                one.set(cpu).ok()?;
                sched_setaffinity(this_thread, &one).ok()?;
                Some(before)
            })();
            Pinned { before }
        }
        #[cfg(not(target_os = "linux"))]
        Pinned {}
    }

    /// Whether the thread is pinned.
    #[cfg(test)]
    pub(crate) fn is_pinned(&self) -> bool {
        #[cfg(target_os = "linux")]
        return self.before.is_some();
        #[cfg(not(target_os = "linux"))]
        false
    }
}

/// How long the CPUs' idle time is sampled before pinning: ten scheduler ticks at the
/// usual 100 Hz of `/proc/stat`, enough to tell a CPU a neighbour keeps busy from an idle
/// one.
const SAMPLE: std::time::Duration = std::time::Duration::from_millis(100);

/// The idlest of `allowed` over [`SAMPLE`], from two readings of `/proc/stat`.
#[cfg(target_os = "linux")]
fn sampled_idlest(allowed: &[usize]) -> Option<usize> {
    if allowed.len() < 2 {
        return allowed.first().copied();
    }
    let before = std::fs::read_to_string("/proc/stat").ok()?;
    std::thread::sleep(SAMPLE);
    let after = std::fs::read_to_string("/proc/stat").ok()?;
    idlest(&before, &after, allowed)
}

/// Per CPU of a `/proc/stat` text: `(cpu, idle ticks, all ticks)`, idle counting iowait.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn ticks(stat: &str) -> Vec<(usize, u64, u64)> {
    stat.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let cpu = words.next()?.strip_prefix("cpu")?.parse().ok()?;
            let counts: Vec<u64> = words.filter_map(|w| w.parse().ok()).collect();
            let idle = counts.get(3)? + counts.get(4).copied().unwrap_or(0);
            Some((cpu, idle, counts.iter().sum()))
        })
        .collect()
}

/// The CPU of `allowed` that was busy least between two readings of `/proc/stat` (the
/// lowest-numbered among equals); `None` when the readings name none of them.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn idlest(before: &str, after: &str, allowed: &[usize]) -> Option<usize> {
    let before = ticks(before);
    ticks(after)
        .into_iter()
        .filter(|(cpu, ..)| allowed.contains(cpu))
        .filter_map(|(cpu, idle, all)| {
            let &(_, idle0, all0) = before.iter().find(|(c, ..)| *c == cpu)?;
            let busy = all
                .saturating_sub(all0)
                .saturating_sub(idle.saturating_sub(idle0));
            Some((busy, cpu))
        })
        .min()
        .map(|(_, cpu)| cpu)
}

impl Drop for Pinned {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(before) = &self.before {
            // Failing to widen the mask again only slows the children down; nothing to do.
            let _ = nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), before);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{idlest, Pinned};

    /// Two readings of `/proc/stat`, 10 ticks apart: CPU 0 busy throughout (a neighbour),
    /// CPU 1 idle, CPU 2 half busy.
    const BEFORE: &str = "cpu  300 0 100 900 10 0 0 0 0 0\n\
        cpu0 100 0 50 300 5 0 0 0 0 0\n\
        cpu1 100 0 25 300 5 0 0 0 0 0\n\
        cpu2 100 0 25 300 0 0 0 0 0 0\n\
        intr 12345 0 0\nctxt 999\n";
    const AFTER: &str = "cpu  320 0 100 910 11 0 0 0 0 0\n\
        cpu0 110 0 50 300 5 0 0 0 0 0\n\
        cpu1 100 0 25 309 6 0 0 0 0 0\n\
        cpu2 105 0 25 305 0 0 0 0 0 0\n\
        intr 12400 0 0\nctxt 1200\n";

    #[test]
    fn pins_away_from_a_busy_neighbour() {
        assert_eq!(idlest(BEFORE, AFTER, &[0, 1, 2]), Some(1));
        assert_eq!(idlest(BEFORE, AFTER, &[0, 2]), Some(2));
        assert_eq!(idlest(BEFORE, AFTER, &[0]), Some(0));
        // Equally idle: the lowest-numbered.
        assert_eq!(idlest(BEFORE, BEFORE, &[2, 1]), Some(1));
        // Not named in the readings: no choice.
        assert_eq!(idlest(BEFORE, AFTER, &[7]), None);
        assert_eq!(idlest("", "", &[0, 1]), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn pins_to_one_cpu_and_restores_the_mask() {
        use nix::sched::sched_getaffinity;
        use nix::unistd::Pid;
        let count = |set: &nix::sched::CpuSet| {
            (0..nix::sched::CpuSet::count())
                .filter(|&c| set.is_set(c).unwrap_or(false))
                .count()
        };
        let before = count(&sched_getaffinity(Pid::from_raw(0)).unwrap());
        let pinned = Pinned::here();
        assert!(pinned.is_pinned());
        assert_eq!(count(&sched_getaffinity(Pid::from_raw(0)).unwrap()), 1);
        drop(pinned);
        assert_eq!(count(&sched_getaffinity(Pid::from_raw(0)).unwrap()), before);
    }
}
