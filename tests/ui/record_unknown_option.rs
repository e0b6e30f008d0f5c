#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    #[record(hot)]
    pub price: f64,
}

fn main() {}
