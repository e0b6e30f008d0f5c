//! Run with: `cargo bench --bench own_criterion` (or `-- --quick --noplot`).
//!
//! A user's record under criterion: `Harness::criterion` registers `workload/layout/records`
//! for every workload and every layout of the record, each iteration on a freshly built
//! store. The same ids are what the harness's report folds in (marked ᶜ) once they exist.

use criterion::{criterion_group, criterion_main, Criterion};
use layoutlab::{Harness, Record, Scalar, Store, Workload};

/// A game entity: position, velocity, a kind and a rarely read name.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Entity {
    pub x: f32,
    pub y: f32,
    pub vx: f32,
    pub vy: f32,
    pub kind: Kind,
    pub alive: bool,
    #[record(cold)]
    pub name: String,
}

#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Player,
    Monster,
    Item,
}

/// One physics step: every entity moves by its velocity.
struct Step;

impl Workload<Entity> for Step {
    type Output = u64;
    fn run<S: Store<Entity>>(&self, entities: &mut S) -> u64 {
        for i in 0..entities.len() {
            let (x, vx) = (entities.x(i), entities.vx(i));
            entities.set_x(i, x + vx);
            let (y, vy) = (entities.y(i), entities.vy(i));
            entities.set_y(i, y + vy);
        }
        (0..entities.len())
            .map(|i| u64::from(entities.x(i).to_bits() & 1))
            .sum()
    }
}

/// Removes the dead.
struct Reap;

impl Workload<Entity> for Reap {
    type Output = usize;
    fn run<S: Store<Entity>>(&self, entities: &mut S) -> usize {
        entities.retain(|e| e.alive());
        entities.len()
    }
}

fn entities(c: &mut Criterion) {
    let records = if std::env::args().any(|a| a == "--bench") {
        100_000
    } else {
        500
    };
    Harness::<Entity>::new("entities")
        .records(records)
        .generate(|i| Entity {
            x: i as f32,
            y: (i % 97) as f32,
            vx: 0.5,
            vy: -0.25,
            kind: [Kind::Player, Kind::Monster, Kind::Item][(i % 3) as usize],
            alive: i % 5 != 0,
            name: format!("entity-{i}"),
        })
        .workload("step", Step)
        .workload("reap", Reap)
        .criterion(c);
}

criterion_group!(benches, entities);
criterion_main!(benches);
