#[derive(layoutlab::Record, Clone)]
pub struct Order;

fn main() {}
