//! The hidden commands that profiling children run: one layout measured in a process of its
//! own, its figures printed as JSON on stdout for the parent.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{emit, layout_names, SourceArgs};
use crate::measure::heap::child::{self, ChildRequest};

/// The arguments of `profile-heap` (written by `crate::session::builtin::Builtin`).
#[derive(Debug, Args)]
pub(crate) struct ProfileHeapArgs {
    /// The layout to profile.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layout: String,
    #[command(flatten)]
    source: SourceArgs,
    /// Save dhat's profile here (default: save none).
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
}

/// Runs `profile-heap`.
pub(crate) fn profile_heap(args: &ProfileHeapArgs) -> Result<()> {
    crate::interrupt::die_with_parent();
    let subject = args.source.subject()?;
    let report = child::run(&ChildRequest {
        layout: &args.layout,
        source: &subject.source,
        window: subject.window,
        profile: args.profile.as_deref(),
    })?;
    let mut bytes = serde_json::to_vec(&report)?;
    bytes.push(b'\n');
    emit(&bytes)
}
