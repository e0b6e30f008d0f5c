//! Keeps the timed rounds on one CPU.
//!
//! A thread the scheduler moves between cores in the middle of a round reads its store out
//! of the other core's cache, or out of memory: on a 2-vCPU machine, 8 builds of the same
//! 300 000-record `packed` store gave random reads of 3.4 to 14.5 ns each when the process
//! was free to move, and 3.1 to 3.4 ns (with one outlier) pinned with `taskset`. The
//! layouts that touch one cache line per read suffered most, so a verdict between them
//! changed from run to run. [`Pinned::here`] pins the calling thread to the CPU it is on
//! until dropped; the timed rounds hold it, and the children that run afterwards (heap
//! profiles, costs: counts, not times) inherit the whole machine again.

/// The calling thread's CPU affinity before [`Pinned::here`], restored on drop.
#[derive(Debug)]
pub(crate) struct Pinned {
    #[cfg(target_os = "linux")]
    before: Option<nix::sched::CpuSet>,
}

impl Pinned {
    /// Pins the calling thread to the CPU it runs on now. Where that cannot be done (not
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
                let cpu = sched_getcpu().ok()?;
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
    use super::Pinned;

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
