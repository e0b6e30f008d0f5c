//! Records whose names or field names could collide with what the derive generates: a
//! struct called `S`, fields called `index`, `value`, `record`, `row`, a raw identifier.

use layoutlab::own::{Packed, Soa};
use layoutlab::{Record, Store};

#[derive(Record, Clone, Debug, PartialEq)]
pub struct S {
    pub index: u32,
    pub value: f64,
    pub record: bool,
    pub row: String,
    pub r#type: char,
}

#[test]
fn odd_names_compile_and_work() {
    let s = S {
        index: 1,
        value: 2.0,
        record: true,
        row: "r".into(),
        r#type: 't',
    };
    let mut soa = Soa::<S>::from_records(vec![s.clone()]).unwrap();
    soa.set_type(0, 'u');
    soa.set_value(0, 3.0);
    assert_eq!(soa.r#type(0), 'u');
    assert_eq!(soa.index(0), 1);
    soa.retain(|r| r.record() && r.row() == "r");
    assert_eq!(soa.len(), 1);
    let packed = Packed::<S>::from_records(vec![s.clone()]).unwrap();
    assert_eq!(packed.get(0), s);
    assert_eq!(S::SCHEMA.fields[4].name, "type");
}
