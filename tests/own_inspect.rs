//! `inspect` for records of one's own: the offsets of the user's struct and of every
//! generated part are `core::mem::offset_of!` (never hand-written), sizes and alignments
//! are the compiler's, and a `#[repr(C)]` struct gets the field order that removes its
//! padding.

mod own_common;

use std::mem::{align_of, offset_of, size_of};

use layoutlab::inspect::TypeInfo;
use layoutlab::own::{Aosoa, Arena, HotCold, Packed, Soa};
use layoutlab::{Record, Store};
use own_common::*;

fn offset(info: &TypeInfo, field: &str) -> usize {
    info.fields
        .iter()
        .find(|f| f.name == field)
        .unwrap_or_else(|| panic!("{} has no field {field}", info.name))
        .offset
}

#[test]
fn user_struct_offsets_are_the_compilers() {
    let info = Trade::type_info();
    assert_eq!(info.name, "Trade");
    assert_eq!(
        (info.size, info.align),
        (size_of::<Trade>(), align_of::<Trade>())
    );
    assert_eq!(offset(&info, "symbol"), offset_of!(Trade, symbol));
    assert_eq!(offset(&info, "price"), offset_of!(Trade, price));
    assert_eq!(offset(&info, "qty"), offset_of!(Trade, qty));
    assert_eq!(offset(&info, "side"), offset_of!(Trade, side));
    assert_eq!(offset(&info, "venue"), offset_of!(Trade, venue));
    assert_eq!(offset(&info, "ts"), offset_of!(Trade, ts));
    // Rust's layout already orders fields to save padding: nothing to suggest.
    assert_eq!(info.suggested, None);
}

#[test]
fn repr_c_struct_gets_the_order_that_removes_its_padding() {
    let info = Entity::type_info();
    assert!(Entity::SCHEMA.repr_c);
    for (name, at) in [
        ("alive", offset_of!(Entity, alive)),
        ("x", offset_of!(Entity, x)),
        ("id", offset_of!(Entity, id)),
        ("y", offset_of!(Entity, y)),
        ("team", offset_of!(Entity, team)),
        ("hp", offset_of!(Entity, hp)),
        ("vx", offset_of!(Entity, vx)),
        ("vy", offset_of!(Entity, vy)),
    ] {
        assert_eq!(offset(&info, name), at, "{name}");
    }
    // In C order: alive 1 + 7 padding, id 8, x 4, team 1 + 3, vx 8, hp 2 + 2, y 4, vy 8.
    assert_eq!(info.size, size_of::<Entity>());
    assert_eq!(info.size, 48);
    assert_eq!(info.padding(), 12);
    let better = info.suggested.expect("padding to remove");
    assert_eq!(
        better.fields,
        ["id", "vx", "vy", "x", "y", "hp", "alive", "team"]
    );
    assert_eq!(better.size, 40);
    // Check the suggestion by building it.
    #[repr(C)]
    struct Reordered(u64, f64, f64, f32, f32, i16, bool, Team);
    assert_eq!(size_of::<Reordered>(), better.size);
}

#[test]
fn generated_parts_offsets_are_the_compilers() {
    let packed = &Packed::<Trade>::types()[0];
    assert_eq!(packed.name, "TradePacked");
    assert_eq!(packed.size, size_of::<TradePacked>());
    assert_eq!(packed.size, 2 + 8 + 4 + 1 + 8 + 8);
    assert_eq!(packed.align, 1);
    assert_eq!(packed.padding(), 0);
    assert_eq!(offset(packed, "symbol"), offset_of!(TradePacked, symbol));
    assert_eq!(offset(packed, "price"), offset_of!(TradePacked, price));
    assert_eq!(offset(packed, "venue"), offset_of!(TradePacked, venue));
    assert_eq!(offset(packed, "ts"), offset_of!(TradePacked, ts));
    assert!(packed.straddling_fields().contains(&"price"));
    assert_eq!(
        packed.suggested, None,
        "a packed row has no padding to remove"
    );

    let arena = &Arena::<Trade>::types()[0];
    assert_eq!(arena.name, "TradeArenaRow");
    assert_eq!(arena.size, size_of::<TradeArenaRow>());
    assert_eq!(offset(arena, "symbol"), offset_of!(TradeArenaRow, symbol));
    assert_eq!(offset(arena, "ts"), offset_of!(TradeArenaRow, ts));

    let hot_cold = HotCold::<Trade>::types();
    assert_eq!(hot_cold[0].name, "TradeHot");
    assert_eq!(hot_cold[0].size, size_of::<TradeHot>());
    assert_eq!(offset(&hot_cold[0], "price"), offset_of!(TradeHot, price));
    assert_eq!(hot_cold[1].name, "TradeCold");
    assert_eq!(hot_cold[1].fields.len(), 1);
    assert_eq!(offset(&hot_cold[1], "venue"), offset_of!(TradeCold, venue));

    let block = &Aosoa::<Trade>::types()[0];
    assert_eq!(block.name, "TradeBlock");
    assert_eq!(block.size, size_of::<TradeBlock>());
    assert_eq!(offset(block, "qty"), offset_of!(TradeBlock, qty));
    assert_eq!(
        block
            .fields
            .iter()
            .find(|f| f.name == "symbol")
            .unwrap()
            .size,
        16
    );

    let columns = &Soa::<Trade>::types()[0];
    assert!(columns.columns);
    let names: Vec<_> = columns.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "symbol: u16",
            "price: f64",
            "qty: u32",
            "side: Side",
            "venue: String",
            "ts: i64"
        ]
    );
    assert_eq!(columns.size, 2 + 8 + 4 + 1 + 24 + 8);
}

#[test]
fn kitchen_sink_packed_row_is_the_sum_of_its_packed_fields() {
    let schema = KitchenSink::SCHEMA;
    assert_eq!(schema.fields.len(), 20);
    let info = &Packed::<KitchenSink>::types()[0];
    assert_eq!(info.size, schema.packed_size());
    for (field, layout) in schema.fields.iter().zip(&info.fields) {
        assert_eq!(field.name, layout.name);
        assert_eq!(field.packed_size, layout.size, "{}", field.name);
    }
    let char_field = schema.field("a_char").unwrap();
    assert_eq!((char_field.size, char_field.packed_size), (4, 4));
    let large = schema.field("large").unwrap();
    assert_eq!(large.intern, Some(layoutlab::own::InternWidth::U32));
    assert!(large.cold);
    assert_eq!((large.size, large.packed_size), (24, 4));
    assert_eq!(schema.field("text").unwrap().packed_size, 8);
}

#[test]
fn type_info_json_stays_backward_compatible() {
    // Old JSON (no `suggested`) still reads; the key appears only when there is one.
    let old = r#"{"name":"T","size":8,"align":8,"fields":[]}"#;
    let info: TypeInfo = serde_json::from_str(old).unwrap();
    assert_eq!(info.suggested, None);
    assert!(!serde_json::to_string(&info).unwrap().contains("suggested"));
    let json = serde_json::to_string(&Entity::type_info()).unwrap();
    assert!(
        json.contains(
            r#""suggested":{"fields":["id","vx","vy","x","y","hp","alive","team"],"size":40}"#
        ),
        "{json}"
    );
}
