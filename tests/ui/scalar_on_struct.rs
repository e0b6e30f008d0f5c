#[derive(layoutlab::Scalar, Clone, Copy, Debug, PartialEq)]
pub struct Side {
    pub buy: bool,
}

fn main() {}
