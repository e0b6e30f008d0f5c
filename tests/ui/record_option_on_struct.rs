#[derive(layoutlab::Record, Clone)]
#[record(cold)]
pub struct Order {
    pub id: u64,
}

fn main() {}
