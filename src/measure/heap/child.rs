//! The profiling child's side: `layoutlab profile-heap --layout NAME …` measures one
//! layout's heap — counted (`--count-only`), or under dhat when a profile is to be saved for
//! DHAT's viewer — and returns a [`ChildReport`] that the command prints as JSON on stdout.
//! Both give the same figures.

use std::num::NonZeroUsize;
use std::path::Path;

use anyhow::{Context, Result};

use super::{measure, ChildReport, CountingError, SwitchAlloc};
use crate::layouts::{visit_named, Layout, LayoutFn};
use crate::source::SourceSpec;

/// Frames dhat keeps per allocation backtrace. Walking the stack is most of what dhat costs
/// per allocation, and the cost grows with every frame walked: at 1 000 000 records
/// `heap_map` (9 allocations per record) takes about 2 s of CPU more per extra frame. Two of
/// the frames are the allocator's own (dhat's and [`super::SwitchAlloc`]'s); in a release
/// build, where the allocation site, the layout method and the stage's closure inline into a
/// few physical frames, the other three reach from the allocation to the pipeline stage,
/// which is what DHAT's viewer needs to tell the program points apart.
pub const BACKTRACE_FRAMES: usize = 5;

/// What one profiling child measures.
#[derive(Debug, Clone)]
pub struct ChildRequest<'a> {
    /// The layout's registry name.
    pub layout: &'a str,
    /// The workload, exactly as the timed runs read it.
    pub source: &'a SourceSpec,
    /// The rolling window.
    pub window: NonZeroUsize,
    /// Where to save dhat's profile; `None` saves none.
    pub profile: Option<&'a Path>,
}

/// Profiles `request.layout` in this process and returns its figures.
///
/// # Errors
///
/// If the layout does not exist, this process's allocator is not tracking (it must be the
/// `layoutlab` binary started as `layoutlab profile-heap`), the profile file cannot be
/// written, or the measurement fails (see [`super::HeapError`]).
pub fn run(request: &ChildRequest<'_>) -> Result<ChildReport> {
    struct Profile<'a, 'r>(&'r ChildRequest<'a>);
    impl LayoutFn for Profile<'_, '_> {
        type Out = Result<ChildReport>;
        fn call<L: Layout>(&mut self) -> Result<ChildReport> {
            profile::<L>(self.0)
        }
    }
    visit_named(request.layout, &mut Profile(request))?
}

fn profile<L: Layout>(request: &ChildRequest<'_>) -> Result<ChildReport> {
    if !SwitchAlloc::is_tracking() {
        return Err(CountingError::NotTracking.into());
    }
    if SwitchAlloc::is_counting_only() {
        let mut source = request.source.open();
        let (outcome, memory) = super::count::<L, _>(&mut source, request.window)
            .with_context(|| format!("layout {}", L::NAME))?;
        return Ok(ChildReport {
            layout: L::NAME.to_owned(),
            records: outcome.records,
            kept: outcome.aggregates.kept,
            checksum: outcome.aggregates.checksum,
            memory,
        });
    }
    // dhat writes to a name of this process's own, renamed over the profile once complete:
    // a run never sees a half-written profile, nor another run's (two runs of the same
    // workload may share a profile directory).
    let writing = request.profile.map(|path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
    });
    if let Some(path) = request.profile {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the profile directory {}", dir.display()))?;
        }
    }
    let mut source = request.source.open();
    let builder = dhat::Profiler::builder().trim_backtraces(Some(BACKTRACE_FRAMES));
    let builder = match &writing {
        Some(path) => builder.file_name(path),
        // Testing mode is the one that saves nothing.
        None => builder.testing(),
    };
    let profiler = builder.build();
    let measured = measure::<L, _>(&profiler, &mut source, request.window);
    // Dropping the profiler writes the profile.
    drop(profiler);
    let (outcome, mut memory) = measured.with_context(|| format!("layout {}", L::NAME))?;
    if let (Some(path), Some(written)) = (request.profile, &writing) {
        anyhow::ensure!(
            written.is_file(),
            "dhat could not write the profile {} (see its message above)",
            path.display()
        );
        std::fs::rename(written, path)
            .with_context(|| format!("cannot move the profile into {}", path.display()))?;
        memory.profile = Some(path.display().to_string());
    }
    Ok(ChildReport {
        layout: L::NAME.to_owned(),
        records: outcome.records,
        kept: outcome.aggregates.kept,
        checksum: outcome.aggregates.checksum,
        memory,
    })
}
