//! Errors that are the user's to fix: bad input, usage mistakes, inputs a layout cannot hold.
//!
//! All of them exit with status 2 and one line on stderr (see [`exit_code`]); anything else
//! that goes wrong (an I/O failure while writing a report, a crashed child process) exits 1.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use crate::layouts::CapacityError;

/// Where in the input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A line of a CSV or JSON Lines file (1-based).
    Line {
        /// The file as given on the command line.
        file: PathBuf,
        /// The 1-based line number.
        line: u64,
    },
    /// A whole file (it cannot be opened or read).
    File(PathBuf),
    /// The n-th generated record (0-based).
    Generated(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { file, line } => write!(f, "{}: line {line}", file.display()),
            Location::File(file) => write!(f, "{}", file.display()),
            Location::Generated(n) => write!(f, "generated record {n}"),
        }
    }
}

/// A bad row, header or file, with everything needed to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {}{problem}", .field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
pub struct InputError {
    /// Where the problem is.
    pub location: Location,
    /// The field at fault, when one is: its name, or its path in a record with flattened
    /// records or lists (`place.geo.lat`, `tags[2]`).
    pub field: Option<Cow<'static, str>>,
    /// What was expected and what was found.
    pub problem: String,
}

/// Why streaming a source into a sink stopped: bad input, or the sink's own error `E`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError<E> {
    /// The input is bad.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The sink refused a reading.
    #[error("{location}: {error}")]
    Sink {
        /// Where the refused reading is.
        location: Location,
        /// The sink's error.
        error: E,
    },
}

/// Why streaming a source into a layout stopped: bad input, or a layout that cannot hold it.
pub type SourceError = StreamError<CapacityError>;

/// A command-line value is out of range or inconsistent (clap catches the rest).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit status for an error: 2 for anything the user must fix, 1 otherwise.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    let user_error = error.chain().any(|cause| {
        cause.is::<InputError>()
            || cause.is::<SourceError>()
            || cause.is::<UsageError>()
            || cause.is::<CapacityError>()
            || cause.is::<crate::layouts::UnknownLayout>()
    });
    if user_error {
        2
    } else {
        1
    }
}

/// Whether the error is a write to a reader that went away (a closed pipe).
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let kind = match (
            cause.downcast_ref::<std::io::Error>(),
            cause.downcast_ref::<serde_json::Error>(),
        ) {
            (Some(io), _) => Some(io.kind()),
            (None, Some(json)) => json.io_error_kind(),
            (None, None) => None,
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Shortens `text` for an error message, so one bad megabyte-long field stays one line.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}… ({} bytes)", text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_name_file_line_and_field() {
        let e = InputError {
            location: Location::Line {
                file: "data.csv".into(),
                line: 7,
            },
            field: Some("value".into()),
            problem: "expected a number, found \"abc\"".into(),
        };
        assert_eq!(
            e.to_string(),
            "data.csv: line 7: field `value`: expected a number, found \"abc\""
        );
        assert_eq!(exit_code(&anyhow::Error::new(e)), 2);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), 1);
    }

    #[test]
    fn excerpts_stay_short() {
        assert_eq!(excerpt("abc"), "\"abc\"");
        let long = "x".repeat(1000);
        assert!(excerpt(&long).len() < 70);
    }
}
