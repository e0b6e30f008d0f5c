// A generic type other than Option, Vec and Box<[T]> is kept only as an opaque field.
use std::collections::HashMap;

#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    pub attrs: HashMap<String, u32>,
}

fn main() {}
