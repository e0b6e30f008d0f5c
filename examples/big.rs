//! Run with: `cargo run --release --example big -- --bench --records 100000`; the report
//! lands in `target/layoutlab/big/`.
//!
//! soa_derive's own benchmark record (`benches/soa.rs` of lumol-org/soa-derive): a position
//! and a velocity triple, `data: [usize; 18]` and two strings, and its loop,
//! `position.0 + velocity.0 * 0.1` summed over every record. The derive takes the triples as
//! six `f64` fields and, until it takes arrays, the 18 words as 18 `u64` fields: the same
//! 240-byte record, so `aos` strides over memory as the peer's `Vec<Big>` does. The loop
//! only reads, so the harness times it both as a first pass on a freshly built store and
//! warm (the median of repeated passes over the same store): the warm `aos` / `soa` ratio is
//! the figure to set beside the peer's `Vec<Big>` over its SoA.

use layoutlab::{Harness, Record, Store, Workload};

layoutlab::global_allocator!();

/// soa_derive's `Big`, the triples spelt out.
#[derive(Record, Clone, Debug, PartialEq)]
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

/// The peer's loop: `position.0 + velocity.0 * 0.1`, summed.
struct Step;

impl Workload<Big> for Step {
    type Output = f64;
    fn run<S: Store<Big>>(&self, big: &mut S) -> f64 {
        let mut sum = 0.0;
        for i in 0..big.len() {
            sum += big.pos_x(i) + big.vel_x(i) * 0.1;
        }
        sum
    }
}

fn main() {
    Harness::<Big>::new("big")
        .records(100_000)
        .generate(|i| {
            let x = i as f64;
            Big {
                pos_x: x,
                pos_y: x + 1.0,
                pos_z: x + 2.0,
                vel_x: x * 0.5,
                vel_y: x * 0.25,
                vel_z: 1.0,
                data_0: 67,
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
                name: format!("big {i}"),
                userdata: String::from("userdata"),
            }
        })
        .workload("step", Step)
        .run();
}
