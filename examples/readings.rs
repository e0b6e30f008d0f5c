//! Run with: `cargo run --release --example readings -- --bench` (add `--quick` for 3
//! rounds); the report lands in `target/layoutlab/readings/`.
//!
//! A record with the field kinds real code has: an `Option` (a reading that may be
//! missing), an array (three axes), a flattened struct (a position), lists (a burst of
//! samples, a few tags) and a rarely read string, measured in every layout with four
//! workloads that each touch a different part of it.

use layoutlab::{Harness, Record, Store, Workload};

layoutlab::global_allocator!();

/// Where a device was.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
}

/// One reading of a device.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Reading {
    pub device: u32,
    pub ts: i64,
    /// Missing when the sensor did not answer.
    pub temp: Option<f32>,
    pub accel: [f32; 3],
    #[record(flatten)]
    pub geo: Geo,
    /// A burst of raw samples, of varying length.
    pub samples: Vec<u16>,
    #[record(intern = u8)]
    pub tags: Vec<String>,
    #[record(cold)]
    pub firmware: String,
}

/// Mean of the temperatures present.
struct MeanTemp;
impl Workload<Reading> for MeanTemp {
    type Output = (u64, f64);
    fn run<S: Store<Reading>>(&self, r: &mut S) -> (u64, f64) {
        let (mut n, mut sum) = (0u64, 0.0f64);
        for i in 0..r.len() {
            if let Some(t) = r.temp(i) {
                n += 1;
                sum += f64::from(t);
            }
        }
        (n, sum / n.max(1) as f64)
    }
}

/// The bounding box of every position.
struct BoundingBox;
impl Workload<Reading> for BoundingBox {
    type Output = [u64; 4];
    fn run<S: Store<Reading>>(&self, r: &mut S) -> [u64; 4] {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for i in 0..r.len() {
            let (lat, lon) = (r.geo_lat(i), r.geo_lon(i));
            b = [b[0].min(lat), b[1].min(lon), b[2].max(lat), b[3].max(lon)];
        }
        b.map(f64::to_bits)
    }
}

/// The energy of every burst: the sum of its squared samples.
struct BurstEnergy;
impl Workload<Reading> for BurstEnergy {
    type Output = u64;
    fn run<S: Store<Reading>>(&self, r: &mut S) -> u64 {
        (0..r.len())
            .map(|i| {
                r.samples(i)
                    .iter()
                    .map(|&s| u64::from(s) * u64::from(s))
                    .sum::<u64>()
            })
            .sum()
    }
}

/// Drops readings without an alarm tag, and the burst of each one kept.
struct Alarms;
impl Workload<Reading> for Alarms {
    type Output = usize;
    fn run<S: Store<Reading>>(&self, r: &mut S) -> usize {
        r.retain(|x| x.tags().iter().any(|t| t == "alarm"));
        for i in 0..r.len() {
            r.set_samples(i, &[]);
        }
        r.len()
    }
}

/// Deterministic from `i`: every layout, round and process sees the same readings.
fn reading(i: u64) -> Reading {
    let h = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 17;
    let tags: &[&str] = match h % 7 {
        0 => &["alarm"],
        1 | 2 => &["ok", "calibrated"],
        _ => &["ok"],
    };
    Reading {
        device: (h % 1_000) as u32,
        ts: 1_700_000_000 + i as i64,
        temp: (h % 10 != 0).then(|| 15.0 + (h % 200) as f32 / 10.0),
        accel: [(h % 7) as f32, (h % 11) as f32, 9.8],
        geo: Geo {
            lat: 48.0 + (h % 1000) as f64 / 1e4,
            lon: 2.0 + (h % 777) as f64 / 1e4,
        },
        samples: (0..(h % 9)).map(|k| (h + k) as u16).collect(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        firmware: format!("fw-{}", h % 4),
    }
}

fn main() {
    Harness::<Reading>::new("readings")
        .records(200_000)
        .generate(reading)
        .workload("mean_temp", MeanTemp)
        .workload("bbox", BoundingBox)
        .workload("burst_energy", BurstEnergy)
        .workload("alarms", Alarms)
        .run();
}
