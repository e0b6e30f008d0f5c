#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Money {
    pub cents: i64,
}

#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub amount: Money,
}

fn main() {}
