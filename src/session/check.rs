//! One timed run of one layout in the rounds, and the check of what it produced against
//! every other run: the layout's own first run, or the first layout's.
//!
//! For the built-in pipeline a disagreement is a bug and stops the run. For a user's
//! workloads it is told apart, part by part (workload by workload): a part whose output
//! changed between two runs on the *same* layout is not deterministic, and is left out
//! everywhere; a part whose output differs only on this layout is this layout's failure,
//! and is left out there; a part that panicked is left out where it panicked. Every other
//! part keeps its measurements.

use super::{Plan, RunError, Sample, Subject, Track};
use crate::model::{Failure, FailureKind};

/// One round of one layout (`tracks[at]`): its timed run, checked, and its random-read probe
/// of `reads` reads (0: none in the rounds).
pub(super) fn time_once<S: Subject>(
    subject: &S,
    (plan, reads): (&Plan, u64),
    tracks: &mut [Track<S::Outcome>],
    at: usize,
    reference: &mut Option<(String, S::Outcome)>,
) -> anyhow::Result<()> {
    if tracks[at].stopped() {
        return Ok(());
    }
    let name = tracks[at].meta.name.clone();
    let mut sample = match subject.run_probed(&name, reads) {
        Ok(sample) => sample,
        Err(RunError::Capacity(e)) if !plan.stop_at_first_failure => {
            tracks[at]
                .errors
                .push(Failure::new(FailureKind::Capacity, format!("{e:#}")));
            return Ok(());
        }
        Err(RunError::Capacity(e)) => return Err(e.context(format!("layout {name}"))),
        // The input's fault, whichever layout happened to read it first: naming that layout
        // would suggest the layout is to blame.
        Err(RunError::Input(e)) => return Err(e),
    };
    for note in std::mem::take(&mut sample.notes) {
        leave_out(&mut tracks[at], &note.part);
        tracks[at].errors.push(note.failure);
    }
    let (first, against) = match (tracks[at].runs.first(), reference.as_ref()) {
        (Some(own), _) => (name.clone(), own.outcome.clone()),
        (None, Some((first, outcome))) => (first.clone(), outcome.clone()),
        (None, None) => (name.clone(), sample.outcome.clone()),
    };
    if subject.disagreement_stops() {
        if let Some(why) = subject.disagreement(&against, &sample.outcome) {
            return Err(subject.explain_disagreement(&first, &name, &why));
        }
    } else {
        check_parts(subject, tracks, at, (&first, &against), &mut sample);
    }
    if reference.is_none() {
        *reference = Some((name.clone(), sample.outcome.clone()));
    }
    let records = sample.records;
    let probed = sample.access.take();
    let track = &mut tracks[at];
    track.runs.push(sample);
    if let Some(probe) = probed {
        track.accesses.push(probe);
    } else if reads > 0 {
        match subject.access(&name, reads.min(records * 4), 1) {
            Ok(probe) => track.accesses.push(probe),
            Err(e) => track
                .errors
                .push(Failure::new(FailureKind::Access, format!("{e:#}"))),
        }
    }
    Ok(())
}

/// Compares `sample` (a run of `tracks[at]`) part by part with `against`, the outcome of a
/// run of layout `first`, and leaves out the parts that differ, saying why.
fn check_parts<S: Subject>(
    subject: &S,
    tracks: &mut [Track<S::Outcome>],
    at: usize,
    (first, against): (&str, &S::Outcome),
    sample: &mut Sample<S::Outcome>,
) {
    let differing = subject.part_disagreements(against, &sample.outcome);
    if differing.is_empty() {
        return;
    }
    let name = tracks[at].meta.name.clone();
    // Against another layout's run, that layout runs once more (untimed): a part whose
    // output changes there too is the workload's doing, not this layout's.
    let again = (first != name).then(|| subject.run_once(first, None));
    for (part, why) in differing {
        let unstable_on = match &again {
            None => Some(name.as_str()),
            Some(Ok(again))
                if subject
                    .part_disagreements(against, &again.outcome)
                    .iter()
                    .any(|(p, _)| *p == part) =>
            {
                Some(first)
            }
            Some(_) => None,
        };
        sample.stages.remove(&part);
        if let Some(on) = unstable_on {
            let failure = Failure::new(
                FailureKind::Nondeterministic,
                format!(
                    "`{part}` is not deterministic: its output changed between two runs on \
                     `{on}` ({why}); return an ordered collection (a BTreeMap, a sorted Vec) \
                     and read no clock or random numbers, so that its output can be checked \
                     across layouts; it is left out of every layout's figures"
                ),
            );
            let on = tracks.iter().position(|t| t.meta.name == on).unwrap_or(at);
            tracks[on].errors.push(failure);
            for track in tracks.iter_mut() {
                leave_out(track, &part);
            }
            subject.leave_out(None, &part);
        } else {
            let error =
                subject.explain_disagreement(first, &name, &format!("workload `{part}`: {why}"));
            tracks[at]
                .errors
                .push(Failure::new(FailureKind::Mismatch, format!("{error:#}")));
            leave_out(&mut tracks[at], &part);
            subject.leave_out(Some(&name), &part);
        }
    }
}

/// Takes `part` out of every run the track has.
fn leave_out<O>(track: &mut Track<O>, part: &str) {
    for run in &mut track.runs {
        run.stages.remove(part);
    }
}
