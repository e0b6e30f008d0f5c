//! The Python reference in a built-in run: the same readings (at most `--python-records` of
//! them) through `scripts/python_baseline.py`, checked bit for bit against a Rust layout's
//! result on those same readings.

use anyhow::anyhow;

use super::builtin::Builtin;
use crate::source::{GeneratorConfig, SourceSpec};

impl Builtin {
    /// Runs the Python reference on the same readings (at most `cap` of them) and checks it
    /// against a Rust layout's result on those same readings; why not, when it cannot run.
    pub(crate) fn python(
        &self,
        cap: u64,
        results: &crate::model::Results,
    ) -> crate::model::PythonSection {
        use crate::model::PythonSection;
        let skipped = |reason: String| PythonSection::Skipped { reason };
        if cap == 0 {
            return skipped("turned off with --python-records 0".to_owned());
        }
        let Some((rust_layout, timing)) = results.timed().next() else {
            return skipped(
                "no Rust layout ran, so there is nothing to check Python against".to_owned(),
            );
        };
        let outcome = (|| -> anyhow::Result<PythonSection> {
            // The user's own file keeps its fingerprint, so a change during the run shows.
            let (csv, source, _dir) = match &self.source {
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
                SourceSpec::Csv { .. } if timing.records > cap => {
                    return Ok(skipped(format!(
                        "the input has {} records, more than --python-records {cap}",
                        timing.records
                    )))
                }
                SourceSpec::Csv {
                    skip_invalid: true, ..
                } => {
                    return Ok(skipped(
                        "the Python script reads only valid files (--skip-invalid was given)"
                            .to_owned(),
                    ))
                }
                SourceSpec::Csv { path, .. } => (path.clone(), self.source.clone(), None),
            };
            let on_csv = Builtin {
                source,
                window: self.window,
            };
            let rust = super::Subject::run_once(&on_csv, &rust_layout.layout, None)
                .map_err(|e| anyhow!("{e:#}"))?
                .outcome
                .aggregates;
            crate::measure::python::run(&csv, self.window.get(), &rust)
        })();
        outcome.unwrap_or_else(|e| skipped(format!("the script failed: {e:#}")))
    }
}
