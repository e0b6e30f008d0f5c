//! Where a session's time went: `compare` tells its users how long the timed rounds, the
//! other sizes, the heap profiles and the costs took, so they can judge `--repeat`,
//! `--no-costs` or a sweep's cap before the next run.

/// Where a session's time went, part by part (parts that took no time are left out).
#[derive(Debug)]
pub(super) struct Took {
    since: std::time::Instant,
    parts: Vec<(&'static str, std::time::Duration)>,
}

impl Default for Took {
    fn default() -> Self {
        Took {
            since: std::time::Instant::now(),
            parts: Vec::new(),
        }
    }
}

impl Took {
    /// Ends the part called `name`.
    pub(super) fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        let took = now - self.since;
        self.since = now;
        if took >= std::time::Duration::from_millis(50) {
            self.parts.push((name, took));
        }
    }
}

/// `measured in 96 s: timed rounds 31 s, heap profiles 40 s, costs 25 s`.
impl std::fmt::Display for Took {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: std::time::Duration = self.parts.iter().map(|(_, d)| *d).sum();
        write!(f, "measured in {:.0} s", total.as_secs_f64())?;
        for (i, (name, d)) in self.parts.iter().enumerate() {
            let sep = if i == 0 { ": " } else { ", " };
            write!(f, "{sep}{name} {:.0} s", d.as_secs_f64())?;
        }
        Ok(())
    }
}
