//! Where readings come from: a deterministic generator or a CSV file.
//!
//! Both sources stream: they validate one reading at a time and hand it to a sink (the
//! layout's ingest), borrowing the id from their own buffer. No layout is ever given a
//! pre-built vector, so the heap measured during ingest is the layout's, not the source's.
//!
//! A run opens its source many times (per layout, per repeat, per profiling process), so an
//! input file is checked once up front ([`SourceSpec::prepare`]) and held to the same
//! version on every open after (see [`Fingerprint`]).

pub mod csv;
pub(crate) mod file;
pub mod generator;
pub mod replay;

use std::path::PathBuf;

use crate::error::{InputError, StreamError};
use crate::record::Reading;

pub use self::csv::CsvSource;
pub use self::file::Fingerprint;
pub use self::generator::{Generator, GeneratorConfig};

/// What a finished stream reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streamed {
    /// Readings handed to the sink.
    pub records: u64,
    /// Distinct sensor ids among the readings handed to the sink.
    pub sensors: u64,
    /// Bad rows skipped (only with `--skip-invalid`).
    pub skipped: u64,
    /// The first skipped row's error, to show the user what was skipped.
    pub first_skipped: Option<String>,
}

/// A stream of readings.
pub trait Source {
    /// How many readings the source expects to yield, if it knows (0 otherwise): the
    /// generator's count, or at most a CSV file's lines but the header. Layouts may reserve
    /// this much.
    fn expected_records(&self) -> usize;

    /// Validates and yields every reading, in order, to `sink`. Stops at the first error
    /// (a bad row unless skipping, or the sink's own error).
    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>;
}

/// How to make a source: the command line's source flags. Each run opens a fresh source, so
/// every layout ingests the same readings.
///
/// Call [`SourceSpec::prepare`] once, before anything is measured, and use the spec it
/// returns for the whole run: it refuses inputs that cannot be read once per layout, and
/// makes every later open check that the file has not changed.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSpec {
    /// The built-in generator.
    Generated(GeneratorConfig),
    /// A CSV file.
    Csv {
        /// The file.
        path: PathBuf,
        /// Skip and count bad rows instead of stopping.
        skip_invalid: bool,
        /// The file as [`SourceSpec::prepare`] found it; every open checks that it still is
        /// (`None`: not prepared, nothing is checked).
        fingerprint: Option<Fingerprint>,
    },
}

impl SourceSpec {
    /// Checks the input before a run and pins it: for a CSV file, that it is a regular file
    /// that can be opened for reading, and its [`Fingerprint`], which every later
    /// [`SourceSpec::open`] of the returned spec checks. The generator needs nothing.
    ///
    /// The command line calls this once, before measuring anything; profiling processes,
    /// which re-open the same path, call it again for themselves (the parent then checks
    /// with [`SourceSpec::verify_unchanged`] once they are done).
    ///
    /// # Errors
    ///
    /// One line naming the file and the problem: it is missing or unreadable, or it is not
    /// a regular file (a pipe, a terminal, a device, a socket or a directory) and so cannot
    /// be read again for every layout.
    ///
    /// # Examples
    ///
    /// ```
    /// use layoutlab::source::SourceSpec;
    /// let csv = |path: std::path::PathBuf| SourceSpec::Csv {
    ///     path,
    ///     skip_invalid: false,
    ///     fingerprint: None,
    /// };
    /// let dir = csv(std::env::temp_dir()).prepare().unwrap_err().to_string();
    /// assert!(dir.ends_with("not a regular file (a directory): expected a CSV file"), "{dir}");
    ///
    /// let path = std::env::temp_dir().join(format!("prepare-doc-{}.csv", std::process::id()));
    /// std::fs::write(&path, "sensor_id,timestamp,value,unit\n").unwrap();
    /// let spec = csv(path.clone()).prepare().unwrap();
    /// assert!(spec.verify_unchanged().is_ok());
    /// std::fs::write(&path, "sensor_id,timestamp,value,unit\nA,1,2,C\n").unwrap();
    /// assert!(spec.verify_unchanged().unwrap_err().to_string().contains("the input changed"));
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn prepare(self) -> Result<SourceSpec, InputError> {
        match self {
            SourceSpec::Generated(_) => Ok(self),
            SourceSpec::Csv {
                path,
                skip_invalid,
                fingerprint,
            } => {
                let (_, found) = file::open(&path, fingerprint.as_ref())?;
                Ok(SourceSpec::Csv {
                    path,
                    skip_invalid,
                    fingerprint: Some(found),
                })
            }
        }
    }

    /// Checks that a prepared input file is still the one [`SourceSpec::prepare`] found.
    /// Call it whenever results that must agree do not (layouts that disagree, a profiling
    /// process that read something else) and after the profiling processes finish: an
    /// error then means the input changed, which explains the disagreement, and it is the
    /// error to report (exit status 2) instead of "this is a bug". `Ok` for the generator
    /// and for a spec that was not prepared.
    ///
    /// # Errors
    ///
    /// `FILE: the input changed during the run (it was N bytes, modified at T; now …);
    /// rerun on a file nothing writes to`.
    pub fn verify_unchanged(&self) -> Result<(), InputError> {
        match self {
            SourceSpec::Csv {
                path,
                fingerprint: Some(was),
                ..
            } => file::check_path(path, was),
            _ => Ok(()),
        }
    }

    /// A fresh source, positioned at the first reading. A prepared CSV file is checked
    /// against its fingerprint when the source opens it and again after reading it, and
    /// tells the store how many readings it holds at most, from its lines (counted once per
    /// version of the file), as the generator tells its count: a store that knows reserves
    /// once instead of growing by doubling.
    pub fn open(&self) -> AnySource {
        match self {
            SourceSpec::Generated(config) => AnySource::Generated(Generator::new(config.clone())),
            SourceSpec::Csv {
                path,
                skip_invalid,
                fingerprint,
            } => {
                let rows = file::rows_bound(path, fingerprint.as_ref());
                let source = CsvSource::new(path.clone(), *skip_invalid).with_rows(rows);
                AnySource::Csv(match fingerprint {
                    Some(fingerprint) => source.expecting(*fingerprint),
                    None => source,
                })
            }
        }
    }

    /// `"generated"` or the input path, as `run --json` reports it.
    pub fn label(&self) -> String {
        match self {
            SourceSpec::Generated(_) => "generated".to_owned(),
            SourceSpec::Csv { path, .. } => path.display().to_string(),
        }
    }
}

/// Either source, dispatched statically per arm.
#[derive(Debug)]
pub enum AnySource {
    /// The generator.
    Generated(Generator),
    /// A CSV file.
    Csv(CsvSource),
}

impl Source for AnySource {
    fn expected_records(&self) -> usize {
        match self {
            AnySource::Generated(g) => g.expected_records(),
            AnySource::Csv(c) => c.expected_records(),
        }
    }

    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        match self {
            AnySource::Generated(g) => g.stream(sink),
            AnySource::Csv(c) => c.stream(sink),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(name: &str, contents: &str) -> (PathBuf, SourceSpec) {
        let dir = std::env::temp_dir().join(format!("layoutlab-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        let spec = SourceSpec::Csv {
            path: path.clone(),
            skip_invalid: false,
            fingerprint: None,
        };
        (path, spec.prepare().unwrap())
    }

    /// Streams `spec` once, calling `each` per reading; the error as text.
    fn stream(spec: &SourceSpec, mut each: impl FnMut()) -> Result<Streamed, String> {
        spec.open()
            .stream(|_| -> Result<(), std::convert::Infallible> {
                each();
                Ok(())
            })
            .map_err(|e| e.to_string())
    }

    const ROWS: &str = "sensor_id,timestamp,value,unit\nA,1,2,C\nA,2,3,C\n";

    #[test]
    fn a_prepared_file_reads_again_and_again_while_unchanged() {
        let (_, spec) = prepared("again.csv", ROWS);
        for _ in 0..3 {
            assert_eq!(stream(&spec, || {}).unwrap().records, 2);
        }
        spec.verify_unchanged().unwrap();
    }

    #[test]
    fn a_file_changed_between_opens_is_refused_at_the_next_open() {
        let (path, spec) = prepared("between.csv", ROWS);
        stream(&spec, || {}).unwrap();
        std::fs::write(&path, format!("{ROWS}A,3,4,C\n")).unwrap();
        let e = stream(&spec, || panic!("nothing may be read")).unwrap_err();
        let len = ROWS.len();
        assert!(
            e.starts_with(&format!(
                "{}: the input changed during the run (it was {len} bytes",
                path.display()
            )),
            "{e}"
        );
        assert!(e.contains(&format!("; now {} bytes", len + 8)), "{e}");
        assert!(spec.verify_unchanged().is_err());
    }

    #[test]
    fn a_file_written_while_it_is_read_is_reported_after_the_read() {
        let (path, spec) = prepared("during.csv", ROWS);
        let mut written = false;
        let e = stream(&spec, || {
            if !written {
                written = true;
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                std::io::Write::write_all(&mut file, b"A,9,9,C\n").unwrap();
            }
        })
        .unwrap_err();
        assert!(e.contains("the input changed during the run"), "{e}");
    }

    #[test]
    fn an_unprepared_spec_checks_nothing_up_front() {
        let spec = SourceSpec::Csv {
            path: "/nonexistent/input.csv".into(),
            skip_invalid: false,
            fingerprint: None,
        };
        spec.verify_unchanged().unwrap();
        let e = stream(&spec, || {}).unwrap_err();
        assert_eq!(
            e,
            "/nonexistent/input.csv: cannot open: No such file or directory (os error 2)"
        );
        let e = spec.prepare().unwrap_err().to_string();
        assert!(
            e.starts_with("/nonexistent/input.csv: cannot open: "),
            "{e}"
        );
    }
}
