// #[record(flatten)] needs a type that derives Record.
#[derive(Clone, Debug, PartialEq)]
pub struct Pos {
    pub lat: f64,
}

#[derive(layoutlab::Record, Clone, Debug, PartialEq)]
pub struct Order {
    pub id: u64,
    #[record(flatten)]
    pub pos: Pos,
}

fn main() {}
