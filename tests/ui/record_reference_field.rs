#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub name: &'static str,
}

fn main() {}
