//! Reads the header and totals of one callgrind dump file ("callgrind format", version 1):
//! which dump it is, what triggered it, the caches simulated, and its event totals. The
//! per-function cost lines in between are skipped; only their sum, the `totals:` line,
//! matters here.
//!
//! `totals:` rather than `summary:`: callgrind writes `summary:` from its global counter
//! minus the previous dump's, which can differ from the cost lines by a few instructions
//! at the dump's boundaries and wraps around in the dump written at program exit after
//! `STOP_INSTRUMENTATION`; `totals:` is the sum of the dump's own cost lines, and the
//! totals of all dumps add up to callgrind's "Collected" line exactly.

use super::{CacheGeometry, Events};
use crate::units::Bytes;

/// One parsed dump.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dump {
    /// The `part:` number: dumps are numbered 1, 2, … in the order they were written.
    pub(crate) part: u64,
    /// What triggered the dump: for a client request, the name it passed.
    pub(crate) trigger: Trigger,
    /// The caches simulated, from the `desc: I1/D1/LL cache:` lines.
    pub(crate) caches: Option<super::SimulatedCaches>,
    /// The `totals:` line.
    pub(crate) events: Events,
}

/// The `desc: Trigger:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// `Client Request: <name>` (`CALLGRIND_DUMP_STATS_AT(name)`).
    ClientRequest(String),
    /// Anything else, e.g. `Program termination`.
    Other(String),
}

/// A dump file that does not read as callgrind wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct DumpError {
    /// The 1-based line (0 when something is missing from the whole file).
    pub line: usize,
    /// What was expected and what was found.
    pub problem: String,
}

fn error(line: usize, problem: impl Into<String>) -> DumpError {
    DumpError {
        line,
        problem: problem.into(),
    }
}

/// Parses `desc: D1 cache: 49152 B, 64 B, 12-way associative`'s value.
fn geometry(text: &str) -> Option<CacheGeometry> {
    let mut parts = text.split(',').map(str::trim);
    let size = parts.next()?.strip_suffix(" B")?.parse().ok()?;
    let line = parts.next()?.strip_suffix(" B")?.parse().ok()?;
    let ways = parts
        .next()?
        .strip_suffix("-way associative")?
        .parse()
        .ok()?;
    parts.next().is_none().then_some(CacheGeometry {
        size_bytes: Bytes(size),
        line_bytes: Bytes(line),
        ways,
    })
}

/// Parses one dump file's text.
pub(crate) fn parse(text: &str) -> Result<Dump, DumpError> {
    let mut part = None;
    let mut trigger = None;
    let (mut i1, mut d1, mut ll) = (None, None, None);
    let mut names: Option<Vec<&str>> = None;
    let mut totals = None;
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        if index == 0 && line != "# callgrind format" {
            return Err(error(
                n,
                format!("expected `# callgrind format`, found {line:?}"),
            ));
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "part" => {
                let p = value
                    .parse()
                    .map_err(|_| error(n, format!("`part:` is not a number: {value:?}")))?;
                part = Some(p);
            }
            "desc" => {
                let Some((what, text)) = value.split_once(':') else {
                    continue;
                };
                let text = text.trim();
                let cache = match what {
                    "I1 cache" => &mut i1,
                    "D1 cache" => &mut d1,
                    "LL cache" => &mut ll,
                    "Trigger" => {
                        trigger = Some(match text.strip_prefix("Client Request:") {
                            Some(name) => Trigger::ClientRequest(name.trim().to_owned()),
                            None => Trigger::Other(text.to_owned()),
                        });
                        continue;
                    }
                    _ => continue,
                };
                *cache = Some(geometry(text).ok_or_else(|| {
                    error(
                        n,
                        format!("expected `SIZE B, LINE B, N-way associative`, found {text:?}"),
                    )
                })?);
            }
            "events" => {
                let found: Vec<&str> = value.split_whitespace().collect();
                if let Some(missing) = Events::NAMES.iter().find(|name| !found.contains(name)) {
                    return Err(error(
                        n,
                        format!(
                            "the events lack {missing} (was the run started with \
                             --cache-sim=yes?)"
                        ),
                    ));
                }
                names = Some(found);
            }
            "totals" => {
                let names = names
                    .as_ref()
                    .ok_or_else(|| error(n, "`totals:` before `events:`"))?;
                let mut events = Events::default();
                let mut values = value.split_whitespace();
                // Callgrind leaves out trailing zeros.
                for name in names {
                    let Some(value) = values.next() else { break };
                    let value = value
                        .parse()
                        .map_err(|_| error(n, format!("{name} is not a count: {value:?}")))?;
                    if let Some(slot) = events.slot(name) {
                        *slot = value;
                    }
                }
                if values.next().is_some() {
                    return Err(error(n, "more totals than events"));
                }
                totals = Some(events);
            }
            _ => {}
        }
    }
    if names.is_none() {
        return Err(error(0, "no `events:` line"));
    }
    let caches = match (i1, d1, ll) {
        (Some(i1), Some(d1), Some(ll)) => Some(super::SimulatedCaches { i1, d1, ll }),
        _ => None,
    };
    Ok(Dump {
        part: part.ok_or_else(|| error(0, "no `part:` line"))?,
        trigger: trigger.ok_or_else(|| error(0, "no `desc: Trigger:` line"))?,
        caches,
        events: totals.ok_or_else(|| error(0, "no `totals:` line (was the file cut short?)"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::costs::SimulatedCaches;

    /// Real dumps of `layoutlab profile-costs --layout soa --records 2000` under
    /// `valgrind --tool=callgrind --cache-sim=yes --instr-atstart=no` with the typical
    /// caches: the filter stage, the gap before the drop, and the program's end.
    const FILTER: &str = include_str!("../../../tests/fixtures/callgrind/filter.out");
    const BEFORE_DROP: &str = include_str!("../../../tests/fixtures/callgrind/before-drop.out");
    const TERMINATION: &str = include_str!("../../../tests/fixtures/callgrind/termination.out");

    /// `totals: 41735 11942 7896 8 602 2 8 2` (its `summary:` line says 41733 11941 …).
    const FILTER_TOTALS: Events = Events {
        ir: 41_735,
        dr: 11_942,
        dw: 7_896,
        i1mr: 8,
        d1mr: 602,
        d1mw: 2,
        ilmr: 8,
        dlmr: 2,
        dlmw: 0,
    };

    /// `totals: 10 0 4 1 0 1 1`.
    const BEFORE_DROP_TOTALS: Events = Events {
        ir: 10,
        dr: 0,
        dw: 4,
        i1mr: 1,
        d1mr: 0,
        d1mw: 1,
        ilmr: 1,
        dlmr: 0,
        dlmw: 0,
    };

    #[test]
    fn reads_a_stage_dump() {
        let dump = parse(FILTER).unwrap();
        assert_eq!(dump.part, 3);
        assert_eq!(
            dump.trigger,
            Trigger::ClientRequest("layoutlab:filter".into())
        );
        assert_eq!(dump.caches, Some(SimulatedCaches::TYPICAL));
        assert_eq!(dump.events, FILTER_TOTALS);
    }

    #[test]
    fn missing_trailing_counts_are_zero() {
        let dump = parse(BEFORE_DROP).unwrap();
        assert_eq!(
            dump.trigger,
            Trigger::ClientRequest("layoutlab:before-drop".into())
        );
        assert_eq!(dump.events, BEFORE_DROP_TOTALS);
    }

    #[test]
    fn the_exit_dump_is_not_a_client_request() {
        let dump = parse(TERMINATION).unwrap();
        assert_eq!(dump.trigger, Trigger::Other("Program termination".into()));
        // Its `summary:` line has wrapped around below zero; `totals:` has not.
        assert_eq!(dump.events.ir, 10);
    }

    #[test]
    fn damaged_files_are_errors_with_lines() {
        let cut = &FILTER[..FILTER.find("totals:").unwrap()];
        assert!(parse(cut).unwrap_err().problem.contains("no `totals:`"));
        let no_sim = FILTER.replace(
            "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw",
            "events: Ir",
        );
        assert!(parse(&no_sim)
            .unwrap_err()
            .problem
            .contains("--cache-sim=yes"));
        let bad = FILTER.replace("desc: D1 cache: 32768 B", "desc: D1 cache: lots B");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 10, "{e}");
        assert!(parse("not a dump").is_err());
        assert!(parse("").is_err());
    }
}
