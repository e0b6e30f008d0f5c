//! The `unsafe` of the grouped layouts (`src/own/rows.rs`: unaligned loads and stores of a
//! leaf's packed bytes at its place) and of the arena's new slots (lists and lists of
//! strings as slices in the bump arena, opaque values compacted through row pointers), walked
//! path by path: push, every getter, setters that grow and shrink buffers until they are
//! compacted, retain in runs, narrowed and interned leaves, then drop. CI runs this file
//! under valgrind memcheck (`scripts/valgrind-unsafe.sh`), which flags any read or write
//! outside what was allocated and initialised.

use layoutlab::own::rows::Repr;
use layoutlab::own::{Arena, Grouped, Plan, PlanField, PlanGroup, Proposed};
use layoutlab::{Record, Store};

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Pos {
    pub lat: f64,
    #[record(intern = u8)]
    pub zone: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Blob(pub Vec<u8>);

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Row {
    #[record(group = "a")]
    pub id: u64,
    #[record(narrow = u16, group = "a")]
    pub small: u32,
    #[record(group = "b")]
    pub name: String,
    #[record(group = "b")]
    pub maybe: Option<f32>,
    pub list: Vec<u32>,
    pub tags: Vec<String>,
    #[record(flatten, group = "a")]
    pub pos: Pos,
    #[record(opaque)]
    pub blob: Blob,
}

fn row(i: u64) -> Row {
    Row {
        id: i,
        small: (i % 60_000) as u32,
        name: "n".repeat((i % 13) as usize),
        maybe: (i % 3 != 0).then_some(i as f32),
        list: (0..i % 7).map(|k| (i + k) as u32).collect(),
        tags: (0..i % 4).map(|k| format!("t{k}")).collect(),
        pos: Pos {
            lat: i as f64 / 3.0,
            zone: format!("z{}", i % 5),
        },
        blob: Blob(vec![i as u8; (i % 5) as usize]),
    }
}

/// Every field of `store` against the records it should hold, after setters and retain.
fn exercise<S: Store<Row>>(mut store: S, n: u64) {
    for i in (0..n).step_by(7) {
        assert_eq!(store.get(i as usize), row(i));
    }
    // Setters that grow and shrink the lists and text past compaction.
    for round in 0..3u64 {
        for i in 0..store.len() {
            let longer: Vec<u32> = (0..(i as u32 + round as u32) % 11).collect();
            store.set_list(i, &longer);
            store.set_name(i, &"m".repeat((i + round as usize) % 17));
            store.set_tags(i, &["x", "yy"][..(i % 3).min(2)]);
            store.set_maybe(i, (round % 2 == 0).then_some(1.5));
            store.set_pos_zone(i, "zz");
            store.set_blob(i, Blob(vec![round as u8; i % 3]));
        }
    }
    store.retain(|r| r.id() % 4 != 1 && r.list().len() != 3);
    for i in 0..store.len() {
        let r = store.get(i);
        assert_eq!(store.list(i), &r.list[..]);
        assert_eq!(store.name(i), r.name);
        assert_eq!(store.pos(i), r.pos);
        assert!(store.small(i) < 60_000);
    }
    drop(store);
}

#[test]
fn grouped_proposed_and_arena_read_what_was_written() {
    let n = 3_000;
    exercise(Grouped::<Row>::from_records((0..n).map(row)).unwrap(), n);
    exercise(Arena::<Row>::from_records((0..n).map(row)).unwrap(), n);
    let field = |f: &str, repr| PlanField {
        field: f.to_owned(),
        repr,
    };
    let plan = Plan {
        groups: vec![
            PlanGroup {
                name: "x".to_owned(),
                fields: vec![
                    field("pos", Repr::Packed),
                    field(
                        "id",
                        Repr::Narrow {
                            bytes: 4,
                            signed: false,
                        },
                    ),
                    field("name", Repr::Intern { bytes: 4 }),
                ],
            },
            PlanGroup {
                name: "y".to_owned(),
                fields: ["small", "maybe", "list", "tags", "blob"]
                    .iter()
                    .map(|f| field(f, Repr::Packed))
                    .collect(),
            },
        ],
    };
    let mut proposed = Proposed::<Row>::with_plan(&plan, n as usize).unwrap();
    for i in 0..n {
        proposed.push(row(i)).unwrap();
    }
    exercise(proposed, n);
}
