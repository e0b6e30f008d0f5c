//! The Rust to adopt a plan: every field of the record with the `#[record(…)]` attribute
//! that makes the derive generate the plan as its compiled `grouped` layout — its group,
//! and the representations the plan took (`intern`, `narrow`, `cold`) — keeping the
//! attributes the field has already (`flatten`, `opaque`, a declared `intern`). Fields keep
//! their declaration order in a group, so the compiled layout is the plan's.

use std::collections::BTreeMap;

use crate::own::rows::Repr;
use crate::own::{FieldKind, Plan, Schema};

/// Per field, what the plan decided beyond its group (for `proposal.fields`), and the
/// fields with their attributes, to paste.
pub(crate) fn paste(schema: &Schema, plan: &Plan) -> (BTreeMap<String, String>, String) {
    let mut fields = BTreeMap::new();
    let mut out = format!(
        "// {}: every field with its attribute (keep your own visibility and doc comments)\n",
        schema.name
    );
    for f in schema.fields {
        let Some((group, pf)) = plan
            .groups
            .iter()
            .find_map(|g| Some((g, g.fields.iter().find(|pf| pf.field == f.name)?)))
        else {
            continue;
        };
        let mut attrs: Vec<String> = Vec::new();
        let mut decided: Vec<String> = Vec::new();
        match f.kind {
            FieldKind::Record => attrs.push("flatten".to_owned()),
            FieldKind::Opaque => attrs.push("opaque".to_owned()),
            _ => {}
        }
        match (pf.repr, f.intern) {
            (Repr::Intern { bytes }, _) => {
                let width = id_type(bytes);
                attrs.push(format!("intern = {width}"));
                decided.push(format!("intern {width}"));
            }
            (_, Some(width)) => {
                attrs.push(format!("intern = {}", width.type_name()));
                decided.push(format!("intern {}", width.type_name()));
            }
            _ => {}
        }
        match (pf.repr, f.narrow) {
            (Repr::Narrow { bytes, signed }, _) => {
                let ty = format!("{}{}", if signed { "i" } else { "u" }, 8 * u32::from(bytes));
                attrs.push(format!("narrow = {ty}"));
                decided.push(ty);
            }
            (_, Some(ty)) => {
                attrs.push(format!("narrow = {ty}"));
                decided.push(ty.to_owned());
            }
            _ => {}
        }
        if f.cold || group.name == "cold" {
            attrs.push("cold".to_owned());
            decided.push("cold".to_owned());
        }
        attrs.push(format!("group = \"{}\"", group.name));
        if !decided.is_empty() {
            fields.insert(f.name.to_owned(), decided.join(", "));
        }
        out.push_str(&format!(
            "#[record({})]\npub {}: {},\n",
            attrs.join(", "),
            raw(f.name),
            f.ty
        ));
    }
    (fields, out)
}

/// The id type of `bytes` bytes.
fn id_type(bytes: u8) -> &'static str {
    match bytes {
        1 => "u8",
        2 => "u16",
        _ => "u32",
    }
}

/// A field name as Rust source: a keyword as a raw identifier.
fn raw(name: &str) -> String {
    const KEYWORDS: [&str; 38] = [
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
        "async", "await", "dyn", "abstract", "become", "box",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}
