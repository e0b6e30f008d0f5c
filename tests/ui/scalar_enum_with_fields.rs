#[derive(layoutlab::Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    Circle(f64),
    Square,
}

fn main() {}
