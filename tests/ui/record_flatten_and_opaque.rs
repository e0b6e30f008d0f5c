// A field is flattened or kept as it is, not both; intern applies to text only.
#[derive(layoutlab::Record, Clone, Debug, PartialEq)]
pub struct Pos {
    pub lat: f64,
}

#[derive(layoutlab::Record, Clone, Debug, PartialEq)]
pub struct Order {
    #[record(flatten, opaque)]
    pub pos: Pos,
    #[record(intern)]
    pub fills: Vec<u32>,
}

fn main() {}
