//! A proposal adopted: the attributes `Plan::attributes` prints for a plan, pasted into the
//! record (`tests/fixtures/tick_pasted.rs`), make the derive generate the same layout as its
//! compiled `grouped` layout — every leaf at the place the runtime `proposed` store gives it
//! — and a bench run of the pasted record measures `grouped` beside `proposed` and says
//! whether the compiled layout kept the proposal's gain. No time is asserted: only that both
//! ran in the same paired rounds and the verdict is reported.
//!
//! This file is a bench file (`harness = false`): run by `cargo test` it checks the layout,
//! then starts itself with `--bench`, as `cargo bench` would, and reads what that run wrote.

use std::process::Command;

use layoutlab::own::rows::{Places, Repr};
use layoutlab::own::{Plan, PlanField, PlanGroup};
use layoutlab::{Harness, Record, Store, Workload};

layoutlab::global_allocator!();

/// The record as first written.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Tick {
    pub price: f64,
    pub qty: u64,
    pub venue: String,
    pub ts: i64,
}

mod pasted {
    include!("fixtures/tick_pasted.rs");
}
use pasted::{TickPasted, TickPastedFields};

/// The plan whose attributes the fixture holds.
fn plan() -> Plan {
    let field = |f: &str, repr| PlanField {
        field: f.to_owned(),
        repr,
    };
    Plan {
        groups: vec![
            PlanGroup {
                name: "hot".to_owned(),
                fields: vec![
                    field("price", Repr::Packed),
                    field(
                        "qty",
                        Repr::Narrow {
                            bytes: 2,
                            signed: false,
                        },
                    ),
                ],
            },
            PlanGroup {
                name: "cold".to_owned(),
                fields: vec![
                    field("venue", Repr::Intern { bytes: 1 }),
                    field("ts", Repr::Packed),
                ],
            },
        ],
    }
}

struct Notional;
impl Workload<TickPasted> for Notional {
    type Output = f64;
    fn run<S: Store<TickPasted>>(&self, s: &mut S) -> f64 {
        (0..s.len()).map(|i| s.price(i) * s.qty(i) as f64).sum()
    }
}

struct Venues;
impl Workload<TickPasted> for Venues {
    type Output = usize;
    fn run<S: Store<TickPasted>>(&self, s: &mut S) -> usize {
        (0..s.len()).filter(|&i| s.venue(i) == "XNAS").count()
    }
}

fn tick(i: u64) -> TickPasted {
    TickPasted {
        price: 10.0 + (i % 97) as f64,
        qty: i % 1000,
        venue: ["XNAS", "XNYS", "BATS"][(i % 3) as usize].to_owned(),
        ts: i as i64,
    }
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    if bench || std::env::var_os("LAYOUTLAB_OWN_CHILD").is_some() {
        Harness::<TickPasted>::new("tick-pasted")
            .generate(tick)
            .workload("notional", Notional)
            .workload("venues", Venues)
            .run();
        return;
    }
    the_printed_attributes_are_the_fixtures();
    println!("test the_printed_attributes_are_the_fixtures ... ok");
    the_compiled_layout_is_the_plans();
    println!("test the_compiled_layout_is_the_plans ... ok");
    a_run_measures_the_compiled_beside_the_runtime_layout();
    println!("test a_run_measures_the_compiled_beside_the_runtime_layout ... ok");
}

fn the_printed_attributes_are_the_fixtures() {
    let printed = plan().attributes::<Tick>();
    let fixture = include_str!("fixtures/tick_pasted.rs");
    let fields: Vec<&str> = fixture
        .lines()
        .skip_while(|l| !l.ends_with('{'))
        .skip(1)
        .take_while(|l| *l != "}")
        .collect();
    let printed: Vec<&str> = printed.lines().filter(|l| !l.starts_with("//")).collect();
    assert_eq!(printed, fields);
}

fn the_compiled_layout_is_the_plans() {
    let runtime = plan().places::<Tick>().expect("the plan fits Tick");
    let (places, strides) = TickPasted::GROUPED;
    assert_eq!(strides, runtime.strides(), "group strides");
    for (leaf, place) in places.iter().enumerate() {
        let r = runtime.place(leaf);
        assert_eq!(
            (place.group, place.offset),
            (r.group, r.offset),
            "leaf {leaf}"
        );
    }
    // Narrowed and interned by the derive's kinds, not by the store: the same bytes.
    assert_eq!(strides, [8 + 2, 1 + 8]);
    assert!(TickPasted::layouts().iter().any(|l| l.name == "grouped"));
}

fn a_run_measures_the_compiled_beside_the_runtime_layout() {
    let out = std::env::temp_dir().join(format!("layoutlab-paste-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let run = Command::new(std::env::current_exe().unwrap())
        .args([
            "--bench",
            "--records",
            "3000",
            "--rounds",
            "3",
            "--no-memory",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let names: Vec<&str> = doc["layouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["layout"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"grouped") && names.contains(&"proposed"),
        "{names:?}"
    );
    let compiled = &doc["proposal"]["compiled"];
    assert!(compiled["kept"].is_boolean(), "{}", doc["proposal"]);
    assert_eq!(compiled["vs_proposed"]["layout"], "proposed");
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(
        report.contains("The compiled `grouped` layout took"),
        "{report}"
    );
    assert!(stdout.contains("compiled `grouped`:"), "{stdout}");
    let _ = std::fs::remove_dir_all(&out);
}
