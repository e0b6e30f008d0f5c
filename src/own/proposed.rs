//! `proposed` — a grouped layout decided at run time: the harness's proposal for a record
//! and its workloads, measured without recompiling. A [`Plan`] says which fields share a
//! group (their order in it) and how each is held — its packed form, an integer in fewer
//! bytes, a plain `String` interned by the store — and the store lays each leaf at the
//! offset the plan gives it when it is built. The same engine as the compiled `grouped`
//! layout (`rows.rs`); only where the places come from differs.

use serde::{Deserialize, Serialize};

use crate::inspect::TypeInfo;
use crate::own::grouped::{group_types, rows_store, At, HasPlaces};
use crate::own::kind::{Field, Kind, Leaf, LeafStore, Ref};
use crate::own::rows::{Place, Places, Repr, Rows, MAX_GROUPS};
use crate::own::{record_at, setter_failed, FieldKind, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "proposed";

/// A grouped layout of a record: its groups, each with its fields in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The groups, each one array of rows.
    pub groups: Vec<PlanGroup>,
}

/// One group of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGroup {
    /// Its name (`hot`, `cold`, …), the `group = "…"` the attributes give it.
    pub name: String,
    /// Its fields (top-level fields of the record; a flattened one whole), in row order.
    pub fields: Vec<PlanField>,
}

/// One field of a [`PlanGroup`], and how it is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanField {
    /// The field's name.
    pub field: String,
    /// How it is held.
    pub repr: Repr,
}

impl Plan {
    /// The record's fields with the `#[record(…)]` attributes that make the derive generate
    /// this plan as the compiled `grouped` layout, as Rust to paste.
    ///
    /// # Examples
    ///
    /// ```
    /// use layoutlab::Record;
    /// use layoutlab::own::{Plan, PlanField, PlanGroup};
    /// use layoutlab::own::rows::Repr;
    ///
    /// #[derive(Record, Clone, Debug, PartialEq)]
    /// pub struct Tick { pub price: f64, pub qty: u64, pub venue: String }
    ///
    /// let field = |f: &str, repr| PlanField { field: f.to_owned(), repr };
    /// let plan = Plan { groups: vec![
    ///     PlanGroup { name: "hot".into(), fields: vec![
    ///         field("price", Repr::Packed),
    ///         field("qty", Repr::Narrow { bytes: 2, signed: false }),
    ///     ] },
    ///     PlanGroup { name: "cold".into(), fields: vec![field("venue", Repr::Intern { bytes: 1 })] },
    /// ] };
    /// let rust = plan.attributes::<Tick>();
    /// assert!(rust.contains("#[record(narrow = u16, group = \"hot\")]\npub qty: u64,"));
    /// assert!(rust.contains("#[record(intern = u8, cold, group = \"cold\")]\npub venue: String,"));
    /// ```
    pub fn attributes<R: Record>(&self) -> String {
        super::attributes::paste(R::SCHEMA, self).1
    }

    /// Every field of `R` in one group, in its packed form: the `packed` layout's row.
    pub fn one_group<R: Record>() -> Plan {
        Plan {
            groups: vec![PlanGroup {
                name: "all".to_owned(),
                fields: R::SCHEMA
                    .fields
                    .iter()
                    .map(|f| PlanField {
                        field: f.name.to_owned(),
                        repr: Repr::Packed,
                    })
                    .collect(),
            }],
        }
    }

    /// Every field of `R` in a group of its own, in its packed form: `soa`'s columns.
    pub fn each_alone<R: Record>() -> Plan {
        Plan {
            groups: R::SCHEMA
                .fields
                .iter()
                .map(|f| PlanGroup {
                    name: f.name.to_owned(),
                    fields: vec![PlanField {
                        field: f.name.to_owned(),
                        repr: Repr::Packed,
                    }],
                })
                .collect(),
        }
    }

    /// Where every leaf of `R` goes, or why the plan does not fit `R` (a field missing or
    /// given twice, an unknown field, a representation its type cannot take).
    pub fn places<R: Record>(&self) -> Result<Planned, String> {
        let fields = R::SCHEMA.fields;
        // The first leaf of each field, and its leaf count.
        let mut first = Vec::with_capacity(fields.len());
        let mut leaves = 0;
        for f in fields {
            first.push(leaves);
            leaves += f.nested.map_or(1, |n| n.leaves().len());
        }
        let mut places = vec![None; leaves];
        let mut strides = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            let mut offset = 0;
            for pf in &group.fields {
                let (u, f) = fields
                    .iter()
                    .enumerate()
                    .find(|(_, f)| f.name == pf.field)
                    .ok_or_else(|| {
                        format!(
                            "the plan names `{}`, which `{}` has not",
                            pf.field,
                            R::SCHEMA.name
                        )
                    })?;
                let count = f.nested.map_or(1, |n| n.leaves().len());
                let size = match pf.repr {
                    Repr::Packed => f.packed_size,
                    Repr::Narrow { bytes, .. }
                        if f.kind.is_number()
                            && f.kind != FieldKind::Float
                            && usize::from(bytes) < f.size =>
                    {
                        usize::from(bytes)
                    }
                    Repr::Intern { bytes }
                        if f.kind == FieldKind::String
                            && f.intern.is_none()
                            && matches!(bytes, 1 | 2 | 4) =>
                    {
                        usize::from(bytes)
                    }
                    repr => {
                        return Err(format!(
                            "field `{}` ({}) cannot be held as {repr:?}",
                            f.name, f.ty
                        ))
                    }
                };
                for k in 0..count {
                    let leaf = first[u] + k;
                    if places[leaf].is_some() {
                        return Err(format!("the plan names `{}` twice", f.name));
                    }
                    let within = R::PACKED_OFFSETS[leaf] - R::PACKED_OFFSETS[first[u]];
                    places[leaf] = Some(Place {
                        group: g,
                        offset: offset + within,
                        repr: pf.repr,
                    });
                }
                offset += size;
            }
            strides.push(offset);
        }
        let places = places
            .into_iter()
            .enumerate()
            .map(|(leaf, p)| p.ok_or(leaf))
            .collect::<Result<Vec<_>, usize>>()
            .map_err(|leaf| format!("the plan leaves out `{}`", R::SCHEMA.leaves()[leaf].path))?;
        if places.len() > MAX_LEAVES || strides.len() > MAX_GROUPS {
            return Err(format!(
                "`{}` has {} leaf fields in {} groups; a runtime plan takes at most {MAX_LEAVES} \
                 in {MAX_GROUPS}",
                R::SCHEMA.name,
                places.len(),
                strides.len()
            ));
        }
        let blank = Place {
            group: 0,
            offset: 0,
            repr: Repr::Packed,
        };
        let mut planned = Planned {
            places: [blank; MAX_LEAVES],
            strides: [0; MAX_GROUPS],
            groups: strides.len(),
            names: self.groups.iter().map(|g| g.name.clone()).collect(),
        };
        planned.places[..places.len()].copy_from_slice(&places);
        planned.strides[..strides.len()].copy_from_slice(&strides);
        Ok(planned)
    }
}

/// The most leaf fields a record laid out by a plan has (its places sit in the store
/// itself, as the groups' rows do: see [`MAX_GROUPS`]).
pub const MAX_LEAVES: usize = 64;

/// The places a [`Plan`] gives the leaves of one record type.
#[derive(Debug, Clone)]
pub struct Planned {
    places: [Place; MAX_LEAVES],
    strides: [usize; MAX_GROUPS],
    groups: usize,
    names: Vec<String>,
}

impl Places for Planned {
    #[inline(always)]
    fn place(&self, leaf: usize) -> Place {
        self.places[leaf]
    }
    #[inline(always)]
    fn strides(&self) -> &[usize] {
        &self.strides[..self.groups]
    }
}

/// The groups' rows as a plan laid them out, and the side tables.
pub struct Proposed<R: Record>(Rows<R, Planned>);

impl<R: Record> HasPlaces for Proposed<R> {
    type Places = Planned;
}

impl<R: Record> Proposed<R> {
    /// An empty store laid out by `plan`, with room for `records` records.
    ///
    /// # Errors
    ///
    /// Why the plan does not fit `R`.
    pub fn with_plan(plan: &Plan, records: usize) -> Result<Self, String> {
        Ok(Proposed(Rows::new(plan.places::<R>()?, records)))
    }

    /// The row types a plan gives `R`, for `inspect`.
    ///
    /// # Errors
    ///
    /// Why the plan does not fit `R`.
    pub fn types_for(plan: &Plan) -> Result<Vec<TypeInfo>, String> {
        let planned = plan.places::<R>()?;
        Ok(group_types::<R, _>(&planned, &planned.names))
    }

    fn layout_types() -> Vec<TypeInfo> {
        Self::types_for(&Plan::one_group::<R>()).unwrap_or_default()
    }

    /// Laid out by `plan`, or with every field in one group without one.
    fn new(records: usize, plan: Option<&Plan>) -> Self {
        let one;
        let plan = match plan {
            Some(plan) => plan,
            None => {
                one = Plan::one_group::<R>();
                &one
            }
        };
        match Self::with_plan(plan, records) {
            Ok(store) => store,
            Err(why) => panic!("a proposal that does not fit `{}`: {why}", R::SCHEMA.name),
        }
    }
}

rows_store!(
    Proposed,
    NAME,
    "the proposal: fields grouped, ordered and held as a plan decided at run time",
    applies: true,
    new: Proposed::<R>::new
);
