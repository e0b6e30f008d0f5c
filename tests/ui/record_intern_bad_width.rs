#[derive(layoutlab::Record, Clone)]
pub struct Order {
    #[record(intern = u64)]
    pub symbol: String,
    pub price: f64,
}

fn main() {}
