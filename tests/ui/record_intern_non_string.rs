#[derive(layoutlab::Record, Clone)]
pub struct Order {
    #[record(intern)]
    pub id: u64,
    pub price: f64,
}

fn main() {}
