//! `bencher.json`: the figures in Bencher Metric Format, so CI dashboards can track them.
//!
//! Benchmark names follow the bench ids, `stage/layout/records` (and `pipeline/…` for
//! filter + normalize + rolling + aggregate, and `aggregate-warm/…` for the warm regime of a
//! stage timed warm); memory figures are `memory/layout/records`.
//! Measures: `latency` (ns per record: the median over paired rounds, with its 95 % interval
//! as `lower_value` and `upper_value`), `bytes-per-record`, `reserved-bytes-per-record` and
//! `allocations-per-record` (exact: no bounds). Deterministic costs (SPEC §7) are
//! `costs/layout/records`, named for the workload they stand for (`compare` counts them on
//! fewer records with the simulated last level shrunk to match), with the whole run's
//! `instructions`, `est-cycles`, `d1-misses` and `ll-misses` per record (exact: the same
//! build counts the same). A Bencher project can set a threshold on any.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use crate::analysis::figures;
use crate::analysis::stats::Interval;
use crate::model::Results;
use crate::report::Exporter;

/// The BMF exporter.
#[derive(Debug, Clone, Copy)]
pub struct Bmf;

#[derive(Serialize)]
struct Metric {
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    lower_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upper_value: Option<f64>,
}

impl Metric {
    /// A figure measured once, exactly.
    fn exact(value: f64) -> Metric {
        Metric {
            value,
            lower_value: None,
            upper_value: None,
        }
    }

    /// A median with its confidence interval as Bencher's bounds.
    fn interval(i: Interval) -> Metric {
        let bounds = i.confidence > 0.0;
        Metric {
            value: i.median,
            lower_value: bounds.then_some(i.lower),
            upper_value: bounds.then_some(i.upper),
        }
    }
}

type Document = BTreeMap<String, BTreeMap<&'static str, Metric>>;

impl Exporter for Bmf {
    fn file_name(&self) -> &'static str {
        "bencher.json"
    }

    fn render(&self, data: &Results) -> Result<Vec<u8>> {
        let mut doc = Document::new();
        for (l, t) in data.timed() {
            // The stages the timing has: the pipeline's five (and their sum, `pipeline`), or
            // a record of one's own's ingest and workloads.
            let names: Vec<&str> = t.best.names().collect();
            let stages = names.iter().map(|&name| (name, figures::stage(t, name)));
            let pipeline = data
                .record
                .is_none()
                .then(|| ("pipeline", figures::pipeline(t)));
            for (name, i) in stages.chain(pipeline) {
                doc.entry(format!("{name}/{}/{}", l.layout, t.records))
                    .or_default()
                    .insert("latency", Metric::interval(i));
            }
            // The warm regime of each stage or workload timed warm: `<name>-warm/…`.
            let warm: Vec<&str> = t.warm.first().map_or(Vec::new(), |r| r.names().collect());
            for name in warm {
                if let Some(i) = figures::warm_stage(t, name) {
                    doc.entry(format!("{name}-warm/{}/{}", l.layout, t.records))
                        .or_default()
                        .insert("latency", Metric::interval(i));
                }
            }
        }
        for (l, m) in data.profiled() {
            let entry = doc
                .entry(format!("memory/{}/{}", l.layout, data.workload.records))
                .or_default();
            entry.insert("bytes-per-record", Metric::exact(m.bytes_per_record));
            if let Some(reserved) = m.reserved_bytes_per_record {
                entry.insert("reserved-bytes-per-record", Metric::exact(reserved));
            }
            entry.insert(
                "allocations-per-record",
                Metric::exact(m.allocations_per_record),
            );
        }
        for (l, c) in crate::analysis::costs::measured(data) {
            let entry = doc
                .entry(format!("costs/{}/{}", l.layout, data.workload.records))
                .or_default();
            let w = &c.whole_run.per_record;
            entry.insert("instructions", Metric::exact(w.instructions));
            entry.insert("est-cycles", Metric::exact(w.est_cycles));
            entry.insert("d1-misses", Metric::exact(w.d1_misses));
            entry.insert("ll-misses", Metric::exact(w.ll_misses));
        }
        let mut bytes = serde_json::to_vec_pretty(&doc)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
