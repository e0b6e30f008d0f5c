//! Loads criterion's saved estimates (`target/criterion/**/new/estimates.json`), so reports
//! can show criterion's confidence intervals beside layoutlab's own timings.
//!
//! Bench ids are `stage/layout/records` (see `benches/`), so each estimate maps onto one
//! cell of the report.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::model::CriterionEstimate;

#[derive(Deserialize)]
struct BenchmarkJson {
    full_id: String,
}

#[derive(Deserialize)]
struct Interval {
    confidence_level: f64,
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Estimate {
    confidence_interval: Interval,
    point_estimate: f64,
}

#[derive(Deserialize)]
struct EstimatesJson {
    mean: Estimate,
}

/// Every `stage/layout/records` estimate under `dir` (criterion's output directory), sorted
/// by id. A missing directory gives an empty list.
pub(crate) fn load(dir: &Path) -> Result<Vec<CriterionEstimate>> {
    let mut found = Vec::new();
    if dir.is_dir() {
        walk(dir, &mut found)?;
    }
    found.sort_by(|a, b| (&a.stage, &a.layout, a.records).cmp(&(&b.stage, &b.layout, b.records)));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<CriterionEstimate>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if entry.file_name() == "new" {
            if let Some(estimate) = read_one(&path)? {
                found.push(estimate);
            }
        } else if entry.file_name() != "report" && entry.file_name() != "base" {
            walk(&path, found)?;
        }
    }
    Ok(())
}

fn read_one(new_dir: &Path) -> Result<Option<CriterionEstimate>> {
    let (Ok(bench), Ok(estimates)) = (
        std::fs::read(new_dir.join("benchmark.json")),
        std::fs::read(new_dir.join("estimates.json")),
    ) else {
        return Ok(None);
    };
    let bench: BenchmarkJson = serde_json::from_slice(&bench)
        .with_context(|| format!("{}/benchmark.json", new_dir.display()))?;
    let estimates: EstimatesJson = serde_json::from_slice(&estimates)
        .with_context(|| format!("{}/estimates.json", new_dir.display()))?;
    let parts: Vec<&str> = bench.full_id.split('/').collect();
    let [stage, layout, records] = parts[..] else {
        return Ok(None);
    };
    let Ok(records) = records.parse::<u64>() else {
        return Ok(None);
    };
    if records == 0 {
        return Ok(None);
    }
    let per = |ns: f64| ns / records as f64;
    Ok(Some(CriterionEstimate {
        stage: stage.to_owned(),
        layout: layout.to_owned(),
        records,
        mean_ns: per(estimates.mean.point_estimate),
        lower_ns: per(estimates.mean.confidence_interval.lower_bound),
        upper_ns: per(estimates.mean.confidence_interval.upper_bound),
        confidence: estimates.mean.confidence_interval.confidence_level,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stage_layout_records_ids_and_skips_others() {
        let root = std::env::temp_dir().join(format!("layoutlab-crit-{}", std::process::id()));
        let write = |id: &str, dir: &str, mean: f64| {
            let new = root.join(dir).join("new");
            std::fs::create_dir_all(&new).unwrap();
            std::fs::write(
                new.join("benchmark.json"),
                format!(r#"{{"full_id":"{id}"}}"#),
            )
            .unwrap();
            std::fs::write(
                new.join("estimates.json"),
                format!(
                    r#"{{"mean":{{"point_estimate":{mean},"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}}}}}}"#,
                    mean - 10.0,
                    mean + 10.0
                ),
            )
            .unwrap();
        };
        write("filter/soa/1000", "filter/soa/1000", 2000.0);
        write("handwritten/pipeline", "handwritten/pipeline", 5.0);
        let found = load(&root).unwrap();
        std::fs::remove_dir_all(&root).ok();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].stage, "filter");
        assert_eq!(found[0].mean_ns, 2.0);
        assert_eq!(found[0].lower_ns, 1.99);
        assert!(load(Path::new("/no/such/dir")).unwrap().is_empty());
    }
}
