//! The report renderers: snapshot of the Markdown for a fixed set of results, determinism
//! of every file, real SVG charts in the HTML, and a decision guide that follows the numbers.

use crate::analysis::guide::advise;
use crate::inspect::TypeInfo;
use crate::model::{
    Failure, FailureKind, LayoutRun, Machine, MemorySummary, PerStage, PhaseMemory, PythonRow,
    PythonSection, Results, ScalePoint, Timing, Workload, FORMAT,
};
use crate::pipeline::Stage;
use crate::report::exporters;
use crate::units::{Bytes, Nanos};

mod sweep;

pub(super) fn times(
    ingest: u64,
    filter: u64,
    normalize: u64,
    rolling: u64,
    aggregate: u64,
) -> PerStage<Nanos> {
    let t = [ingest, filter, normalize, rolling, aggregate];
    PerStage::from_stages(|s| Nanos(t[s as usize]))
}

fn memory_of(n: u64, bytes_per_record: f64) -> MemorySummary {
    let peak = (bytes_per_record * n as f64) as u64;
    let phase = |share: f64| PhaseMemory {
        peak_bytes: Bytes((peak as f64 * share) as u64),
        bytes_per_record: bytes_per_record * share,
        reserved_peak_bytes: Some(Bytes((peak as f64 * share * 1.25) as u64)),
        reserved_bytes_per_record: Some(bytes_per_record * share * 1.25),
        allocations: n,
        allocations_per_record: 1.0,
        total_bytes: Bytes(peak),
        live_bytes_at_end: Bytes(peak),
    };
    MemorySummary {
        peak_bytes: Bytes(peak),
        allocations: n * 3,
        bytes_per_record,
        total_bytes: Bytes(peak * 2),
        allocations_per_record: 3.0,
        peak_blocks: n,
        reserved_peak_bytes: Some(Bytes(peak * 5 / 4)),
        reserved_bytes_per_record: Some(bytes_per_record * 1.25),
        phases: PerStage::from_stages(|s| phase(if s <= Stage::Filter { 1.0 } else { 0.98 })),
        profile: None,
    }
}

fn layout(
    name: &str,
    per_record_ns: u64,
    bytes_per_record: f64,
    runtime_schema: bool,
) -> LayoutRun {
    let n = 1000;
    let best = times(
        20 * n * per_record_ns,
        n * per_record_ns,
        n * per_record_ns,
        2 * n * per_record_ns,
        n * per_record_ns,
    );
    LayoutRun {
        layout: name.to_owned(),
        summary: format!("the {name} layout"),
        runtime_schema,
        types: vec![TypeInfo::from_spans(
            "Rec",
            16,
            8,
            vec![("a", 0..1), ("b", 8..16)],
        )],
        timing: Some(Timing {
            records: n,
            kept: Some(980),
            checksum: Some(1234.5),
            outputs: Default::default(),
            best: best.clone(),
            runs: vec![
                best.clone(),
                times(
                    best[Stage::Ingest].0 * 2,
                    best[Stage::Filter].0,
                    best[Stage::Normalize].0,
                    best[Stage::Rolling].0,
                    best[Stage::Aggregate].0,
                ),
            ],
            drop: Nanos(n * per_record_ns / 2),
            access_reads: 4000,
            access: Nanos(4000 * per_record_ns),
            drops: Vec::new(),
            accesses: Vec::new(),
            extra: Default::default(),
        }),
        memory: Some(memory_of(n, bytes_per_record)),
        costs: None,
        errors: Vec::new(),
        aggregates: None,
        extra: Default::default(),
    }
}

fn fixture() -> Results {
    let mut failed = layout("broken", 1, 1.0, false);
    failed.timing = None;
    failed.memory = None;
    failed.errors.push(Failure::new(
        FailureKind::Capacity,
        "layout `broken` holds at most 2 distinct sensors",
    ));
    Results {
        format: FORMAT,
        machine: Machine {
            cpu: "Test CPU".into(),
            cores: 2,
            memory_bytes: 1 << 30,
            os: "TestOS".into(),
            rustc: "rustc 1.95.0".into(),
            layoutlab: "0.1.0".into(),
            commit: "abcdef".into(),
            date: "2026-11-21T00:00:00Z".into(),
            caches: vec![
                crate::model::Cache {
                    level: 1,
                    kind: "Data".into(),
                    size: Bytes(48 << 10),
                },
                crate::model::Cache {
                    level: 2,
                    kind: "Unified".into(),
                    size: Bytes(2 << 20),
                },
            ],
        },
        workload: Workload {
            source: "generated".into(),
            records: 1000,
            sensors: Some(8),
            window: Some(16),
            seed: Some(42),
            skipped: 0,
        },
        repeat: 2,
        layouts: vec![
            layout("slow_map", 100, 600.0, true),
            layout("compact", 2, 35.5, false),
            layout("boxy", 10, 120.0, false),
            failed,
        ],
        scaling: ["slow_map", "compact"]
            .iter()
            .flat_map(|l| {
                [100u64, 1000].map(|n| ScalePoint {
                    layout: (*l).to_owned(),
                    records: n,
                    pipeline: Some(Nanos(n * 5)),
                    ingest: Some(Nanos(n * 20)),
                    peak_bytes: Some(Bytes(n * 40)),
                    runs: Vec::new(),
                })
            })
            .collect(),
        sweep: None,
        costs_note: None,
        python: PythonSection::Measured {
            python: "3.11.7".into(),
            records: 1000,
            agrees_with_rust: true,
            rows: vec![PythonRow {
                layout: "python_dict".into(),
                summary: "one dict per record".into(),
                records: 1000,
                timing_ns: [
                    ("ingest", 900_000u64),
                    ("filter", 50_000),
                    ("normalize", 50_000),
                    ("rolling", 90_000),
                    ("aggregate", 80_000),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
                peak_bytes: 451_000,
                bytes_per_record: 451.0,
                live_blocks_per_record: 5.6,
            }],
        },
        criterion: Vec::new(),
        record: None,
        extra: Default::default(),
    }
}

fn render(data: &Results, file: &str) -> Vec<u8> {
    let exporter = exporters()
        .into_iter()
        .find(|e| e.file_name() == file)
        .unwrap();
    exporter.render(data).unwrap()
}

#[test]
fn markdown_snapshot() {
    let md = String::from_utf8(render(&fixture(), "REPORT.md")).unwrap();
    insta::assert_snapshot!("report_md", md);
}

#[test]
fn every_file_renders_the_same_bytes_twice() {
    let data = fixture();
    for exporter in exporters() {
        assert_eq!(
            exporter.render(&data).unwrap(),
            exporter.render(&data).unwrap(),
            "{}",
            exporter.file_name()
        );
    }
}

#[test]
fn html_is_self_contained_with_real_charts() {
    let html = String::from_utf8(render(&fixture(), "index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "bytes/record, stage throughput, scaling"
    );
    assert!(html.contains("<rect"), "bar charts draw rectangles");
    assert!(html.contains("<polyline"), "scaling curves draw lines");
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html
            .replace("http://www.w3.org/2000/svg", "")
            .contains("http"),
        "nothing is fetched from the network"
    );
    for name in ["slow_map", "compact", "boxy", "broken", "python_dict"] {
        assert!(html.contains(name), "{name}");
    }
    assert!(
        !html.contains("<!-- chart:"),
        "every chart marker is replaced"
    );
}

#[test]
fn results_json_round_trips() {
    let data = fixture();
    let bytes = render(&data, "results.json");
    let back: Results = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, data);
}

#[test]
fn the_guide_follows_the_numbers() {
    let data = fixture();
    let guide = advise(&data);
    let memory = guide
        .iter()
        .find(|a| a.profile.starts_with("memory"))
        .unwrap();
    assert_eq!(memory.ranking[0].layout, "compact");
    assert!(
        memory.ranking[0].why.contains("35.5 B/record"),
        "{}",
        memory.ranking[0].why
    );
    assert!(memory.excluded.iter().any(|(l, _)| l == "broken"));

    // Make `boxy` the smallest: the advice must change with the figure.
    let mut changed = data.clone();
    changed.layouts[2].memory = Some(memory_of(1000, 10.0));
    let memory = advise(&changed)
        .into_iter()
        .find(|a| a.profile.starts_with("memory"))
        .unwrap();
    assert_eq!(memory.ranking[0].layout, "boxy");

    let schema = guide
        .iter()
        .find(|a| a.profile.starts_with("schema"))
        .unwrap();
    assert_eq!(schema.ranking.len(), 1);
    assert_eq!(schema.ranking[0].layout, "slow_map");

    let scans = guide.iter().find(|a| a.profile == "full scans").unwrap();
    let order: Vec<_> = scans.ranking.iter().map(|r| r.layout.as_str()).collect();
    assert_eq!(order, ["compact", "boxy", "slow_map"]);
    assert!(scans.verdict().unwrap().contains("`compact`"));
}

#[test]
fn bmf_uses_bench_ids() {
    let doc: serde_json::Value =
        serde_json::from_slice(&render(&fixture(), "bencher.json")).unwrap();
    assert_eq!(doc["filter/compact/1000"]["latency"]["value"], 2.0);
    assert_eq!(
        doc["memory/compact/1000"]["bytes-per-record"]["value"],
        35.5
    );
    assert!(doc.get("filter/broken/1000").is_none());
}

#[test]
fn every_markdown_table_row_has_as_many_cells_as_its_header() {
    let md = String::from_utf8(render(&fixture(), "REPORT.md")).unwrap();
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    let mut header: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('|') {
            match header {
                None => header = Some(cells(line)),
                Some(n) => assert_eq!(cells(line), n, "row {line:?}"),
            }
        } else {
            header = None;
        }
    }
}

/// A timing of `n` records whose pipeline takes `per_round[k]` ns per record in round `k`.
fn rounds_timing(n: u64, per_round: &[u64]) -> Timing {
    let runs: Vec<PerStage<Nanos>> = per_round
        .iter()
        .map(|&p| times(20 * n * p, n * p, n * p, n * p, n * p))
        .collect();
    Timing {
        records: n,
        kept: Some(n),
        checksum: Some(0.0),
        outputs: Default::default(),
        best: crate::measure::best_of(&runs),
        runs,
        drop: Nanos(n),
        access_reads: 0,
        access: Nanos(0),
        drops: Vec::new(),
        accesses: Vec::new(),
        extra: Default::default(),
    }
}

#[test]
fn the_guide_calls_noise_level_and_a_real_difference_a_win() {
    let scans = |a: &[u64], b: &[u64]| {
        let mut data = fixture();
        data.layouts[1].timing = Some(rounds_timing(1000, a));
        data.layouts[2].timing = Some(rounds_timing(1000, b));
        advise(&data)
            .into_iter()
            .find(|a| a.profile == "full scans")
            .unwrap()
    };
    // Round by round, sometimes one is ahead, sometimes the other: level.
    let noisy = scans(
        &[10, 12, 10, 11, 13, 10, 12, 11, 10],
        &[11, 11, 12, 10, 12, 11, 11, 12, 11],
    );
    assert!(noisy.level(), "{:?}", noisy.runner_up);
    assert!(
        noisy.verdict().unwrap().contains("level with"),
        "{}",
        noisy.verdict().unwrap()
    );
    // Consistently 20 % apart, even in the round a disturbance slowed both threefold: a
    // winner, with its interval.
    let clear = scans(
        &[10, 30, 10, 11, 10, 10, 12, 10, 10],
        &[12, 36, 12, 13, 12, 12, 14, 12, 12],
    );
    assert!(!clear.level(), "{:?}", clear.runner_up);
    let verdict = clear.verdict().unwrap();
    assert!(
        verdict.contains("better than `boxy`") && verdict.contains("96 % interval"),
        "{verdict}"
    );
}
