//! Where a session's time went: `compare` tells its users how long the timed rounds, the
//! other sizes, the heap profiles and the costs took, so they can judge `--repeat`,
//! `--no-costs` or a sweep's cap before the next run.

/// Where a session's time went, part by part (parts that took no time are left out).
#[derive(Debug)]
pub(super) struct Took {
    since: std::time::Instant,
    parts: Vec<(&'static str, std::time::Duration, Option<String>)>,
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
        self.part(name, None);
    }

    /// Ends the part called `name`, with a note in parentheses after its time.
    pub(super) fn lap_with(&mut self, name: &'static str, note: String) {
        self.part(name, Some(note));
    }

    fn part(&mut self, name: &'static str, note: Option<String>) {
        let now = std::time::Instant::now();
        let took = now - self.since;
        self.since = now;
        if took >= std::time::Duration::from_millis(50) {
            self.parts.push((name, took, note));
        }
    }
}

/// `measured in 80 s: timed rounds 50 s, other sizes 3 s, Python reference 1 s, profiling
/// children 26 s (heap 6 s, costs 42 s of child time, 2 at once)`.
impl std::fmt::Display for Took {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: std::time::Duration = self.parts.iter().map(|(_, d, _)| *d).sum();
        write!(f, "measured in {:.0} s", total.as_secs_f64())?;
        for (i, (name, d, note)) in self.parts.iter().enumerate() {
            let sep = if i == 0 { ": " } else { ", " };
            write!(f, "{sep}{name} {:.0} s", d.as_secs_f64())?;
            if let Some(note) = note {
                write!(f, " ({note})")?;
            }
        }
        Ok(())
    }
}
