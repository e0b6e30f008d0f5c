#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub tags: Vec<String>,
}

fn main() {}
