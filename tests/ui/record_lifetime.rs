#[derive(layoutlab::Record, Clone)]
pub struct Order<'a> {
    pub id: u64,
    pub name: &'a str,
}

fn main() {}
