//! Callgrind's dump files of one child, read and put together into the run's [`Costs`]: one
//! dump per span of the run, each exactly once.

use std::path::Path;

use super::dump::{self, Trigger};
use super::observer::Span;
use super::{CostError, Costs, Events, StageCosts};
use crate::model::PerStage;
use crate::pipeline::Stage;

/// Reads every dump in `dir` and assembles the run's costs.
pub(super) fn read_dumps(dir: &Path, records: u64) -> Result<Costs, CostError> {
    let temp_error = |action, error| CostError::TempDir {
        action,
        dir: dir.to_owned(),
        error,
    };
    let mut dumps = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| temp_error("reading", e))? {
        let path = entry.map_err(|e| temp_error("reading", e))?.path();
        let text =
            std::fs::read_to_string(&path).map_err(|e| temp_error("reading a file in", e))?;
        let dump = dump::parse(&text).map_err(|error| CostError::Dump {
            file: path.clone(),
            error,
        })?;
        dumps.push(dump);
    }
    dumps.sort_by_key(|d| d.part);
    assemble(&dumps, records)
}

/// The run's costs from its dumps (in any order): one per [`Span`], each exactly once, plus
/// any dump not triggered by a `layoutlab:` mark (the one at program exit), which is left
/// out.
fn assemble(dumps: &[dump::Dump], records: u64) -> Result<Costs, CostError> {
    let mut spans: Vec<(Span, Events)> = Vec::with_capacity(Span::ALL.len());
    for d in dumps {
        let Trigger::ClientRequest(name) = &d.trigger else {
            continue;
        };
        let span = Span::named(name).ok_or_else(|| {
            CostError::Dumps(format!("a dump is named {name:?}, which is no span"))
        })?;
        if spans.iter().any(|(s, _)| *s == span) {
            return Err(CostError::Dumps(format!("two dumps are named {name:?}")));
        }
        spans.push((span, d.events));
    }
    let events = |span: Span| {
        spans
            .iter()
            .find(|(s, _)| *s == span)
            .map(|(_, e)| *e)
            .ok_or_else(|| {
                CostError::Dumps(format!(
                    "no dump is named {:?}",
                    span.name().to_string_lossy()
                ))
            })
    };
    let mut between = Events::default();
    for span in Span::ALL {
        if matches!(span, Span::Before(_) | Span::BeforeDrop) {
            between = between + events(span)?;
        }
    }
    let whole: Events = spans.iter().map(|(_, e)| *e).sum();
    let caches = dumps
        .iter()
        .find_map(|d| d.caches)
        .ok_or_else(|| CostError::Dumps("no dump names the simulated caches".to_owned()))?;
    let mut stages = Vec::with_capacity(Stage::ALL.len());
    for stage in Stage::ALL {
        stages.push(StageCosts::new(events(Span::Stage(stage))?, records));
    }
    Ok(Costs {
        stages: PerStage::from_stages(|stage| stages[stage as usize]),
        between_stages: StageCosts::new(between, records),
        drop: StageCosts::new(events(Span::Drop)?, records),
        whole_run: StageCosts::new(whole, records),
        caches,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::costs::SimulatedCaches;

    fn dump(part: u64, trigger: &str, ir: u64) -> dump::Dump {
        dump::Dump {
            part,
            trigger: match trigger.strip_prefix("request ") {
                Some(name) => Trigger::ClientRequest(name.to_owned()),
                None => Trigger::Other(trigger.to_owned()),
            },
            caches: Some(SimulatedCaches::TYPICAL),
            events: Events {
                ir,
                dr: ir / 2,
                d1mr: ir / 10,
                ..Events::default()
            },
        }
    }

    /// One dump per span, `ir` = 1000 × its place, and the dump at program exit.
    fn full_run() -> Vec<dump::Dump> {
        let mut dumps: Vec<_> = Span::ALL
            .iter()
            .enumerate()
            .map(|(i, span)| {
                let name = span.name().to_str().unwrap();
                dump(
                    i as u64 + 1,
                    &format!("request {name}"),
                    1000 * (i as u64 + 1),
                )
            })
            .collect();
        dumps.push(dump(12, "Program termination", 7));
        dumps
    }

    #[test]
    fn spans_land_in_their_places_and_add_up() {
        let costs = assemble(&full_run(), 100).unwrap();
        assert_eq!(costs.stages[Stage::Ingest].events.ir, 1000);
        assert_eq!(costs.stages[Stage::Filter].events.ir, 3000);
        assert_eq!(costs.stages[Stage::Aggregate].events.ir, 9000);
        assert_eq!(costs.drop.events.ir, 11_000);
        // before-filter, -normalize, -rolling, -aggregate and -drop: places 2, 4, 6, 8, 10.
        assert_eq!(costs.between_stages.events.ir, 30_000);
        // 1 + 2 + … + 11 thousand; the exit dump's 7 are not the run's.
        assert_eq!(costs.whole_run.events.ir, 66_000);
        assert_eq!(costs.whole_run.per_record.instructions, 660.0);
        assert_eq!(costs.caches, SimulatedCaches::TYPICAL);
        // In JSON, the stages stand beside the other spans, in run order, and come back as
        // they were.
        let text = serde_json::to_string(&costs).unwrap();
        let at = |key: &str| text.find(&format!("\"{key}\":{{")).unwrap();
        let keys = [
            "ingest",
            "filter",
            "normalize",
            "rolling",
            "aggregate",
            "between_stages",
            "drop",
            "whole_run",
            "caches",
        ];
        assert!(keys.windows(2).all(|k| at(k[0]) < at(k[1])), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["rolling"]["total"]["instructions"], 7000);
        assert_eq!(serde_json::from_str::<Costs>(&text).unwrap(), costs);
    }

    #[test]
    fn missing_repeated_or_unknown_dumps_are_errors() {
        let mut missing = full_run();
        missing.remove(4);
        let e = assemble(&missing, 1).unwrap_err().to_string();
        assert!(
            e.contains("no dump is named \"layoutlab:normalize\""),
            "{e}"
        );

        let mut repeated = full_run();
        repeated.push(dump(13, "request layoutlab:drop", 1));
        let e = assemble(&repeated, 1).unwrap_err().to_string();
        assert!(e.contains("two dumps are named \"layoutlab:drop\""), "{e}");

        let mut unknown = full_run();
        unknown.push(dump(13, "request layoutlab:lunch", 1));
        let e = assemble(&unknown, 1).unwrap_err().to_string();
        assert!(e.contains("\"layoutlab:lunch\", which is no span"), "{e}");
    }
}
