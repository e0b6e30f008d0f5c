//! The [`StageObserver`] that cuts a callgrind run into stages: one callgrind dump per
//! stage, per gap between stages, and for the store's drop.

use std::ffi::CStr;

use super::client_request::{
    dump_stats_at, start_instrumentation, stop_instrumentation, zero_stats,
};
use crate::pipeline::{Stage, StageObserver};

/// What one dump covers, named in its `desc: Trigger: Client Request:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    /// A stage, from its `before` hook to its `after` hook.
    Stage(Stage),
    /// The pipeline's own code between the previous stage's end and this stage's start.
    Before(Stage),
    /// Between the aggregate stage's end and the store's drop.
    BeforeDrop,
    /// Dropping the store.
    Drop,
}

impl Span {
    /// Every span of a run, in the order the pipeline passes them.
    pub(crate) const ALL: [Span; 11] = [
        Span::Stage(Stage::Ingest),
        Span::Before(Stage::Filter),
        Span::Stage(Stage::Filter),
        Span::Before(Stage::Normalize),
        Span::Stage(Stage::Normalize),
        Span::Before(Stage::Rolling),
        Span::Stage(Stage::Rolling),
        Span::Before(Stage::Aggregate),
        Span::Stage(Stage::Aggregate),
        Span::BeforeDrop,
        Span::Drop,
    ];

    /// The dump's name: `layoutlab:<stage>`, `layoutlab:before-<stage>`,
    /// `layoutlab:before-drop`, `layoutlab:drop`.
    pub(crate) const fn name(self) -> &'static CStr {
        match self {
            Span::Stage(Stage::Ingest) => c"layoutlab:ingest",
            Span::Stage(Stage::Filter) => c"layoutlab:filter",
            Span::Stage(Stage::Normalize) => c"layoutlab:normalize",
            Span::Stage(Stage::Rolling) => c"layoutlab:rolling",
            Span::Stage(Stage::Aggregate) => c"layoutlab:aggregate",
            // Nothing comes before ingest: counting starts there.
            Span::Before(Stage::Ingest) => c"layoutlab:before-ingest",
            Span::Before(Stage::Filter) => c"layoutlab:before-filter",
            Span::Before(Stage::Normalize) => c"layoutlab:before-normalize",
            Span::Before(Stage::Rolling) => c"layoutlab:before-rolling",
            Span::Before(Stage::Aggregate) => c"layoutlab:before-aggregate",
            Span::BeforeDrop => c"layoutlab:before-drop",
            Span::Drop => c"layoutlab:drop",
        }
    }

    /// The span a dump's name stands for.
    pub(crate) fn named(name: &str) -> Option<Span> {
        Span::ALL
            .into_iter()
            .find(|span| span.name().to_bytes() == name.as_bytes())
    }
}

/// Tells callgrind where the stages are: counting starts at ingest (the run starts with
/// `--instr-atstart=no`), every span ends in a dump of its own (which zeroes the counts),
/// and counting stops after the drop, so the whole run is the sum of the dumps.
///
/// It allocates nothing and reads no clock. On a real CPU every hook is a handful of
/// instructions that do nothing.
#[derive(Debug, Default)]
pub struct CallgrindMarks;

impl StageObserver for CallgrindMarks {
    #[inline]
    fn before(&mut self, stage: Stage) {
        if stage == Stage::Ingest {
            start_instrumentation();
            // Starting may count the request's own return; the run starts here, at zero.
            zero_stats();
        } else {
            dump_stats_at(Span::Before(stage).name());
        }
    }

    #[inline]
    fn after(&mut self, stage: Stage) {
        dump_stats_at(Span::Stage(stage).name());
    }

    #[inline]
    fn before_drop(&mut self) {
        dump_stats_at(Span::BeforeDrop.name());
    }

    #[inline]
    fn after_drop(&mut self) {
        dump_stats_at(Span::Drop.name());
        stop_instrumentation();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_names_round_trip() {
        for span in Span::ALL {
            let name = span.name().to_str().unwrap();
            assert_eq!(Span::named(name), Some(span), "{name}");
        }
        assert_eq!(Span::named("layoutlab:before-ingest"), None);
        assert_eq!(Span::named("Program termination"), None);
    }
}
