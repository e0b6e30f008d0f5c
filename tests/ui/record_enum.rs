#[derive(layoutlab::Record, Clone)]
pub enum Order {
    Open { id: u64 },
    Closed,
}

fn main() {}
