#[derive(layoutlab::Scalar, Clone, Copy, Debug, PartialEq)]
#[repr(u16)]
pub enum Code {
    Ok = 200,
    NotFound = 404,
}

fn main() {}
