//! `layoutlab inspect`: field offsets, sizes, padding and cache-line placement of each
//! layout's types.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::{chosen_layouts, emit, layout_names};
use crate::inspect::TypeInfo;
use crate::layouts::{visit_named, Layout, LayoutFn};
use crate::report::terminal;

/// `inspect`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// A layout to inspect (repeatable); default: every registered layout.
    #[arg(long = "layout", value_name = "NAME", value_parser = layout_names())]
    layouts: Vec<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

/// One layout's types, as `inspect --json` prints them.
#[derive(Debug, Serialize)]
struct Inspected {
    layout: &'static str,
    types: Vec<TypeInfo>,
}

struct Types;

impl LayoutFn for Types {
    type Out = Inspected;

    fn call<L: Layout>(&mut self) -> Inspected {
        Inspected {
            layout: L::NAME,
            types: L::types(),
        }
    }
}

/// Runs the command.
pub(crate) fn run(args: &InspectArgs) -> Result<()> {
    let all = chosen_layouts(&args.layouts)
        .iter()
        .map(|name| visit_named(name, &mut Types))
        .collect::<Result<Vec<_>, _>>()?;
    if args.json {
        let mut bytes = serde_json::to_vec_pretty(&all)?;
        bytes.push(b'\n');
        return emit(&bytes);
    }
    let text: String = all
        .iter()
        .map(|i| terminal::inspect(i.layout, &i.types))
        .collect();
    emit(text.as_bytes())
}
