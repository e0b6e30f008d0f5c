//! Every field kind of issue 18 — `Option` (of a number, a `bool`, an enum, a plain and an
//! interned `String`), an array, `Vec<T>`, `Box<[T]>`, `Vec<String>` (plain and interned),
//! a flattened record two levels deep and an opaque field — in every layout: for arbitrary
//! records (`None`, empty lists and empty strings included), every layout agrees with the
//! plain `Vec<R>` on `get`, on every getter (whole and nested), and after a mutating
//! workload that retains through the rows and sets every field (lists to other lengths,
//! `Some` to `None` and back, a flattened field whole and field by field). The counting
//! store agrees too, and counts a flattened field's leaves.

use std::collections::BTreeMap;

use layoutlab::own::rows::Repr;
use layoutlab::own::{Aos, Counting, Plan, PlanField, PlanGroup, Proposed, Soa};
use layoutlab::{Record, Scalar, Store, StoreFn, Workload};
use proptest::prelude::*;

#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
    #[record(intern = u8)]
    pub zone: String,
}

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Place {
    #[record(flatten)]
    pub geo: Geo,
    pub alt: Option<i32>,
    pub name: String,
}

/// Kept as it is: a map layoutlab cannot lay out.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Extra(pub BTreeMap<String, u32>);

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Event {
    #[record(group = "hot")]
    pub id: u64,
    /// Narrowed in the compact layouts.
    #[record(narrow = u8, group = "hot")]
    pub small: u16,
    /// A plain String and a small count: what a runtime plan interns and narrows.
    pub name: String,
    #[record(group = "hot")]
    pub count: u64,
    pub score: Option<f64>,
    #[record(intern = u16)]
    pub host: Option<String>,
    pub note: Option<String>,
    pub flag: Option<bool>,
    pub side: Option<Side>,
    pub rgb: [u8; 3],
    pub samples: Vec<u32>,
    pub weights: Box<[f32]>,
    pub tags: Vec<String>,
    #[record(intern = u8)]
    pub labels: Vec<String>,
    #[record(flatten, group = "where")]
    pub place: Place,
    #[record(opaque, cold, group = "where")]
    pub extra: Extra,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-c]{1,3}", "\\PC{0,5}"]
}

fn few() -> impl Strategy<Value = String> {
    proptest::sample::select(&["a", "bb", "", "ccc"][..]).prop_map(str::to_owned)
}

fn event() -> impl Strategy<Value = Event> {
    let a = (
        (any::<u64>(), 0u16..=255, few(), 0u64..4_000_000_000),
        proptest::option::of(any::<f64>()),
        proptest::option::of(few()),
        proptest::option::of(text()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![Just(Side::Buy), Just(Side::Sell)]),
        any::<[u8; 3]>(),
    );
    let b = (
        proptest::collection::vec(any::<u32>(), 0..5),
        proptest::collection::vec(any::<f32>(), 0..3),
        proptest::collection::vec(text(), 0..4),
        proptest::collection::vec(few(), 0..3),
        (
            any::<f64>(),
            any::<f64>(),
            few(),
            proptest::option::of(any::<i32>()),
            text(),
        ),
        proptest::collection::btree_map("[a-z]{1,2}", any::<u32>(), 0..3),
    );
    (a, b).prop_map(
        |(
            ((id, small, name, count), score, host, note, flag, side, rgb),
            (samples, weights, tags, labels, p, extra),
        )| {
            Event {
                id,
                small,
                name,
                count,
                score,
                host,
                note,
                flag,
                side,
                rgb,
                samples,
                weights: weights.into(),
                tags,
                labels,
                place: Place {
                    geo: Geo {
                        lat: p.0,
                        lon: p.1,
                        zone: p.2,
                    },
                    alt: p.3,
                    name: p.4,
                },
                extra: Extra(extra),
            }
        },
    )
}

/// Every field read through the getters, as text (bit-exact for floats through `Debug`).
struct ReadAll;
impl Workload<Event> for ReadAll {
    type Output = Vec<String>;
    fn run<S: Store<Event>>(&self, s: &mut S) -> Vec<String> {
        (0..s.len())
            .map(|i| {
                format!(
                    "{} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} | {:?} {:?} {:?} {:?} {:?} {:?} {:?} | {:?}",
                    s.id(i),
                    s.small(i),
                    s.name(i),
                    s.count(i),
                    s.score(i).map(f64::to_bits),
                    s.host(i),
                    s.note(i),
                    s.flag(i),
                    s.side(i),
                    s.rgb(i),
                    s.samples(i),
                    s.weights(i).iter().map(|w| w.to_bits()).collect::<Vec<_>>(),
                    s.tags(i).iter().collect::<Vec<_>>(),
                    s.labels(i).to_vec(),
                    s.place_geo_lat(i).to_bits(),
                    s.place_geo_lon(i).to_bits(),
                    s.place_geo_zone(i),
                    s.place_alt(i),
                    s.place_name(i),
                    s.place_geo(i),
                    s.place(i),
                    s.extra(i),
                )
            })
            .collect()
    }
}

/// The bumped record: what `Mutate` writes, field by field, computed on a plain value.
fn bumped(e: &Event) -> Event {
    let mut samples = e.samples.clone();
    if e.id % 2 == 0 {
        samples.push(7);
    } else {
        samples.pop();
    }
    let mut tags: Vec<String> = e.tags.iter().map(|t| format!("{t}+")).collect();
    tags.truncate(2);
    Event {
        id: e.id.wrapping_add(1),
        small: (e.small + 1) % 256,
        name: format!("{}.", e.name),
        count: e.count / 2,
        score: if e.score.is_some() { None } else { Some(1.5) },
        host: e.host.as_ref().map_or(Some("new".to_owned()), |_| None),
        note: Some(format!("{}!", e.note.as_deref().unwrap_or(""))),
        flag: e.flag.map(|f| !f),
        side: match e.side {
            Some(Side::Buy) => Some(Side::Sell),
            Some(Side::Sell) => None,
            None => Some(Side::Buy),
        },
        rgb: e.rgb.map(|c| c.wrapping_add(1)),
        samples,
        weights: e.weights.iter().map(|w| w * 2.0).chain([0.5]).collect(),
        tags,
        labels: e.labels.iter().rev().cloned().collect(),
        place: Place {
            geo: Geo {
                lat: e.place.geo.lat + 1.0,
                lon: e.place.geo.lon,
                zone: format!("{}z", e.place.geo.zone),
            },
            alt: e.place.alt.map(|a| a.wrapping_sub(1)),
            name: String::new(),
        },
        extra: {
            let mut extra = e.extra.clone();
            extra.0.insert("k".to_owned(), 1);
            extra
        },
    }
}

/// Retains through the rows, then sets every field through the setters (a flattened field
/// both whole and leaf by leaf), and returns every record.
struct Mutate;
impl Workload<Event> for Mutate {
    type Output = Vec<Event>;
    fn run<S: Store<Event>>(&self, s: &mut S) -> Vec<Event> {
        s.retain(|r| r.id() % 3 != 0 && r.place_alt() != Some(0) && r.tags().len() != 3);
        for i in 0..s.len() {
            let b = bumped(&s.get(i));
            s.set_id(i, b.id);
            s.set_small(i, b.small);
            s.set_name(i, &b.name);
            s.set_count(i, b.count);
            s.set_score(i, b.score);
            s.set_host(i, b.host.as_deref());
            s.set_note(i, b.note.as_deref());
            s.set_flag(i, b.flag);
            s.set_side(i, b.side);
            s.set_rgb(i, b.rgb);
            s.set_samples(i, &b.samples);
            s.set_weights(i, &b.weights);
            let tags: Vec<&str> = b.tags.iter().map(String::as_str).collect();
            s.set_tags(i, &tags);
            let labels: Vec<&str> = b.labels.iter().map(String::as_str).collect();
            s.set_labels(i, &labels);
            if i % 2 == 0 {
                s.set_place(i, b.place.clone());
            } else {
                s.set_place_geo(i, b.place.geo.clone());
                s.set_place_geo_zone(i, &b.place.geo.zone);
                s.set_place_alt(i, b.place.alt);
                s.set_place_name(i, &b.place.name);
            }
            s.set_extra(i, b.extra.clone());
        }
        (0..s.len()).map(|i| s.get(i)).collect()
    }
}

fn mutate_ref(mut records: Vec<Event>) -> Vec<Event> {
    records.retain(|r| r.id % 3 != 0 && r.place.alt != Some(0) && r.tags.len() != 3);
    records.iter().map(bumped).collect()
}

#[derive(Debug, PartialEq)]
struct Answers {
    get: String,
    read: Vec<String>,
    mutated: String,
}

/// Runtime plans: every field in one group, each alone, and a split that narrows `count` to
/// four bytes and interns `name` with one-byte ids.
fn plans() -> Vec<Plan> {
    let names: Vec<&str> = Event::SCHEMA.fields.iter().map(|f| f.name).collect();
    let field = |name: &str| PlanField {
        field: name.to_owned(),
        repr: match name {
            "count" => Repr::Narrow {
                bytes: 4,
                signed: false,
            },
            "name" => Repr::Intern { bytes: 1 },
            _ => Repr::Packed,
        },
    };
    let group = |name: &str, fields: Vec<PlanField>| PlanGroup {
        name: name.to_owned(),
        fields,
    };
    vec![
        Plan::one_group::<Event>(),
        Plan {
            groups: names.iter().map(|n| group(n, vec![field(n)])).collect(),
        },
        Plan {
            groups: vec![
                group("a", names.iter().step_by(2).map(|n| field(n)).collect()),
                group(
                    "b",
                    names
                        .iter()
                        .skip(1)
                        .step_by(2)
                        .rev()
                        .map(|n| field(n))
                        .collect(),
                ),
            ],
        },
    ]
}

/// `RunAll` on a `proposed` store laid out by a plan.
struct RunPlan(Vec<Event>, Plan);
impl RunPlan {
    fn call<S: Store<Event>>(self) -> Answers {
        let plan = self.1;
        let fresh = || {
            let mut s = S::__with_plan(self.0.len(), Some(&plan));
            for r in self.0.clone() {
                s.push(r).expect("few distinct values fit every id");
            }
            s
        };
        let store = fresh();
        let get = format!(
            "{:?}",
            (0..store.len()).map(|i| store.get(i)).collect::<Vec<_>>()
        );
        Answers {
            get,
            read: ReadAll.run(&mut fresh()),
            mutated: format!("{:?}", Mutate.run(&mut fresh())),
        }
    }
}

struct RunAll(Vec<Event>);
impl StoreFn<Event> for RunAll {
    type Out = Answers;
    fn call<S: Store<Event>>(self) -> Answers {
        let fresh = || S::from_records(self.0.clone()).expect("few distinct values fit every id");
        let store = fresh();
        let get = format!(
            "{:?}",
            (0..store.len()).map(|i| store.get(i)).collect::<Vec<_>>()
        );
        Answers {
            get,
            read: ReadAll.run(&mut fresh()),
            mutated: format!("{:?}", Mutate.run(&mut fresh())),
        }
    }
}

fn check(records: Vec<Event>) {
    let expected = Answers {
        get: format!("{records:?}"),
        read: ReadAll.run(&mut Aos::from_records(records.clone()).unwrap()),
        mutated: format!("{:?}", mutate_ref(records.clone())),
    };
    let layouts = Event::layouts();
    assert_eq!(
        layouts.len(),
        9,
        "every layout, hot_cold and grouped included"
    );
    for layout in layouts {
        let got = Event::for_layout(layout.name, RunAll(records.clone())).unwrap();
        assert_eq!(got, expected, "layout {}", layout.name);
    }
    for plan in plans() {
        let got = RunPlan(records.clone(), plan.clone()).call::<Proposed<Event>>();
        assert_eq!(got, expected, "proposed with {plan:?}");
    }
    for got in [
        RunAll(records.clone()).call::<Counting<Aos<Event>>>(),
        RunAll(records.clone()).call::<Counting<Soa<Event>>>(),
    ] {
        assert_eq!(got, expected, "counting store");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_kind_agrees_in_every_layout(records in proptest::collection::vec(event(), 0..24)) {
        check(records);
    }
}

#[test]
fn the_counting_store_counts_leaves_of_flattened_fields() {
    let records: Vec<Event> = (0..4)
        .map(|i| Event {
            id: i,
            small: 0,
            name: String::new(),
            count: 0,
            score: None,
            host: None,
            note: None,
            flag: None,
            side: None,
            rgb: [0; 3],
            samples: vec![],
            weights: Box::new([]),
            tags: vec![],
            labels: vec![],
            place: Place {
                geo: Geo {
                    lat: 0.0,
                    lon: 0.0,
                    zone: String::new(),
                },
                alt: None,
                name: String::new(),
            },
            extra: Extra::default(),
        })
        .collect();
    let mut store = Counting::new(Soa::<Event>::from_records(records).unwrap());
    store.reset();
    for i in 0..store.len() {
        std::hint::black_box(store.place_geo_lat(i));
        std::hint::black_box(store.place(i));
    }
    store.set_place_alt(0, Some(3));
    let counts = store.counts();
    let leaf = |path: &str| counts.iter().find(|c| c.field == path).unwrap();
    assert_eq!(counts.len(), Event::LEAVES);
    assert_eq!(Event::LEAVES, 15 + 5);
    assert_eq!(leaf("place.geo.lat").reads, 8);
    assert_eq!(leaf("place.geo.zone").reads, 4);
    assert_eq!(leaf("place.name").reads, 4);
    assert_eq!(leaf("place.alt").writes, 1);
    assert_eq!(leaf("id").reads, 0);
}
