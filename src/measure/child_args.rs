//! How a profiling child is told what the parent measured: the command-line flags (and, for
//! paths that are not UTF-8, the environment) that reproduce the source and window in the
//! child's own command line.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::Path;

use crate::source::SourceSpec;

/// Environment variables through which a child gets paths that are not UTF-8 (dhat reads
/// its command line with `std::env::args`, which cannot hold them).
pub(crate) const INPUT_ENV: &str = "LAYOUTLAB_CHILD_INPUT";
pub(crate) const PROFILE_ENV: &str = "LAYOUTLAB_CHILD_PROFILE";

/// `flag PATH` in the arguments when the path is UTF-8; otherwise `flag-env` there and the
/// path in the environment variable `var`.
pub(crate) fn path_arg(
    flag: &str,
    var: &str,
    path: &Path,
    args: &mut Vec<OsString>,
    env: &mut Vec<(OsString, OsString)>,
) {
    if path.to_str().is_some() {
        args.push(flag.into());
        args.push(path.into());
    } else {
        args.push(format!("{flag}-env").into());
        env.push((var.into(), path.into()));
    }
}

/// The command-line flags (and environment) that reproduce `source` and `window` in a child.
pub(crate) fn source_args(
    source: &SourceSpec,
    window: NonZeroUsize,
    env: &mut Vec<(OsString, OsString)>,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    match source {
        SourceSpec::Generated(g) => {
            for (flag, value) in [
                ("--records", g.records.to_string()),
                ("--sensors", g.sensors.to_string()),
                ("--seed", g.seed.to_string()),
            ] {
                args.push(flag.into());
                args.push(value.into());
            }
        }
        SourceSpec::Csv {
            path, skip_invalid, ..
        } => {
            path_arg("--input", INPUT_ENV, path, &mut args, env);
            if *skip_invalid {
                args.push("--skip-invalid".into());
            }
        }
    }
    args.push("--window".into());
    args.push(window.to_string().into());
    args
}
