// An Option holds a scalar, an enum or a String: not a list.
#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub fills: Option<Vec<u32>>,
}

fn main() {}
