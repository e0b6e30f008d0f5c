//! `bencher.json`: the figures in Bencher Metric Format, so CI dashboards can track them.
//!
//! Benchmark names follow the bench ids, `stage/layout/records`; memory figures are
//! `memory/layout/records`. Measures: `latency` (ns per record), `bytes-per-record`,
//! `allocations-per-record`.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use crate::model::Results;
use crate::pipeline::Stage;
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

type Document = BTreeMap<String, BTreeMap<&'static str, Metric>>;

impl Exporter for Bmf {
    fn file_name(&self) -> &'static str {
        "bencher.json"
    }

    fn render(&self, data: &Results) -> Result<Vec<u8>> {
        let mut doc = Document::new();
        for (l, t) in data.timed() {
            for stage in Stage::ALL {
                let runs: Vec<f64> = t.runs.iter().map(|r| r[stage].per(t.records)).collect();
                doc.entry(format!("{}/{}/{}", stage.name(), l.layout, t.records))
                    .or_default()
                    .insert(
                        "latency",
                        Metric {
                            value: t.best[stage].per(t.records),
                            lower_value: runs.iter().copied().reduce(f64::min),
                            upper_value: runs.iter().copied().reduce(f64::max),
                        },
                    );
            }
        }
        for (l, m) in data.profiled() {
            let records = data.workload.records.max(1);
            let entry = doc
                .entry(format!("memory/{}/{}", l.layout, data.workload.records))
                .or_default();
            entry.insert(
                "bytes-per-record",
                Metric {
                    value: m.bytes_per_record,
                    lower_value: None,
                    upper_value: None,
                },
            );
            entry.insert(
                "allocations-per-record",
                Metric {
                    value: m.allocations as f64 / records as f64,
                    lower_value: None,
                    upper_value: None,
                },
            );
        }
        let mut bytes = serde_json::to_vec_pretty(&doc)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
