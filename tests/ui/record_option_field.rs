#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub discount: Option<f64>,
}

fn main() {}
