#[derive(layoutlab::Record, Clone)]
pub struct Order(u64, f64);

fn main() {}
