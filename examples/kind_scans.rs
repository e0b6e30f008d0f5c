//! Run with: `cargo run --release --example kind_scans -- [RUNS]`
//!
//! The scans of `benches/derived.rs`'s `scan_option` and `scan_list` groups (the loops are
//! `benches/common/kinds.rs`), timed as the best of RUNS turns (default 100) at 1 000 to
//! 1 000 000 records. On a shared machine a criterion median includes whatever else ran
//! meanwhile, and two `--quick` runs of the same code gave ratios from 0.7 to 1.5; the fastest
//! of many short turns, the variants taking turns so that all see the same machine, is what
//! the code itself costs. A turn calls the scan enough times to take about 50 µs. Every
//! variant's result is checked bit for bit against the hand-written loop's before timing.

#[allow(dead_code)]
#[path = "../benches/common/kinds.rs"]
mod kinds;

use std::hint::black_box;
use std::time::Instant;

use kinds::{scan_list, scan_option, sum_bitmap, sum_offsets, sum_spans, sum_words, Scans};

/// One variant of a scan: its name and one call, returning the result as bits.
type Variant<'a> = (&'static str, Box<dyn Fn() -> [u64; 2] + 'a>);

/// The best time of `runs` turns per variant, in ns per record, the variants taking turns.
fn best_of(records: u64, runs: usize, variants: &[Variant<'_>]) -> Vec<f64> {
    let expected = (variants[0].1)();
    for (name, run) in variants {
        assert_eq!(run(), expected, "{name} at {records} records disagrees");
    }
    let calls = (50_000 / records).max(1);
    let mut best = vec![f64::MAX; variants.len()];
    for _ in 0..runs {
        for (b, (_, run)) in best.iter_mut().zip(variants) {
            let start = Instant::now();
            for _ in 0..calls {
                black_box(run());
            }
            let ns = start.elapsed().as_nanos() as f64 / (calls * records) as f64;
            *b = b.min(ns);
        }
    }
    best
}

fn print(group: &str, records: u64, variants: &[Variant<'_>], best: &[f64], against: &[usize]) {
    let times: Vec<String> = variants
        .iter()
        .zip(best)
        .map(|((name, _), ns)| format!("{name} {ns:.3}"))
        .collect();
    let ratios: Vec<String> = against
        .iter()
        .map(|&k| format!("soa / {} {:.2}", variants[k].0, best[0] / best[k]))
        .collect();
    println!(
        "{group}/{records}: {} | {}",
        times.join(", "),
        ratios.join(", ")
    );
}

fn main() {
    let runs = std::env::args()
        .nth(1)
        .map_or(100, |a| a.parse().expect("RUNS is a number"));
    println!("ns per record, best of {runs} turns each");
    for records in [1_000, 10_000, 100_000, 1_000_000] {
        let s = Scans::new(records);
        let option: Vec<Variant<'_>> = vec![
            ("soa", Box::new(|| bits(scan_option(black_box(&s.soa))))),
            ("aos", Box::new(|| bits(scan_option(black_box(&s.aos))))),
            (
                "handwritten_bitmap",
                Box::new(|| {
                    let b = black_box(&s.bitmap);
                    bits(sum_bitmap(&b.words, &b.values))
                }),
            ),
            (
                "handwritten_words",
                Box::new(|| {
                    let b = black_box(&s.bitmap);
                    bits(sum_words(&b.words, &b.values))
                }),
            ),
        ];
        let best = best_of(records, runs, &option);
        print("scan_option", records, &option, &best, &[2, 3]);
        let list: Vec<Variant<'_>> = vec![
            ("soa", Box::new(|| [scan_list(black_box(&s.soa)), 0])),
            ("aos", Box::new(|| [scan_list(black_box(&s.aos)), 0])),
            (
                "handwritten_offsets",
                Box::new(|| {
                    let l = black_box(&s.lists);
                    [sum_offsets(&l.offsets, &l.values), 0]
                }),
            ),
            (
                "handwritten_spans",
                Box::new(|| {
                    let l = black_box(&s.lists);
                    [sum_spans(&l.spans, &l.values), 0]
                }),
            ),
        ];
        let best = best_of(records, runs, &list);
        print("scan_list", records, &list, &best, &[2, 3]);
    }
}

/// A `(sum, count)` as bits, so that results compare bit for bit.
fn bits((sum, count): (f64, u64)) -> [u64; 2] {
    [sum.to_bits(), count]
}
