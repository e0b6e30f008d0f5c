//! [`Failure`]: what went wrong for one layout, kept as a value so that the other layouts
//! are still measured and reported.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What went wrong for one layout, and in which part of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Which measurement failed.
    pub kind: FailureKind,
    /// What happened, in one line.
    pub message: String,
}

/// The part of a run a [`Failure`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The layout cannot represent the input (more distinct ids than its id type holds): an
    /// answer about the layout, not a failed measurement.
    Capacity,
    /// The random-read probe.
    Access,
    /// The heap-profiling process.
    Heap,
    /// The costs process under callgrind.
    Costs,
    /// A workload gave another output on this layout than on the others.
    Mismatch,
    /// A user's workload panicked on this layout: its figures are missing, the rest stand.
    Panic,
    /// A user's workload gave another output in two runs on the same layout, so no layout's
    /// output can be checked against another's: its figures are missing everywhere.
    Nondeterministic,
    /// Anything else (a smaller size of the scaling curves, or a failure saved by a version
    /// that did not say which part).
    Other,
}

impl FailureKind {
    /// How the failure's line starts in reports and in `results.json`.
    const fn prefix(self) -> &'static str {
        match self {
            FailureKind::Capacity => "timed run",
            FailureKind::Access => "random-read probe",
            FailureKind::Heap => "heap profile",
            FailureKind::Costs => "costs",
            FailureKind::Mismatch => "different output",
            FailureKind::Panic => "workload panicked",
            FailureKind::Nondeterministic => "not deterministic",
            FailureKind::Other => "",
        }
    }

    const PREFIXED: [FailureKind; 7] = [
        FailureKind::Capacity,
        FailureKind::Access,
        FailureKind::Heap,
        FailureKind::Costs,
        FailureKind::Mismatch,
        FailureKind::Panic,
        FailureKind::Nondeterministic,
    ];

    /// Whether a failure of this kind means a measurement failed (the command then exits 1),
    /// rather than that the layout cannot hold the input.
    pub const fn is_measurement(self) -> bool {
        !matches!(self, FailureKind::Capacity)
    }

    /// Whether the layout's remaining rounds are skipped: a failure of one workload on it
    /// (a panic, another output) leaves its other workloads measured.
    pub const fn stops_layout(self) -> bool {
        !matches!(
            self,
            FailureKind::Mismatch | FailureKind::Panic | FailureKind::Nondeterministic
        )
    }
}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: FailureKind, message: impl fmt::Display) -> Failure {
        Failure {
            kind,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FailureKind::Other => f.write_str(&self.message),
            kind => write!(f, "{}: {}", kind.prefix(), self.message),
        }
    }
}

/// Saved as the one line a report shows (`"heap profile: …"`), as earlier versions did.
impl Serialize for Failure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Failure {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let line = String::deserialize(deserializer)?;
        for kind in FailureKind::PREFIXED {
            if let Some(message) = line
                .strip_prefix(kind.prefix())
                .and_then(|rest| rest.strip_prefix(": "))
            {
                return Ok(Failure::new(kind, message));
            }
        }
        // The scaling failures of earlier versions said "heap profile at N records: …".
        Ok(Failure::new(FailureKind::Other, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_round_trip_as_report_lines() {
        let f = Failure::new(FailureKind::Heap, "the child crashed");
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, "\"heap profile: the child crashed\"");
        assert_eq!(serde_json::from_str::<Failure>(&json).unwrap(), f);
        for kind in FailureKind::PREFIXED {
            let f = Failure::new(kind, "`w`: x");
            let back: Failure = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
            assert_eq!(back, f);
        }
        let old: Failure = serde_json::from_str("\"heap profile at 1000 records: x\"").unwrap();
        assert_eq!(old.kind, FailureKind::Other);
    }
}
