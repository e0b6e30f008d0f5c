//! Run with: `cargo run --release --example trades -- --bench` (add `--quick` for 3 rounds,
//! `--records N` for another size); the report lands in `target/layoutlab/trades/`.
//!
//! Your own record measured in every layout: a market trade tick, with an interned symbol,
//! an enum side and a rarely read venue, and three workloads — a volume-weighted average
//! price (reads two numeric fields), a filter that drops small trades and marks the rest up
//! (mutates), and a per-symbol count (reads the interned text). This is the README's
//! "Your own record" bench file, as an example of this repository.

use std::collections::BTreeMap;

use layoutlab::{Harness, Record, Scalar, Store, Workload};

layoutlab::global_allocator!();

/// One trade.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Trade {
    /// Few distinct values: compact layouts store a 2-byte id.
    #[record(intern = u16)]
    pub symbol: String,
    pub price: f64,
    pub qty: u32,
    pub side: Side,
    /// Rarely read: the hot/cold layout moves it aside.
    #[record(cold)]
    pub venue: String,
    pub ts: i64,
}

/// Which side of the book.
#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Buy,
    Sell,
}

/// Volume-weighted average price over every trade.
struct Vwap;

impl Workload<Trade> for Vwap {
    type Output = f64;
    fn run<S: Store<Trade>>(&self, trades: &mut S) -> f64 {
        let (mut pv, mut v) = (0.0, 0.0);
        for i in 0..trades.len() {
            pv += trades.price(i) * f64::from(trades.qty(i));
            v += f64::from(trades.qty(i));
        }
        pv / v
    }
}

/// Drops trades under 100 shares and marks the rest up by 1 %.
struct DropSmall;

impl Workload<Trade> for DropSmall {
    type Output = usize;
    fn run<S: Store<Trade>>(&self, trades: &mut S) -> usize {
        trades.retain(|t| t.qty() >= 100);
        for i in 0..trades.len() {
            let p = trades.price(i);
            trades.set_price(i, p * 1.01);
        }
        trades.len()
    }
}

/// Trades per symbol.
struct PerSymbol;

impl Workload<Trade> for PerSymbol {
    type Output = BTreeMap<String, u64>;
    fn run<S: Store<Trade>>(&self, trades: &mut S) -> Self::Output {
        let mut counts = BTreeMap::new();
        for i in 0..trades.len() {
            *counts.entry(trades.symbol(i).to_owned()).or_insert(0) += 1;
        }
        counts
    }
}

fn main() {
    const VENUES: [&str; 4] = ["XNAS", "XNYS", "BATS", "IEXG"];
    Harness::<Trade>::new("trades")
        .records(1_000_000)
        .generate(|i| {
            // Deterministic from i: every layout, round and process sees the same trades.
            let h = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 17;
            Trade {
                symbol: format!("SYM{:03}", h % 500),
                price: 10.0 + (h % 10_000) as f64 / 100.0,
                qty: (h % 1_000) as u32 + 1,
                side: if h % 2 == 0 { Side::Buy } else { Side::Sell },
                venue: VENUES[(h % 4) as usize].to_owned(),
                ts: 1_700_000_000_000 + i as i64,
            }
        })
        .workload("vwap", Vwap)
        .workload("drop_small", DropSmall)
        .workload("per_symbol", PerSymbol)
        .run();
}
