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
    /// The profile's path is in $LAYOUTLAB_CHILD_PROFILE (it is not UTF-8).
    #[arg(long, conflicts_with = "profile")]
    profile_env: bool,
    /// Count without dhat: the same figures, phases included, without its stack walk per
    /// allocation and without a profile. `main` reads this flag before anything else, to
    /// set the allocator.
    #[arg(long, conflicts_with_all = ["profile", "profile_env"])]
    count_only: bool,
}

/// Runs `profile-heap`.
pub(crate) fn profile_heap(args: &ProfileHeapArgs) -> Result<()> {
    let subject = args.source.subject()?;
    let profile = match args.profile_env {
        true => std::env::var_os(crate::measure::child_args::PROFILE_ENV).map(PathBuf::from),
        false => args.profile.clone(),
    };
    let report = child::run(&ChildRequest {
        layout: &args.layout,
        source: &subject.source,
        window: subject.window,
        profile: profile.as_deref(),
    })?;
    let mut bytes = serde_json::to_vec(&report)?;
    bytes.push(b'\n');
    emit(&bytes)
}

/// The arguments of `profile-costs` (written by `crate::measure::costs::spawn`).
#[derive(Debug, Args)]
pub(crate) struct ProfileCostsArgs {
    /// The layout to run.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layout: String,
    #[command(flatten)]
    source: SourceArgs,
}

/// Runs `profile-costs` (under callgrind; it refuses to run elsewhere).
pub(crate) fn profile_costs(args: &ProfileCostsArgs) -> Result<()> {
    let subject = args.source.subject()?;
    let report = crate::measure::costs::child::run(&args.layout, &subject.source, subject.window)?;
    let mut bytes = serde_json::to_vec(&report)?;
    bytes.push(b'\n');
    emit(&bytes)
}
