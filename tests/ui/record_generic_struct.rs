#[derive(layoutlab::Record, Clone)]
pub struct Order<T> {
    pub id: u64,
    pub value: T,
}

fn main() {}
