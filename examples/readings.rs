//! Run with: `cargo run --release --example readings -- --bench` (add `--quick` for 3
//! rounds); the report lands in `target/layoutlab/readings/`.
//!
//! The README's second bench file, as an example of this repository (the same file, but for
//! the path of the JSON Lines file it reads, which `scripts/make-readings-jsonl.py` makes): a
//! record with the field kinds real code has — an `Option`, an array, a flattened struct,
//! lists and a rarely read string — measured in every layout with three workloads that each
//! reach a different part of it.

use layoutlab::{Harness, Record, Store, Workload};
use serde::Deserialize;

layoutlab::global_allocator!();

#[derive(Record, Clone, Debug, PartialEq, Deserialize)]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Record, Clone, Debug, PartialEq, Deserialize)]
pub struct Reading {
    pub device: u32,
    pub temp: Option<f32>, // soa: a validity bit beside the values
    pub accel: [f32; 3],
    #[record(flatten)]
    pub geo: Geo, // getters geo_lat(i) and geo_lon(i); columns of their own in soa
    pub samples: Vec<u16>, // one values buffer for the whole store in soa and packed
    #[record(intern = u8)]
    pub tags: Vec<String>,
    #[record(cold)]
    pub firmware: String,
}

/// Mean of the temperatures present.
struct MeanTemp;
impl Workload<Reading> for MeanTemp {
    type Output = f64;
    fn run<S: Store<Reading>>(&self, r: &mut S) -> f64 {
        let temps: Vec<f32> = (0..r.len()).filter_map(|i| r.temp(i)).collect();
        temps.iter().map(|&t| f64::from(t)).sum::<f64>() / temps.len().max(1) as f64
    }
}

/// The energy of every burst: the sum of its squared samples.
struct Energy;
impl Workload<Reading> for Energy {
    type Output = u64;
    fn run<S: Store<Reading>>(&self, r: &mut S) -> u64 {
        let energy = |i| {
            r.samples(i)
                .iter()
                .map(|&s| u64::from(s).pow(2))
                .sum::<u64>()
        };
        (0..r.len()).map(energy).sum()
    }
}

/// Keeps the readings tagged `alarm` north of 48.05°, and empties their bursts.
struct Alarms;
impl Workload<Reading> for Alarms {
    type Output = usize;
    fn run<S: Store<Reading>>(&self, r: &mut S) -> usize {
        r.retain(|x| x.geo_lat() > 48.05 && x.tags().iter().any(|t| t == "alarm"));
        for i in 0..r.len() {
            r.set_samples(i, &[]);
        }
        r.len()
    }
}

fn main() {
    Harness::<Reading>::new("readings")
        .jsonl("examples/readings.jsonl")
        .records(1_000)
        .workload("mean_temp", MeanTemp)
        .workload("energy", Energy)
        .workload("alarms", Alarms)
        .run();
}
