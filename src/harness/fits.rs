//! Whether a generated size can fit in memory, checked before anything runs: a store too
//! large for the machine would end the bench with an allocation failure (SIGABRT) after
//! minutes of work, and leave nothing to read. As `layoutlab run` does, the harness refuses
//! such a size up front, naming what it would need and what is available; `--force` insists.

use anyhow::Result;

use super::source::RecordSource;
use crate::error::UsageError;
use crate::own::Record;
use crate::units::Bytes;

/// Records the text of which is sampled to estimate a record's heap bytes.
const SAMPLE: u64 = 1_000;

/// Refuses `records` generated records when `aos` — the record as declared, in a `Vec`, its
/// text on the heap — would not fit in the memory available. Every other layout is built
/// too, one at a time, and most hold more; this is the least any of them needs, so a size it
/// refuses cannot run. A file holds what it holds: it is not checked.
pub(crate) fn check<R: Record>(source: &RecordSource<R>, records: u64) -> Result<()> {
    let RecordSource::Generated(_) = source else {
        return Ok(());
    };
    let Some(available) = crate::measure::machine::available_memory() else {
        return Ok(());
    };
    let sampled = records.min(SAMPLE);
    // Through the source, so that a generator that panics is reported as the source does.
    let text = super::data::heap_bytes(source, sampled)?;
    let inline = std::mem::size_of::<R>() as u64;
    let per_record = inline + text.div_ceil(sampled.max(1));
    let need = u128::from(records) * u128::from(per_record);
    if need <= u128::from(available) {
        return Ok(());
    }
    let need = Bytes(u64::try_from(need).unwrap_or(u64::MAX));
    Err(UsageError(format!(
        "--records {records}: layout `aos` would need at least {need} ({per_record} B/record: the \
         record's {inline} bytes and its text, {} B on average over the first {sampled}), and \
         this machine has {} of memory available; use fewer records, or pass --force to try \
         anyway",
        text.div_ceil(sampled.max(1)),
        Bytes(available)
    ))
    .into())
}
