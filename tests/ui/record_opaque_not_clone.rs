// An opaque field's type must be Clone + Debug + PartialEq.
#[derive(Debug)]
pub struct Handle(u32);

#[derive(layoutlab::Record, Clone)]
pub struct Order {
    pub id: u64,
    #[record(opaque)]
    pub handle: std::rc::Rc<Handle>,
}

fn main() {}
