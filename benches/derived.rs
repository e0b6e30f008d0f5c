//! Run with: `cargo bench --bench derived` (or add `-- --quick --noplot` for a fast pass).
//!
//! Does a record of one's own cost anything over code written by hand? Group `scan` sums
//! two numeric fields (`price + qty`) over every record, on the same trades:
//!
//! - `scan/soa/records`, `scan/aos/records`: a workload written once against `Store`, with
//!   the getters `#[derive(Record)]` generates (`trades.price(i)`), over the derived `soa`
//!   and `aos` layouts;
//! - `scan/handwritten_vec/records`: the same sum written by hand over one `Vec` per field
//!   (what the derived `soa` should compile to);
//! - `scan/handwritten_aos/records`: the same sum written by hand over a `Vec<Trade>`
//!   (what the derived `aos` should compile to).
//!
//! The requirement is within 1.2× of hand-written: `soa` against `handwritten_vec`, `aos`
//! against `handwritten_aos`. The stores are built once per size (untimed); the sum goes
//! through [`black_box`].

#[allow(dead_code)]
mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use layoutlab::own::{Aos, Soa};
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

fn trades(records: u64) -> impl Iterator<Item = Trade> {
    let mut rng = fastrand::Rng::with_seed(42);
    (0..records).map(move |i| Trade {
        symbol: format!("S{}", rng.u32(0..64)),
        price: rng.f64() * 100.0,
        qty: rng.u32(1..10_000),
        side: if rng.bool() { Side::Buy } else { Side::Sell },
        venue: "XNAS".to_owned(),
        ts: i as i64,
    })
}

/// The workload, written once for every layout.
#[inline(never)]
fn scan<S: Store<Trade>>(trades: &S) -> f64 {
    let mut sum = 0.0;
    for i in 0..trades.len() {
        sum += trades.price(i) + trades.qty(i) as f64;
    }
    sum
}

/// By hand, over one `Vec` per field.
#[inline(never)]
fn scan_columns(prices: &[f64], qtys: &[u32]) -> f64 {
    let mut sum = 0.0;
    for (price, qty) in prices.iter().zip(qtys) {
        sum += price + *qty as f64;
    }
    sum
}

/// By hand, over the records.
#[inline(never)]
fn scan_records(trades: &[Trade]) -> f64 {
    let mut sum = 0.0;
    for trade in trades {
        sum += trade.price + trade.qty as f64;
    }
    sum
}

fn derived(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan");
    for &records in common::sizes() {
        common::configure(&mut group, records);
        let records_vec: Vec<Trade> = trades(records).collect();
        let prices: Vec<f64> = records_vec.iter().map(|t| t.price).collect();
        let qtys: Vec<u32> = records_vec.iter().map(|t| t.qty).collect();
        let soa = Soa::<Trade>::from_records(records_vec.iter().cloned()).unwrap();
        let aos = Aos::<Trade>::from_records(records_vec.iter().cloned()).unwrap();
        let expected = scan_columns(&prices, &qtys);
        assert_eq!(scan(&soa).to_bits(), expected.to_bits());
        assert_eq!(scan(&aos).to_bits(), expected.to_bits());
        assert_eq!(scan_records(&records_vec).to_bits(), expected.to_bits());

        group.bench_function(BenchmarkId::new("soa", records), |b| {
            b.iter(|| black_box(scan(black_box(&soa))))
        });
        group.bench_function(BenchmarkId::new("handwritten_vec", records), |b| {
            b.iter(|| black_box(scan_columns(black_box(&prices), black_box(&qtys))))
        });
        group.bench_function(BenchmarkId::new("aos", records), |b| {
            b.iter(|| black_box(scan(black_box(&aos))))
        });
        group.bench_function(BenchmarkId::new("handwritten_aos", records), |b| {
            b.iter(|| black_box(scan_records(black_box(&records_vec))))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = derived
}
criterion_main!(benches);
