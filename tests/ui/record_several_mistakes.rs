// Every mistake in one build: unsupported types, a name that clashes with Store, a getter
// that clashes with another field's setter, each at its own field.
#[derive(layoutlab::Record, Clone)]
pub struct Shape {
    pub points: Vec<(u8, u8)>,
    pub len: u64,
    pub x: f32,
    pub set_x: f32,
    pub area: Option<[f64; 2]>,
}

fn main() {}
