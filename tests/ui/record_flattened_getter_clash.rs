// `pos.lat` is reached as `pos_lat`, which a field of the outer record already is.
#[derive(layoutlab::Record, Clone, Debug, PartialEq)]
pub struct Pos {
    pub lat: f64,
}

#[derive(layoutlab::Record, Clone, Debug, PartialEq)]
pub struct Order {
    #[record(flatten)]
    pub pos: Pos,
    pub pos_lat: f64,
}

fn main() {}
