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
        let dir = std::env::temp_dir().join(format!("layoutlab-python-{}", std::process::id()));
        let outcome = (|| -> anyhow::Result<PythonSection> {
            let csv = match &self.source {
                SourceSpec::Generated(g) => {
                    std::fs::create_dir_all(&dir)?;
                    let csv = dir.join("workload.csv");
                    let config = GeneratorConfig {
                        records: g.records.min(cap),
                        ..g.clone()
                    };
                    crate::source::generator::write_csv(&config, std::fs::File::create(&csv)?)?;
                    csv
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
                SourceSpec::Csv { path, .. } => path.clone(),
            };
            let on_csv = Builtin {
                source: SourceSpec::Csv {
                    path: csv.clone(),
                    skip_invalid: false,
                },
                window: self.window,
            };
            let rust = super::Subject::run_once(&on_csv, &rust_layout.layout, None)
                .map_err(|e| anyhow!("{e:#}"))?
                .outcome
                .aggregates;
            crate::measure::python::run(&csv, self.window.get(), &rust)
        })();
        std::fs::remove_dir_all(&dir).ok();
        outcome.unwrap_or_else(|e| skipped(format!("the script failed: {e:#}")))
    }
}
