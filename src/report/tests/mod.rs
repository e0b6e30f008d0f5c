//! The report renderers: snapshot of the Markdown for a fixed set of results, determinism
//! of every file, real SVG charts in the HTML, and a decision guide that follows the numbers.

use crate::analysis::guide::advise;
use crate::inspect::TypeInfo;
use crate::model::costs::{Costs, Events, SimulatedCaches, StageCosts};
use crate::model::{
    Failure, FailureKind, LayoutRun, Machine, MemorySummary, PerStage, PhaseMemory, PythonRow,
    PythonSection, Results, ScalePoint, Timing, Workload, FORMAT,
};
use crate::pipeline::Stage;
use crate::report::exporters;
use crate::units::{Bytes, Nanos};

mod guide;
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
        source: None,
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

/// Records the fixture's costs were counted on: a tenth of its workload, with the simulated
/// last level shrunk to match.
const COST_RECORDS: u64 = 100;

/// Costs whose stages each execute `instructions` per record (ingest twenty times as many)
/// and miss D1 and LL `d1` and `ll` times per record, all data reads.
fn costs_of(instructions: u64, d1: u64, ll_per_100: u64) -> Costs {
    let n = COST_RECORDS;
    let span = |scale: u64| {
        StageCosts::new(
            Events {
                ir: instructions * n * scale,
                dr: instructions * n * scale / 2,
                dw: instructions * n * scale / 4,
                i1mr: 3,
                d1mr: d1 * n,
                ilmr: 3,
                dlmr: ll_per_100,
                ..Events::default()
            },
            n,
        )
    };
    let stages = PerStage::from_stages(|s| span(if s == Stage::Ingest { 20 } else { 1 }));
    let between_stages = StageCosts::new(
        Events {
            ir: 120,
            ..Events::default()
        },
        n,
    );
    let drop = span(1);
    let whole_run = StageCosts::new(
        stages
            .values()
            .chain([&between_stages, &drop])
            .map(|s| s.events)
            .sum(),
        n,
    );
    Costs {
        stages,
        between_stages,
        drop,
        whole_run,
        caches: SimulatedCaches::TYPICAL.scaled_for(n, 1000),
        records: n,
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
            warm: Vec::new(),
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
    let mut slow_map = layout("slow_map", 100, 600.0, true);
    slow_map.costs = Some(costs_of(400, 8, 600));
    let mut compact = layout("compact", 2, 35.5, false);
    compact.costs = Some(costs_of(20, 0, 1));
    let mut boxy = layout("boxy", 10, 120.0, false);
    boxy.costs = Some(costs_of(30, 3, 50));
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
        layouts: vec![slow_map, compact, boxy, failed],
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
        proposal: None,
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

fn markdown(data: &Results) -> String {
    String::from_utf8(render(data, "REPORT.md")).expect("the report is UTF-8")
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
        4,
        "bytes/record, stage throughput, costs, scaling"
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
fn bmf_has_the_whole_runs_costs_per_layout() {
    let doc: serde_json::Value =
        serde_json::from_slice(&render(&fixture(), "bencher.json")).unwrap();
    let costs = &doc["costs/compact/1000"];
    assert_eq!(costs["instructions"]["value"], 501.2);
    assert_eq!(costs["d1-misses"]["value"], 0.0);
    assert_eq!(costs["ll-misses"]["value"], 0.06);
    assert!(costs["est-cycles"]["value"].as_f64().unwrap() > 501.2);
    assert!(costs["instructions"].get("lower_value").is_none(), "exact");
    assert!(doc.get("costs/broken/1000").is_none());
    // The measures that were there before are untouched.
    assert_eq!(doc["filter/compact/1000"]["latency"]["value"], 2.0);
}

#[test]
fn without_costs_the_note_says_why() {
    let mut data = fixture();
    for l in &mut data.layouts {
        l.costs = None;
    }
    data.costs_note = Some("costs left out: valgrind is not installed".into());
    let md = markdown(&data);
    assert!(
        md.contains("## Deterministic costs\n\ncosts left out: valgrind is not installed.\n"),
        "{md}"
    );
    assert!(!md.contains("Why the fast"), "{md}");
    assert!(!md.contains("Instructions per record"), "{md}");
    let html = String::from_utf8(render(&data, "index.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 3, "no costs chart");
    let terminal = crate::report::terminal::compare(&data);
    assert!(
        terminal.ends_with("\ncosts left out: valgrind is not installed\n"),
        "{terminal}"
    );
    // Not asked for and no note: nothing in the terminal, a plain line in the report.
    data.costs_note = None;
    assert!(!crate::report::terminal::run(&data, false).contains("costs"));
    assert!(markdown(&data).contains("No layout's costs were measured"));
}

#[test]
fn the_terminal_shows_costs_after_the_tables() {
    let out = crate::report::terminal::compare(&fixture());
    let costs = out.find(
        "\ncosts: callgrind, 100 records, simulated caches I1 32.0 KiB, D1 \
                          32.0 KiB, LL 1.0 MiB (scaled from 8.0 MiB for 1 000 records)",
    );
    let heap = out.find("heap peak per record by phase").unwrap();
    assert!(costs.is_some_and(|c| c > heap), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("compact ") && l.contains("36.3"))
        .unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    // Est. cycles per stage, then the whole run's instructions, D1, LL and cycles.
    assert_eq!(
        cells,
        ["compact", "701", "36.3", "36.3", "36.3", "36.3", "501", "0", "0.0600", "884"]
    );
    assert!(out.contains("why the fastest are fast"), "{out}");
    assert!(
        out.contains("  `compact` runs `filter` 5.0× faster than `boxy`"),
        "{out}"
    );
    let run = crate::report::terminal::run(&fixture(), false);
    assert!(run.contains("\ncosts: callgrind, 100 records"), "{run}");
}

#[test]
fn the_costs_sentences_follow_the_counts() {
    let sentence = "Among layouts with a fixed schema, `compact` runs `aggregate` 5.0× faster \
                    than `boxy` (2.00 vs 10.0 ns per record): it executes 1.5× fewer \
                    instructions";
    let md = markdown(&fixture());
    assert!(md.contains(sentence), "{md}");
    // `boxy` executes as many instructions as `compact`, and misses LL much more: the
    // misses account for the gap now.
    let mut data = fixture();
    data.layouts[2].costs = Some(costs_of(20, 3, 300));
    let md = markdown(&data);
    assert!(!md.contains(sentence), "{md}");
    assert!(
        md.contains(
            "`compact` runs `aggregate` 5.0× faster than `boxy` (2.00 vs 10.0 ns per \
             record): it executes about as many instructions (20.0 vs 20.0 per record), \
             never misses D1 (`boxy`: 3.00 per record) and almost never misses LL (0.0100 \
             vs 3.00 per record)"
        ),
        "{md}"
    );
    assert!(md.contains("fewer LL misses account for 88 %"), "{md}");
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
