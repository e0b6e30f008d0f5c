//! Running the built-in subject: a plan's measurements turned into the workload's results,
//! and the up-front check that a generated workload fits in memory.

use super::Builtin;
use crate::layouts::LAYOUTS;
use crate::source::SourceSpec;

impl Builtin {
    /// Runs `plan` and describes the results.
    pub(crate) fn run(&self, plan: &crate::session::Plan) -> anyhow::Result<crate::model::Results> {
        let measured = crate::session::measure(self, plan)?;
        // A profiling child that read a changed input fails as a mismatch; say why instead.
        self.source.verify_unchanged()?;
        if let Some(streamed) = measured.reference.as_ref().map(|o| &o.streamed) {
            if streamed.skipped > 0 {
                eprintln!(
                    "layoutlab: skipped {} invalid row(s); the first: {}",
                    streamed.skipped,
                    streamed.first_skipped.as_deref().unwrap_or("?")
                );
            }
        }
        let workload = self.workload(measured.reference.as_ref());
        let mut results =
            crate::session::results(measured.layouts, workload, plan.repeat, measured.scaling);
        results.costs_note = measured.costs_note;
        Ok(results)
    }

    /// Refuses, up front, a generated workload that the chosen layouts could not hold in this
    /// machine's memory, estimated from each layout's known heap bytes per record (unless
    /// `force`).
    ///
    /// # Errors
    ///
    /// A [`crate::error::UsageError`] saying how much the largest layout would need and how
    /// much the machine has.
    pub(crate) fn check_fits(&self, layouts: &[String], force: bool) -> anyhow::Result<()> {
        let SourceSpec::Generated(g) = &self.source else {
            return Ok(());
        };
        let Some(available) = crate::measure::machine::available_memory() else {
            return Ok(());
        };
        let largest = layouts
            .iter()
            .filter_map(|name| LAYOUTS.iter().find(|l| l.name == name))
            .max_by_key(|l| l.heap_bytes_per_record);
        let Some(largest) = largest else {
            return Ok(());
        };
        let need = u128::from(g.records) * largest.heap_bytes_per_record as u128;
        if force || need <= u128::from(available) {
            return Ok(());
        }
        let need = crate::units::Bytes(u64::try_from(need).unwrap_or(u64::MAX));
        Err(crate::error::UsageError(format!(
            "--records {}: layout {} would need about {need} ({} B/record), and this machine has \
             {} of memory available; use fewer records, leave that layout out with --layout, or \
             pass --force to try anyway",
            g.records,
            largest.name,
            largest.heap_bytes_per_record,
            crate::units::Bytes(available)
        ))
        .into())
    }
}
