//! Run with: `cargo bench --bench derived` (or add `-- --quick --noplot` for a fast pass).
//!
//! Does a record of one's own cost anything over code written by hand, or over the SoA
//! crates a user would otherwise pick? Every group runs the same loop, on the same records,
//! over:
//!
//! - `soa`, `aos`: a workload written once against `Store`, with the getters
//!   `#[derive(Record)]` generates (`trades.price(i)`), over the derived layouts;
//! - `soa_derive`: the `…Vec` that soa_derive's `#[derive(StructOfArray)]` generates, its
//!   columns iterated as its own bench does (`vec.price.iter().zip(&vec.qty)`);
//! - `soa_rs`: soa-rs's `Soa<T>`, its columns as slices (`soa.price()`);
//! - `handwritten_vec`: one `Vec` per field, written by hand (what `soa` should compile to);
//! - `handwritten_aos`: a `Vec` of the records, written by hand (what `aos` should be).
//!
//! Groups:
//!
//! - `scan_one/…/records`: the sum of one `f64` field (`price`);
//! - `scan_two/…/records`: the sum of two fields of different widths (`price + qty`);
//! - `push/…/records`: building a store of three-`f64` records by pushing them one at a
//!   time from empty (the peer's `small_push`, timed over a whole store);
//! - `big/…/records`: soa_derive's own benchmark record `Big` (a position and a velocity
//!   triple, `data: [usize; 18]`, two `String`s: 240 bytes) and its loop,
//!   `position.0 + velocity.0 * 0.1`. layoutlab's derive takes the triples as six `f64`
//!   fields and, until it takes arrays, the 18 words as 18 `u64` fields (the same bytes);
//!   `soa_derive_tuples` is the peer's record exactly as its bench declares it, the triples
//!   as tuple columns and `data` as an array.
//! - `scan_option/…/records`: the sum of the `Some` values of an `Option<f64>` field and the
//!   count of its `None`s (one record in eight, at random). `soa` keeps it as Arrow does, a
//!   validity bitmap beside the values; by hand over a `Vec<u64>` of validity words and a
//!   `Vec<f64>` of values, `handwritten_bitmap` is the same loop (record by record, bit `i`
//!   of word `i / 64`) and `handwritten_words` a word at a time over the 64 values it covers,
//!   which no loop of per-record getters can be;
//! - `scan_list/…/records`: the sum of every element of a `Vec<u32>` field (lengths uniform
//!   in 0..=8, a ninth of them empty). `soa` keeps a span per record into one values buffer
//!   (Arrow's ListView); `handwritten_offsets` is the loop by hand over Arrow's List (`n + 1`
//!   `u32` offsets, a record's end the next one's start) and `handwritten_spans` over the
//!   derive's own representation (an `(offset, len)` pair per record), both into one
//!   `Vec<u32>` of values. `aos` in both groups is the user's struct in a `Vec`, for scale.
//!   The record, its data and these loops are in `common/kinds.rs`, which
//!   `examples/kind_scans.rs` times too, as the best of many turns.
//!
//! The stores are built once per size (untimed) for the scans; every result goes through
//! [`black_box`], and every implementation's result is checked against the hand-written
//! one's, bit for bit, before anything is timed. The requirements: the derived layouts
//! within 1.2× of hand-written and within 1.1× of the peers on every scan, and the derived
//! `soa` scans of an `Option` and of a list within 1.2× of the loops by hand (figures in
//! `benches/README.md`).

#[allow(dead_code)]
mod common;
#[path = "common/kinds.rs"]
mod kinds;

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use layoutlab::own::{Aos, Packed, Plan, Proposed, Soa};
use layoutlab::{Record, Scalar, Store};

#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Trade {
    #[record(intern = u16)]
    pub symbol: String,
    pub price: f64,
    pub qty: u32,
    pub side: Side,
    #[record(cold)]
    pub venue: String,
    pub ts: i64,
}

/// Declares soa_derive's `Big` with the attributes given (one declaration for layoutlab's
/// derive and both peers', so the three cannot drift apart): the triples as six `f64`
/// fields and `data: [usize; 18]` as 18 `u64` fields, 240 bytes as the peer's.
macro_rules! big_record {
    ($(#[$attr:meta])*) => {
        $(#[$attr])*
        pub struct Big {
            pub pos_x: f64,
            pub pos_y: f64,
            pub pos_z: f64,
            pub vel_x: f64,
            pub vel_y: f64,
            pub vel_z: f64,
            pub data_0: u64,
            pub data_1: u64,
            pub data_2: u64,
            pub data_3: u64,
            pub data_4: u64,
            pub data_5: u64,
            pub data_6: u64,
            pub data_7: u64,
            pub data_8: u64,
            pub data_9: u64,
            pub data_10: u64,
            pub data_11: u64,
            pub data_12: u64,
            pub data_13: u64,
            pub data_14: u64,
            pub data_15: u64,
            pub data_16: u64,
            pub data_17: u64,
            pub name: String,
            pub userdata: String,
        }
    };
}

/// The same trade for the peers (their derives generate `TradeVec`, `TradeRef`, …: one
/// module each keeps the names apart). The side is a `bool`: neither loop reads it.
mod peer_soa_derive {
    #[derive(soa_derive::StructOfArray, Clone, Debug, PartialEq)]
    pub struct Trade {
        pub symbol: String,
        pub price: f64,
        pub qty: u32,
        pub buy: bool,
        pub venue: String,
        pub ts: i64,
    }

    #[derive(soa_derive::StructOfArray, Clone, Debug, PartialEq)]
    pub struct Small {
        pub x: f64,
        pub y: f64,
        pub z: f64,
    }

    /// soa_derive's `Big`, as its `benches/soa.rs` declares it.
    #[derive(soa_derive::StructOfArray, Clone, Debug, PartialEq)]
    pub struct BigTuples {
        pub position: (f64, f64, f64),
        pub velocity: (f64, f64, f64),
        pub data: [usize; 18],
        pub name: String,
        pub userdata: String,
    }

    big_record!(
        /// `Big` with the triples as six fields, as layoutlab's derive takes it.
        #[derive(soa_derive::StructOfArray, Clone, Debug, PartialEq)]
    );
}

// soa-rs generates an accessor per column; the loops read two of `Big`'s 26.
#[allow(dead_code)]
mod peer_soa_rs {
    use soa_rs::Soars;

    #[derive(Soars, Clone, Debug, PartialEq)]
    pub struct Trade {
        pub symbol: String,
        pub price: f64,
        pub qty: u32,
        pub buy: bool,
        pub venue: String,
        pub ts: i64,
    }

    #[derive(Soars, Clone, Debug, PartialEq)]
    pub struct Small {
        pub x: f64,
        pub y: f64,
        pub z: f64,
    }

    big_record!(#[derive(Soars, Clone, Debug, PartialEq)]);
}

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Small {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

big_record!(#[derive(Record, Clone, Debug, PartialEq)]);

fn trades(records: u64) -> Vec<Trade> {
    let mut rng = fastrand::Rng::with_seed(42);
    (0..records)
        .map(|i| Trade {
            symbol: format!("S{}", rng.u32(0..64)),
            price: rng.f64() * 100.0,
            qty: rng.u32(1..10_000),
            side: if rng.bool() { Side::Buy } else { Side::Sell },
            venue: "XNAS".to_owned(),
            ts: i as i64,
        })
        .collect()
}

/// The peer's `Big::new()` varies nothing; these vary, so no loop can be folded away.
fn bigs(records: u64) -> Vec<Big> {
    let mut rng = fastrand::Rng::with_seed(7);
    (0..records)
        .map(|i| Big {
            pos_x: rng.f64(),
            pos_y: 0.2,
            pos_z: -2.3,
            vel_x: rng.f64(),
            vel_y: 0.2,
            vel_z: -2.3,
            data_0: i,
            data_1: 67,
            data_2: 67,
            data_3: 67,
            data_4: 67,
            data_5: 67,
            data_6: 67,
            data_7: 67,
            data_8: 67,
            data_9: 67,
            data_10: 67,
            data_11: 67,
            data_12: 67,
            data_13: 67,
            data_14: 67,
            data_15: 67,
            data_16: 67,
            data_17: 67,
            name: "foo".to_owned(),
            userdata: "bar".to_owned(),
        })
        .collect()
}

// The loops, each `#[inline(never)]` so that each is one function criterion calls.

#[inline(never)]
fn scan_one<S: Store<Trade>>(trades: &S) -> f64 {
    let mut sum = 0.0;
    for i in 0..trades.len() {
        sum += trades.price(i);
    }
    sum
}

#[inline(never)]
fn scan_two<S: Store<Trade>>(trades: &S) -> f64 {
    let mut sum = 0.0;
    for i in 0..trades.len() {
        sum += trades.price(i) + trades.qty(i) as f64;
    }
    sum
}

#[inline(never)]
fn big<S: Store<Big>>(bigs: &S) -> f64 {
    let mut sum = 0.0;
    for i in 0..bigs.len() {
        sum += bigs.pos_x(i) + bigs.vel_x(i) * 0.1;
    }
    sum
}

#[inline(never)]
fn sum_one(prices: &[f64]) -> f64 {
    let mut sum = 0.0;
    for price in prices {
        sum += price;
    }
    sum
}

#[inline(never)]
fn sum_two(prices: &[f64], qtys: &[u32]) -> f64 {
    let mut sum = 0.0;
    for (price, qty) in prices.iter().zip(qtys) {
        sum += price + *qty as f64;
    }
    sum
}

#[inline(never)]
fn sum_big(pos_x: &[f64], vel_x: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (p, v) in pos_x.iter().zip(vel_x) {
        sum += p + v * 0.1;
    }
    sum
}

#[inline(never)]
fn sum_big_tuples(position: &[(f64, f64, f64)], velocity: &[(f64, f64, f64)]) -> f64 {
    let mut sum = 0.0;
    for (p, v) in position.iter().zip(velocity) {
        sum += p.0 + v.0 * 0.1;
    }
    sum
}

#[inline(never)]
fn scan_one_records(trades: &[Trade]) -> f64 {
    let mut sum = 0.0;
    for trade in trades {
        sum += trade.price;
    }
    sum
}

#[inline(never)]
fn scan_two_records(trades: &[Trade]) -> f64 {
    let mut sum = 0.0;
    for trade in trades {
        sum += trade.price + trade.qty as f64;
    }
    sum
}

#[inline(never)]
fn big_records(bigs: &[Big]) -> f64 {
    let mut sum = 0.0;
    for b in bigs {
        sum += b.pos_x + b.vel_x * 0.1;
    }
    sum
}

/// A loop's result as bits, so that results compare bit for bit (an `f64` by its bits:
/// `-0.0` against `0.0`, or one more rounding, is a difference).
trait Bits: Copy {
    fn bits(self) -> [u64; 2];
}

impl Bits for f64 {
    fn bits(self) -> [u64; 2] {
        [self.to_bits(), 0]
    }
}

impl Bits for u64 {
    fn bits(self) -> [u64; 2] {
        [self, 0]
    }
}

impl Bits for (f64, u64) {
    fn bits(self) -> [u64; 2] {
        [self.0.to_bits(), self.1]
    }
}

/// Times `run` as `name` after checking that it gives `expected`, bit for bit.
fn bench<T: Bits>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    records: u64,
    expected: T,
    run: impl Fn() -> T,
) {
    assert_eq!(
        run().bits(),
        expected.bits(),
        "{name} at {records} records disagrees with the hand-written loop"
    );
    group.bench_function(BenchmarkId::new(name, records), |b| {
        b.iter(|| black_box(run()))
    });
}

/// The runtime `proposed` layout beside the compiled layouts it can imitate: every field in
/// one group (as `packed` lays the record out) and every field alone (as `soa` does).
struct Grouped {
    packed: Packed<Trade>,
    one_group: Proposed<Trade>,
    each_alone: Proposed<Trade>,
}

impl Grouped {
    fn build(rows: &[Trade]) -> Grouped {
        let laid = |plan: &Plan| {
            let mut s = Proposed::<Trade>::with_plan(plan, rows.len()).unwrap();
            for t in rows {
                s.push(t.clone()).unwrap();
            }
            s
        };
        Grouped {
            packed: Packed::<Trade>::from_records(rows.iter().cloned()).unwrap(),
            one_group: laid(&Plan::one_group::<Trade>()),
            each_alone: laid(&Plan::each_alone::<Trade>()),
        }
    }
}

fn scans(c: &mut Criterion) {
    let mut one = c.benchmark_group("scan_one");
    let mut sizes = Vec::new();
    let mut grouped = Vec::new();
    for &records in common::sizes() {
        let rows = trades(records);
        let prices: Vec<f64> = rows.iter().map(|t| t.price).collect();
        let qtys: Vec<u32> = rows.iter().map(|t| t.qty).collect();
        let soa = Soa::<Trade>::from_records(rows.iter().cloned()).unwrap();
        let aos = Aos::<Trade>::from_records(rows.iter().cloned()).unwrap();
        let mut soa_derive = peer_soa_derive::TradeVec::new();
        let mut soa_rs = soa_rs::Soa::<peer_soa_rs::Trade>::new();
        for t in &rows {
            let peer = peer_soa_derive::Trade {
                symbol: t.symbol.clone(),
                price: t.price,
                qty: t.qty,
                buy: t.side == Side::Buy,
                venue: t.venue.clone(),
                ts: t.ts,
            };
            soa_rs.push(peer_soa_rs::Trade {
                symbol: peer.symbol.clone(),
                price: peer.price,
                qty: peer.qty,
                buy: peer.buy,
                venue: peer.venue.clone(),
                ts: peer.ts,
            });
            soa_derive.push(peer);
        }
        sizes.push((records, rows, prices, qtys, soa, aos, soa_derive, soa_rs));
        grouped.push(Grouped::build(&sizes.last().unwrap().1));
    }
    for ((records, rows, prices, _qtys, soa, aos, soa_derive, soa_rs), gr) in
        sizes.iter().zip(&grouped)
    {
        let records = *records;
        common::configure(&mut one, records);
        let expected = sum_one(prices);
        let g = &mut one;
        bench(g, "soa", records, expected, || scan_one(black_box(soa)));
        bench(g, "packed", records, expected, || {
            scan_one(black_box(&gr.packed))
        });
        bench(g, "proposed_one_group", records, expected, || {
            scan_one(black_box(&gr.one_group))
        });
        bench(g, "proposed_each_alone", records, expected, || {
            scan_one(black_box(&gr.each_alone))
        });
        bench(g, "aos", records, expected, || scan_one(black_box(aos)));
        bench(g, "soa_derive", records, expected, || {
            sum_one(&black_box(soa_derive).price)
        });
        bench(g, "soa_rs", records, expected, || {
            sum_one(black_box(soa_rs).price())
        });
        bench(g, "handwritten_vec", records, expected, || {
            sum_one(black_box(prices))
        });
        bench(g, "handwritten_aos", records, expected, || {
            scan_one_records(black_box(rows))
        });
    }
    one.finish();

    let mut two = c.benchmark_group("scan_two");
    for ((records, rows, prices, qtys, soa, aos, soa_derive, soa_rs), gr) in
        sizes.iter().zip(&grouped)
    {
        let records = *records;
        common::configure(&mut two, records);
        let expected = sum_two(prices, qtys);
        let g = &mut two;
        bench(g, "soa", records, expected, || scan_two(black_box(soa)));
        bench(g, "packed", records, expected, || {
            scan_two(black_box(&gr.packed))
        });
        bench(g, "proposed_one_group", records, expected, || {
            scan_two(black_box(&gr.one_group))
        });
        bench(g, "proposed_each_alone", records, expected, || {
            scan_two(black_box(&gr.each_alone))
        });
        bench(g, "aos", records, expected, || scan_two(black_box(aos)));
        bench(g, "soa_derive", records, expected, || {
            let v = black_box(soa_derive);
            sum_two(&v.price, &v.qty)
        });
        bench(g, "soa_rs", records, expected, || {
            let s = black_box(soa_rs);
            sum_two(s.price(), s.qty())
        });
        bench(g, "handwritten_vec", records, expected, || {
            sum_two(black_box(prices), black_box(qtys))
        });
        bench(g, "handwritten_aos", records, expected, || {
            scan_two_records(black_box(rows))
        });
    }
    two.finish();
}

fn push(c: &mut Criterion) {
    let mut group = c.benchmark_group("push");
    for &records in common::sizes() {
        common::configure(&mut group, records);
        let n = records;
        let x = |i: u64| i as f64;
        // Each builds a whole store from empty and hands back its length.
        group.bench_function(BenchmarkId::new("soa", records), |b| {
            b.iter(|| {
                let mut s = Soa::<Small>::with_capacity(0);
                for i in 0..black_box(n) {
                    s.push(Small {
                        x: x(i),
                        y: 0.2,
                        z: -2.3,
                    })
                    .unwrap();
                }
                black_box(s.len())
            })
        });
        group.bench_function(BenchmarkId::new("aos", records), |b| {
            b.iter(|| {
                let mut s = Aos::<Small>::with_capacity(0);
                for i in 0..black_box(n) {
                    s.push(Small {
                        x: x(i),
                        y: 0.2,
                        z: -2.3,
                    })
                    .unwrap();
                }
                black_box(s.len())
            })
        });
        group.bench_function(BenchmarkId::new("soa_derive", records), |b| {
            b.iter(|| {
                let mut s = peer_soa_derive::SmallVec::new();
                for i in 0..black_box(n) {
                    s.push(peer_soa_derive::Small {
                        x: x(i),
                        y: 0.2,
                        z: -2.3,
                    });
                }
                black_box(s.len())
            })
        });
        group.bench_function(BenchmarkId::new("soa_rs", records), |b| {
            b.iter(|| {
                let mut s = soa_rs::Soa::<peer_soa_rs::Small>::new();
                for i in 0..black_box(n) {
                    s.push(peer_soa_rs::Small {
                        x: x(i),
                        y: 0.2,
                        z: -2.3,
                    });
                }
                black_box(s.len())
            })
        });
        group.bench_function(BenchmarkId::new("handwritten_vec", records), |b| {
            b.iter(|| {
                let (mut xs, mut ys, mut zs) = (Vec::new(), Vec::new(), Vec::new());
                for i in 0..black_box(n) {
                    xs.push(x(i));
                    ys.push(0.2);
                    zs.push(-2.3);
                }
                black_box((xs.len(), ys.len(), zs.len()))
            })
        });
        group.bench_function(BenchmarkId::new("handwritten_aos", records), |b| {
            b.iter(|| {
                let mut s = Vec::new();
                for i in 0..black_box(n) {
                    s.push(Small {
                        x: x(i),
                        y: 0.2,
                        z: -2.3,
                    });
                }
                black_box(s.len())
            })
        });
    }
    group.finish();
}

fn big_record(c: &mut Criterion) {
    let mut group = c.benchmark_group("big");
    for &records in common::sizes() {
        common::configure(&mut group, records);
        let rows = bigs(records);
        let pos_x: Vec<f64> = rows.iter().map(|b| b.pos_x).collect();
        let vel_x: Vec<f64> = rows.iter().map(|b| b.vel_x).collect();
        let soa = Soa::<Big>::from_records(rows.iter().cloned()).unwrap();
        let aos = Aos::<Big>::from_records(rows.iter().cloned()).unwrap();
        let mut soa_derive = peer_soa_derive::BigVec::new();
        let mut tuples = peer_soa_derive::BigTuplesVec::new();
        let mut soa_rs = soa_rs::Soa::<peer_soa_rs::Big>::new();
        for b in &rows {
            soa_derive.push(peer_soa_derive::Big {
                pos_x: b.pos_x,
                pos_y: b.pos_y,
                pos_z: b.pos_z,
                vel_x: b.vel_x,
                vel_y: b.vel_y,
                vel_z: b.vel_z,
                data_0: b.data_0,
                data_1: b.data_1,
                data_2: b.data_2,
                data_3: b.data_3,
                data_4: b.data_4,
                data_5: b.data_5,
                data_6: b.data_6,
                data_7: b.data_7,
                data_8: b.data_8,
                data_9: b.data_9,
                data_10: b.data_10,
                data_11: b.data_11,
                data_12: b.data_12,
                data_13: b.data_13,
                data_14: b.data_14,
                data_15: b.data_15,
                data_16: b.data_16,
                data_17: b.data_17,
                name: b.name.clone(),
                userdata: b.userdata.clone(),
            });
            tuples.push(peer_soa_derive::BigTuples {
                position: (b.pos_x, b.pos_y, b.pos_z),
                velocity: (b.vel_x, b.vel_y, b.vel_z),
                data: [
                    b.data_0 as usize,
                    b.data_1 as usize,
                    b.data_2 as usize,
                    b.data_3 as usize,
                    b.data_4 as usize,
                    b.data_5 as usize,
                    b.data_6 as usize,
                    b.data_7 as usize,
                    b.data_8 as usize,
                    b.data_9 as usize,
                    b.data_10 as usize,
                    b.data_11 as usize,
                    b.data_12 as usize,
                    b.data_13 as usize,
                    b.data_14 as usize,
                    b.data_15 as usize,
                    b.data_16 as usize,
                    b.data_17 as usize,
                ],
                name: b.name.clone(),
                userdata: b.userdata.clone(),
            });
            soa_rs.push(peer_soa_rs::Big {
                pos_x: b.pos_x,
                pos_y: b.pos_y,
                pos_z: b.pos_z,
                vel_x: b.vel_x,
                vel_y: b.vel_y,
                vel_z: b.vel_z,
                data_0: b.data_0,
                data_1: b.data_1,
                data_2: b.data_2,
                data_3: b.data_3,
                data_4: b.data_4,
                data_5: b.data_5,
                data_6: b.data_6,
                data_7: b.data_7,
                data_8: b.data_8,
                data_9: b.data_9,
                data_10: b.data_10,
                data_11: b.data_11,
                data_12: b.data_12,
                data_13: b.data_13,
                data_14: b.data_14,
                data_15: b.data_15,
                data_16: b.data_16,
                data_17: b.data_17,
                name: b.name.clone(),
                userdata: b.userdata.clone(),
            });
        }
        let expected = sum_big(&pos_x, &vel_x);
        let g = &mut group;
        bench(g, "soa", records, expected, || big(black_box(&soa)));
        bench(g, "aos", records, expected, || big(black_box(&aos)));
        bench(g, "soa_derive", records, expected, || {
            let v = black_box(&soa_derive);
            sum_big(&v.pos_x, &v.vel_x)
        });
        bench(g, "soa_derive_tuples", records, expected, || {
            let v = black_box(&tuples);
            sum_big_tuples(&v.position, &v.velocity)
        });
        bench(g, "soa_rs", records, expected, || {
            let s = black_box(&soa_rs);
            sum_big(s.pos_x(), s.vel_x())
        });
        bench(g, "handwritten_vec", records, expected, || {
            sum_big(black_box(&pos_x), black_box(&vel_x))
        });
        bench(g, "handwritten_aos", records, expected, || {
            big_records(black_box(&rows))
        });
    }
    group.finish();
}

fn kind_scans(c: &mut Criterion) {
    use kinds::{scan_list, scan_option, sum_bitmap, sum_offsets, sum_spans, sum_words, Scans};

    let mut option = c.benchmark_group("scan_option");
    let sizes: Vec<(u64, Scans)> = common::sizes()
        .iter()
        .map(|&records| (records, Scans::new(records)))
        .collect();
    for (records, s) in &sizes {
        let records = *records;
        common::configure(&mut option, records);
        let (bitmap, soa, aos) = (&s.bitmap, &s.soa, &s.aos);
        let expected = sum_bitmap(&bitmap.words, &bitmap.values);
        let g = &mut option;
        bench(g, "soa", records, expected, || scan_option(black_box(soa)));
        bench(g, "aos", records, expected, || scan_option(black_box(aos)));
        bench(g, "handwritten_bitmap", records, expected, || {
            let b = black_box(bitmap);
            sum_bitmap(&b.words, &b.values)
        });
        bench(g, "handwritten_words", records, expected, || {
            let b = black_box(bitmap);
            sum_words(&b.words, &b.values)
        });
    }
    option.finish();

    let mut list = c.benchmark_group("scan_list");
    for (records, s) in &sizes {
        let records = *records;
        common::configure(&mut list, records);
        let (lists, soa, aos) = (&s.lists, &s.soa, &s.aos);
        let expected = sum_offsets(&lists.offsets, &lists.values);
        let g = &mut list;
        bench(g, "soa", records, expected, || scan_list(black_box(soa)));
        bench(g, "aos", records, expected, || scan_list(black_box(aos)));
        bench(g, "handwritten_offsets", records, expected, || {
            let l = black_box(lists);
            sum_offsets(&l.offsets, &l.values)
        });
        bench(g, "handwritten_spans", records, expected, || {
            let l = black_box(lists);
            sum_spans(&l.spans, &l.values)
        });
    }
    list.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = scans, push, big_record, kind_scans
}
criterion_main!(benches);
