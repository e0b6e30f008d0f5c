// An array's elements must be scalars.
#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub names: [String; 2],
}

fn main() {}
