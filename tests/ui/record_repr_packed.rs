#[derive(layoutlab::Record, Clone)]
#[repr(C, packed)]
pub struct Order {
    pub id: u64,
    pub flag: bool,
}

fn main() {}
