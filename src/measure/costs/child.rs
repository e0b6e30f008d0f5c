//! The child's side: `layoutlab profile-costs --layout NAME …`, started under callgrind by
//! the parent (see [`super::measure_layout`]), runs one layout's pipeline once with
//! [`CallgrindMarks`] and returns a [`CostChildReport`] that the command prints as JSON on
//! stdout. The counts themselves are in callgrind's dump files, which the parent reads
//! after the child has exited.

use std::num::NonZeroUsize;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::client_request::running_on_valgrind;
use super::observer::CallgrindMarks;
use crate::layouts::{visit_named, Layout, LayoutFn};
use crate::pipeline;
use crate::source::SourceSpec;

/// The hidden subcommand the child runs.
pub const CHILD_COMMAND: &str = "profile-costs";

/// What the child prints on stdout: enough of its run for the parent to check that it ran
/// the same workload as the timed runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostChildReport {
    /// The layout's registry name.
    pub layout: String,
    /// Records ingested.
    pub records: u64,
    /// Records kept by the filter.
    pub kept: u64,
    /// The run's checksum.
    pub checksum: f64,
}

/// Runs `layout`'s pipeline once in this process, marking the stages for callgrind.
///
/// # Errors
///
/// If the layout does not exist, the process is not running under valgrind (the counts
/// would go nowhere; `layoutlab` starts this command under callgrind itself), or the source
/// or layout fails.
pub fn run(layout: &str, source: &SourceSpec, window: NonZeroUsize) -> Result<CostChildReport> {
    anyhow::ensure!(
        running_on_valgrind() > 0,
        "`layoutlab {CHILD_COMMAND}` counts only under `valgrind --tool=callgrind` \
         (`run --costs` starts it so)"
    );
    struct Count<'a>(&'a SourceSpec, NonZeroUsize);
    impl LayoutFn for Count<'_> {
        type Out = Result<CostChildReport>;
        fn call<L: Layout>(&mut self) -> Result<CostChildReport> {
            count::<L>(self.0, self.1)
        }
    }
    visit_named(layout, &mut Count(source, window))?
}

fn count<L: Layout>(source: &SourceSpec, window: NonZeroUsize) -> Result<CostChildReport> {
    let mut source = source.open();
    // The maps the pipeline makes get the same seeds however many maps were made before:
    // measured, one more map made earlier moved heap_map's aggregate stage by 2 700
    // instructions in 24 million, and this took it back to the exact count.
    crate::hash::restart_seeds();
    let outcome = pipeline::run::<L, _, _>(&mut source, window, &mut CallgrindMarks)?;
    Ok(CostChildReport {
        layout: L::NAME.to_owned(),
        records: outcome.records,
        kept: outcome.aggregates.kept,
        checksum: outcome.aggregates.checksum,
    })
}
