//! The report's sections on time: the summary table, time per stage and scaling.

use std::fmt::Write;

use crate::analysis::figures;
use crate::format::{per_record, per_record_range, ratio_range};
use crate::model::{PythonSection, Results, Timing};
use crate::pipeline::Stage;
use crate::record::INFORMATION_BYTES;

use super::text::{capitalise, chart_marker, escape, table};

fn stage_cell(data: &Results, layout: &str, t: &Timing, stage: Stage) -> String {
    if let Some(c) = data.criterion_estimate(stage.name(), layout, t.records) {
        return format!("{}ᶜ", per_record_range(c.mean_ns, c.lower_ns, c.upper_ns));
    }
    let i = figures::stage(t, stage.name());
    per_record_range(i.median, i.lower, i.upper)
}

pub(crate) fn headline(out: &mut String, data: &Results) {
    let _ = writeln!(out, "## Summary\n");
    let fastest = figures::fastest(data);
    // The Python rows compare against the fastest Rust pipeline, per record.
    let best = fastest.map_or(0.0, |t| figures::pipeline(t).median);
    let mut rows = Vec::new();
    for l in &data.layouts {
        let mem = l.memory.as_ref();
        let t = l.timing.as_ref();
        let records = t.map_or(data.workload.records, |t| t.records).max(1);
        rows.push(vec![
            format!("`{}`", l.layout),
            mem.map_or("—".into(), |m| per_record(m.bytes_per_record)),
            mem.and_then(|m| m.reserved_bytes_per_record)
                .map_or("—".into(), per_record),
            mem.map_or("—".into(), |m| {
                crate::format::small(m.allocations as f64 / records as f64)
            }),
            t.map_or("—".into(), |t| {
                let i = figures::stage(t, Stage::Ingest.name());
                per_record_range(i.median, i.lower, i.upper)
            }),
            t.map_or("—".into(), |t| {
                let i = figures::pipeline(t);
                per_record_range(i.median, i.lower, i.upper)
            }),
            match (t, fastest) {
                (Some(t), Some(f)) => {
                    let r = figures::pipeline_ratio(t, f);
                    ratio_range(r.median, r.lower, r.upper)
                }
                _ => "—".into(),
            },
            escape(&l.summary),
        ]);
    }
    if let PythonSection::Measured {
        rows: py, records, ..
    } = &data.python
    {
        for r in py {
            let pipeline: u64 = ["filter", "normalize", "rolling", "aggregate"]
                .iter()
                .filter_map(|s| r.timing_ns.get(*s))
                .sum();
            let ingest = r.timing_ns.get("ingest").copied().unwrap_or(0);
            rows.push(vec![
                format!("{} (Python, {records} records)", escape(&r.layout)),
                per_record(r.bytes_per_record),
                "—".into(),
                format!("{} live blocks", per_record(r.live_blocks_per_record)),
                per_record(ingest as f64 / r.records.max(1) as f64),
                per_record(pipeline as f64 / r.records.max(1) as f64),
                if best > 0.0 {
                    crate::format::ratio(pipeline as f64 / r.records.max(1) as f64 / best)
                } else {
                    "—".into()
                },
                escape(&r.summary),
            ]);
        }
    }
    table(
        out,
        &[
            "layout",
            "bytes/record requested",
            "bytes/record reserved",
            "allocations/record",
            "ingest ns/record",
            "pipeline ns/record",
            "pipeline vs best",
            "what it is",
        ],
        &rows,
    );
    let _ = writeln!(
        out,
        "*bytes/record* is the peak heap divided by the records ingested: *requested* as dhat \
         counts it, *reserved* as the allocator really set it aside; the information floor is \
         {INFORMATION_BYTES} bytes. *pipeline* \
         is filter + normalize + rolling + aggregate. Python rows are measured with tracemalloc \
         by `scripts/python_baseline.py` on the same readings and pipeline.\n"
    );
    let _ = writeln!(out, "{}\n", chart_marker("bytes_per_record"));
}

pub(crate) fn stages(out: &mut String, data: &Results) {
    let _ = writeln!(out, "## Time per stage\n");
    let _ = writeln!(
        out,
        "Nanoseconds per record: the median of {} rounds, with its 95 % confidence interval in \
         parentheses (distribution-free, from the rounds' order statistics; with fewer than 6 \
         rounds the full range, at lower confidence); where criterion has measured the same \
         `stage/layout/records`, its mean and confidence interval are shown instead (ᶜ). \
         Random read: one whole record at a random index. Drop: freeing the whole store.\n",
        data.repeat
    );
    // `aggregate` only reads the store: timed warm too (results of this version).
    let aggregate = Stage::Aggregate.name();
    let warm = data
        .timed()
        .any(|(_, t)| figures::warm_stage(t, aggregate).is_some());
    if warm {
        let _ = writeln!(
            out,
            "The stage columns are each stage's first pass over the store the previous stage \
             left; *aggregate warm* is the median of repeated aggregate passes over that same \
             store (the regime criterion, divan and a loop in one's own bench measure).\n"
        );
    }
    let mut header = vec!["layout"];
    header.extend(Stage::ALL.iter().map(|s| s.name()));
    if warm {
        header.push("aggregate warm");
    }
    header.extend(["random read", "drop"]);
    let rows: Vec<Vec<String>> = data
        .timed()
        .map(|(l, t)| {
            let mut row = vec![format!("`{}`", l.layout)];
            row.extend(
                Stage::ALL
                    .iter()
                    .map(|&s| stage_cell(data, &l.layout, t, s)),
            );
            if warm {
                row.push(figures::warm_stage(t, aggregate).map_or("—".into(), |i| {
                    per_record_range(i.median, i.lower, i.upper)
                }));
            }
            row.push(figures::access(t).map_or("—".into(), |i| {
                per_record_range(i.median, i.lower, i.upper)
            }));
            let drops: Vec<f64> = t.drops.iter().map(|d| d.per(t.records)).collect();
            row.push(match crate::analysis::stats::median_interval(&drops) {
                Some(i) => per_record_range(i.median, i.lower, i.upper),
                None => per_record(t.drop.per(t.records)),
            });
            row
        })
        .collect();
    table(out, &header, &rows);
    if let Some(sentence) = warm.then(|| aggregate_regimes(data)).flatten() {
        let _ = writeln!(out, "{sentence}\n");
    }
    let _ = writeln!(out, "{}\n", chart_marker("stage_throughput"));
}

/// One sentence when the fastest aggregate of the first pass is not the fastest warm one.
fn aggregate_regimes(data: &Results) -> Option<String> {
    let aggregate = Stage::Aggregate.name();
    let fastest = |figure: &dyn Fn(&crate::model::Timing) -> Option<f64>| {
        data.timed()
            .filter_map(|(l, t)| Some((l.layout.as_str(), figure(t)?)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(l, _)| l)
    };
    let first = fastest(&|t| {
        t.best
            .get(aggregate)
            .map(|_| figures::stage(t, aggregate).median)
    })?;
    let warm = fastest(&|t| figures::warm_stage(t, aggregate).map(|i| i.median))?;
    (first != warm).then(|| {
        format!(
            "The two regimes pick different aggregates: `{first}` is fastest on the first pass, \
             `{warm}` warm."
        )
    })
}

pub(crate) fn scaling(out: &mut String, data: &Results) {
    if data.scaling.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Scaling\n");
    let mut sizes: Vec<u64> = data.scaling.iter().map(|p| p.records).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut header = vec!["layout".to_owned()];
    header.extend(
        sizes
            .iter()
            .map(|n| format!("{} records", crate::format::thousands(*n))),
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    for (title, pick) in [
        ("pipeline ns/record", 0usize),
        ("peak heap bytes/record", 1usize),
    ] {
        let _ = writeln!(out, "{}:\n", capitalise(title));
        let rows: Vec<Vec<String>> = data
            .layouts
            .iter()
            .map(|l| {
                let mut row = vec![format!("`{}`", l.layout)];
                for n in &sizes {
                    let point = data
                        .scaling
                        .iter()
                        .find(|p| p.layout == l.layout && p.records == *n);
                    let value = point.and_then(|p| match pick {
                        0 => p.pipeline.map(|t| t.per(p.records)),
                        _ => p.peak_bytes.map(|b| b.0 as f64 / p.records.max(1) as f64),
                    });
                    row.push(value.map_or("—".into(), per_record));
                }
                row
            })
            .collect();
        table(out, &header, &rows);
    }
    let _ = writeln!(out, "{}\n", chart_marker("scaling"));
}
