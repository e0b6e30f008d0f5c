#[derive(layoutlab::Record, Clone)]
pub struct Segment {
    pub start: u64,
    pub len: u64,
}

fn main() {}
