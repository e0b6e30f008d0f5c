//! The own-record harness at its edges, from outside, as `cargo bench` runs a user's bench
//! file (this file is one: `harness = false`): a workload that panics, a workload whose
//! output is not deterministic, and a size that cannot fit in memory. Each run is a real
//! bench run of this binary, started again with `--bench`, checked by what it printed,
//! wrote and exited with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use layoutlab::{Harness, Record, Store, Workload};

layoutlab::global_allocator!();

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Order {
    #[record(intern = u16)]
    pub symbol: String,
    pub price: f64,
    pub qty: u32,
    pub note: String,
}

/// Total notional: deterministic, and fine on every layout.
struct Notional;

impl Workload<Order> for Notional {
    type Output = u64;
    fn run<S: Store<Order>>(&self, orders: &mut S) -> u64 {
        (0..orders.len())
            .map(|i| (orders.price(i) * f64::from(orders.qty(i))) as u64)
            .sum()
    }
}

/// A user's bug: reads one past the end.
struct OffByOne;

impl Workload<Order> for OffByOne {
    type Output = u32;
    fn run<S: Store<Order>>(&self, orders: &mut S) -> u32 {
        let qty: Vec<u32> = (0..orders.len()).map(|i| orders.qty(i)).collect();
        qty[std::hint::black_box(orders.len())]
    }
}

/// Quantity per symbol, in a `HashMap`'s iteration order: another order on every run.
struct Unordered;

impl Workload<Order> for Unordered {
    type Output = Vec<(String, u64)>;
    fn run<S: Store<Order>>(&self, orders: &mut S) -> Vec<(String, u64)> {
        let mut by: HashMap<String, u64> = HashMap::new();
        for i in 0..orders.len() {
            *by.entry(orders.symbol(i).to_owned()).or_default() += u64::from(orders.qty(i));
        }
        by.into_iter().collect()
    }
}

fn order(i: u64) -> Order {
    Order {
        symbol: format!("S{}", i % 40),
        price: (i % 1000) as f64 * 0.5,
        qty: (i % 7 + 1) as u32,
        note: format!("order {i}").to_owned(),
    }
}

/// The bench side: a user's `main`, with the workloads the test asks for.
fn bench() {
    let generator_panics = std::env::var_os("ORDERS_GENERATOR_PANICS").is_some();
    let mut harness = Harness::<Order>::new("orders")
        .records(2_000)
        .generate(move |i| {
            // A user's bug past the first thousand records (fits' sample): in the timed run.
            assert!(!generator_panics || i != 1_500, "no price for order {i}");
            order(i)
        })
        .workload("notional", Notional);
    if std::env::var_os("ORDERS_ZERO_ROUNDS").is_some() {
        harness = harness.rounds(0);
    }
    if std::env::var_os("ORDERS_PANIC").is_some() {
        harness = harness.workload("off_by_one", OffByOne);
    }
    if std::env::var_os("ORDERS_UNORDERED").is_some() {
        harness = harness.workload("unordered", Unordered);
    }
    harness.run();
}

fn main() {
    if std::env::args().any(|a| a == "--bench") || std::env::var_os("LAYOUTLAB_OWN_CHILD").is_some()
    {
        return bench();
    }
    let tests: [(&str, fn()); 6] = [
        (
            "zero_rounds_in_the_bench_file_is_a_usage_error",
            zero_rounds_in_the_bench_file_is_a_usage_error,
        ),
        (
            "a_panicking_generator_names_the_record_and_exits_2",
            a_panicking_generator_names_the_record_and_exits_2,
        ),
        (
            "the_stores_allocations_leave_out_the_sources",
            the_stores_allocations_leave_out_the_sources,
        ),
        (
            "a_panicking_workload_is_reported_and_the_rest_measured",
            a_panicking_workload_is_reported_and_the_rest_measured,
        ),
        (
            "a_nondeterministic_workload_is_named_and_the_rest_measured",
            a_nondeterministic_workload_is_named_and_the_rest_measured,
        ),
        (
            "a_size_that_cannot_fit_is_refused_up_front",
            a_size_that_cannot_fit_is_refused_up_front,
        ),
    ];
    for (name, test) in tests {
        test();
        println!("test {name} ... ok");
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layoutlab-edges-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// This file run as `cargo bench` runs it, with `flags` and `env`, writing into `out`.
fn bench_into(out: &Path, flags: &[&str], env: &[&str]) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.arg("--bench").args(flags).arg("--out").arg(out);
    for k in env {
        command.env(k, "1");
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The table row of `layout` in the terminal output.
fn row<'a>(stdout: &'a str, layout: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(layout))
        .unwrap_or_else(|| panic!("no row for {layout} in\n{stdout}"))
}

fn a_panicking_workload_is_reported_and_the_rest_measured() {
    let out = temp_dir("panic");
    // A report of an earlier run must not stay behind looking current.
    std::fs::write(out.join("REPORT.md"), "an earlier run").unwrap();
    let run = bench_into(&out, &["--rounds", "2"], &["ORDERS_PANIC"]);
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    // No raw panic, no backtrace through layoutlab.
    assert!(!stderr.contains("thread 'main' panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    // One line naming the workload, the layouts, the message and the location.
    let line = stderr
        .lines()
        .find(|l| l.contains("workload panicked: `off_by_one`"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("aos, "), "{line}");
    assert!(line.contains("index out of bounds"), "{line}");
    assert!(line.contains("own_harness_edges.rs:"), "{line}");
    // The other workload is measured on every layout, and its heap profiled.
    for layout in ["aos", "soa", "packed", "heap_map"] {
        let row = row(&stdout, layout);
        assert!(!row.contains("failed"), "{row}");
        assert!(
            row.split_whitespace().nth(2).is_some_and(|c| c != "-"),
            "{row}"
        );
    }
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(md.contains("**This report is incomplete**"), "{md}");
    assert!(md.contains(r"workload panicked: \`off\_by\_one\`"), "{md}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let aos = json["layouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layout"] == "aos")
        .unwrap();
    let runs = aos["timing"]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs[0].get("notional").is_some() && runs[0].get("off_by_one").is_none());
    assert!(aos["memory"]["phases"].get("notional").is_some(), "{aos}");
}

fn a_nondeterministic_workload_is_named_and_the_rest_measured() {
    let out = temp_dir("unordered");
    let run = bench_into(
        &out,
        &["--rounds", "2", "--no-memory"],
        &["ORDERS_UNORDERED"],
    );
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "`unordered` is not deterministic: its output changed between two runs on `aos`"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("return an ordered collection"), "{stderr}");
    // Said once, and no layout is blamed for a different output.
    assert_eq!(
        stderr.matches("is not deterministic").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("different output"), "{stderr}");
    for layout in ["aos", "boxed", "soa", "packed"] {
        let row = row(&stdout, layout);
        let cells: Vec<&str> = row.split_whitespace().collect();
        // layout, ingest, notional, unordered
        assert!(cells[2] != "-", "{row}");
        assert_eq!(cells[3], "-", "{row}");
    }
}

fn a_size_that_cannot_fit_is_refused_up_front() {
    let out = temp_dir("huge");
    let run = bench_into(&out, &["--records", "99999999999"], &[]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--records 99999999999: layout `aos` would need at least"),
        "{stderr}"
    );
    assert!(stderr.contains("available"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.join("REPORT.md").exists());
}

/// The generator allocates for every record (two `format!`s, a `to_owned`): those are the
/// source's, not the store's. `packed` copies both strings into its own buffers (ids and one
/// text buffer), so it allocates almost nothing per record itself; `boxed` one box each.
fn the_stores_allocations_leave_out_the_sources() {
    let out = temp_dir("alloc");
    let run = bench_into(&out, &["--rounds", "1", "--records", "20000"], &[]);
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert!(run.status.success(), "{stdout}\n{stderr}");
    // What is left is the store's growth (its text buffer doubling, its intern table's 40
    // strings): a few hundred blocks for 20 000 records.
    let allocs = |layout: &str| -> f64 {
        let last = row(&stdout, layout).split_whitespace().last().unwrap();
        last.parse().unwrap_or_else(|_| panic!("{layout}: {last}"))
    };
    for layout in ["packed", "soa", "aosoa", "aos"] {
        assert!(
            allocs(layout) < 0.01,
            "{layout}: {}\n{stdout}",
            allocs(layout)
        );
    }
    assert!((allocs("boxed") - 1.0).abs() < 0.02, "{stdout}");
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(
        md.contains("measured alone in the same process, is taken off ("),
        "{md}"
    );
}

fn zero_rounds_in_the_bench_file_is_a_usage_error() {
    let out = temp_dir("zero-rounds");
    let run = bench_into(&out, &[], &["ORDERS_ZERO_ROUNDS"]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".rounds(0): no round would be timed; give at least 1"),
        "{stderr}"
    );
    assert!(!out.join("REPORT.md").exists());
}

fn a_panicking_generator_names_the_record_and_exits_2() {
    let out = temp_dir("generator-panic");
    let run = bench_into(
        &out,
        &["--rounds", "1", "--no-memory"],
        &["ORDERS_GENERATOR_PANICS"],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked at"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("the generator panicked: no price for order 1500"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("1500"), "{line}");
    assert!(line.contains("own_harness_edges.rs:"), "{line}");
}
