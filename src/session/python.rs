//! The Python reference in a built-in run: the same readings (at most `--python-records` of
//! them) through `scripts/python_baseline.py`, checked bit for bit against a Rust layout's
//! result on those same readings. Its timed pass runs alone right after the timed rounds;
//! its traced pass (tracemalloc, most of its time, no timing) beside the profiling children.

use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::anyhow;

use super::builtin::Builtin;
use super::Beside;
use crate::measure::python::{self, Pass, ScriptOutput};
use crate::model::PythonSection;
use crate::pipeline::Aggregates;
use crate::source::{GeneratorConfig, SourceSpec};
use crate::units::Nanos;

/// About what the traced pass takes per record (tracemalloc's three pipelines: 5.5 s for
/// 50 000 records on a 2-core Xeon), to place it among the children.
const TRACED_NS_PER_RECORD: u64 = 110_000;

/// The Python reference of one run, as it goes.
pub(crate) struct Reference<'a> {
    subject: &'a Builtin,
    cap: u64,
    state: Mutex<State>,
}

/// Where the reference stands.
enum State {
    /// Not run yet.
    Waiting,
    /// Timed; the traced pass is to come.
    Timed {
        csv: PathBuf,
        /// The generated readings' directory, removed when done.
        _dir: Option<crate::interrupt::TempDir>,
        records: u64,
        rust: Aggregates,
        timed: ScriptOutput,
    },
    /// Done, or skipped and why.
    Done(PythonSection),
}

impl<'a> Reference<'a> {
    /// The reference for `subject`, on at most `cap` readings (0: none).
    pub(crate) fn new(subject: &'a Builtin, cap: u64) -> Reference<'a> {
        Reference {
            subject,
            cap,
            state: Mutex::new(State::Waiting),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The section for the results: the rows, or why there are none.
    pub(crate) fn section(&self) -> PythonSection {
        match std::mem::replace(&mut *self.state(), State::Waiting) {
            State::Done(section) => section,
            State::Waiting => skipped(
                "no Rust layout ran, so there is nothing to check Python against".to_owned(),
            ),
            State::Timed { .. } => skipped("its traced pass did not run".to_owned()),
        }
    }

    /// The timed pass and what the traced one needs: the readings as CSV and Rust's
    /// aggregates over them from `layout`'s run; `Ok(Err(section))` when it is skipped.
    fn time(&self, layout: &str, records: u64) -> anyhow::Result<Result<State, PythonSection>> {
        let cap = self.cap;
        if cap == 0 {
            return Ok(Err(skipped(
                "turned off with --python-records 0".to_owned(),
            )));
        }
        // The user's own file keeps its fingerprint, so a change during the run shows.
        let (csv, source, dir) = match &self.subject.source {
            SourceSpec::Generated(g) => {
                // Removed when done, and on Ctrl-C.
                let dir = crate::interrupt::TempDir::new("layoutlab-python")
                    .map_err(|(dir, e)| anyhow!("creating {}: {e}", dir.display()))?;
                let csv = dir.path().join("workload.csv");
                let config = GeneratorConfig {
                    records: g.records.min(cap),
                    ..g.clone()
                };
                crate::source::generator::write_csv(&config, std::fs::File::create(&csv)?)?;
                let source = SourceSpec::Csv {
                    path: csv.clone(),
                    skip_invalid: false,
                    fingerprint: None,
                };
                (csv, source, Some(dir))
            }
            SourceSpec::Csv { .. } if records > cap => {
                return Ok(Err(skipped(format!(
                    "the input has {records} records, more than --python-records {cap}"
                ))))
            }
            SourceSpec::Csv {
                skip_invalid: true, ..
            } => {
                return Ok(Err(skipped(
                    "the Python script reads only valid files (--skip-invalid was given)"
                        .to_owned(),
                )))
            }
            SourceSpec::Csv { path, .. } => (path.clone(), self.subject.source.clone(), None),
        };
        let on_csv = Builtin {
            source,
            window: self.subject.window,
        };
        let outcome =
            super::Subject::run_once(&on_csv, layout, None).map_err(|e| anyhow!("{e:#}"))?;
        let Some(timed) = python::run(&csv, self.subject.window.get(), Pass::Timed)? else {
            return Ok(Err(skipped("python3 is not installed".to_owned())));
        };
        Ok(Ok(State::Timed {
            csv,
            _dir: dir,
            records: outcome.records,
            rust: outcome.outcome.aggregates,
            timed,
        }))
    }
}

fn skipped(reason: String) -> PythonSection {
    PythonSection::Skipped { reason }
}

fn failed(e: &anyhow::Error) -> PythonSection {
    skipped(format!("the script failed: {e:#}"))
}

impl Beside for Reference<'_> {
    fn label(&self) -> &'static str {
        "Python reference"
    }

    fn timed(&self, layout: &str, records: u64) {
        let next = match self.time(layout, records) {
            Ok(Ok(state)) => state,
            Ok(Err(section)) => State::Done(section),
            Err(e) => State::Done(failed(&e)),
        };
        *self.state() = next;
    }

    fn estimate(&self) -> Nanos {
        match &*self.state() {
            State::Timed { records, .. } => Nanos(records * TRACED_NS_PER_RECORD),
            _ => Nanos(0),
        }
    }

    fn counted(&self) {
        let taken = std::mem::replace(&mut *self.state(), State::Waiting);
        let next = match taken {
            State::Timed {
                csv,
                _dir,
                rust,
                timed,
                ..
            } => match python::run(&csv, self.subject.window.get(), Pass::Traced) {
                Ok(Some(traced)) => {
                    python::section(timed, traced, &rust).unwrap_or_else(|e| failed(&e))
                }
                Ok(None) => skipped("python3 is not installed".to_owned()),
                Err(e) => failed(&e),
            },
            other => other_section(other),
        };
        *self.state() = State::Done(next);
    }
}

/// A state the traced pass has nothing to do in, as its section.
fn other_section(state: State) -> PythonSection {
    match state {
        State::Done(section) => section,
        _ => skipped("no Rust layout ran, so there is nothing to check Python against".to_owned()),
    }
}
