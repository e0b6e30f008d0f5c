// A Vec holds scalars or Strings: not Vecs.
#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub legs: Vec<Vec<u32>>,
}

fn main() {}
