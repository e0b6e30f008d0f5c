#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    #[record(cold)]
    #[record(cold)]
    pub note: String,
}

fn main() {}
