//! The layouts: one file each, all behind the [`Layout`] trait, all listed in one registry.
//!
//! The trait is shaped by the pipeline's stages rather than by "get a record": each stage
//! hands the layout a closure with the stage's arithmetic, and the layout runs it over its
//! own storage in store order. That keeps the arithmetic in one place (so every layout does
//! bit-identical work) while each layout walks its memory the way that layout naturally
//! would — a column scan for `soa`, a pointer chase for `boxed`, a hash lookup per field for
//! `heap_map`. Everything is monomorphised: no `dyn` in the measured path.
//!
//! # Adding a layout
//!
//! Write `src/layouts/<name>.rs` with a type that implements [`Layout`], then add one line
//! `<name>::<Type>,` to the `registry!` call at the bottom of this file. The CLI, the
//! tests, the benches and the reports all read the registry, so nothing else changes.

use crate::inspect::TypeInfo;
use crate::intern::Full;
use crate::record::{Reading, RecordRef, Unit};

/// How a layout names a record's sensor to the pipeline's per-sensor state.
///
/// Layouts that intern ids pass the dense id (the pipeline indexes a `Vec` with it);
/// layouts that keep the id text pass the text (the pipeline hashes it). Which one a
/// layout uses is part of what it costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorKey<'a> {
    /// A dense id below [`Layout::interned_sensors`]; its text is [`Layout::interned_name`].
    Interned(u32),
    /// The sensor id itself.
    Name(&'a str),
}

/// The derived and input fields one record shows to the aggregate stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scanned {
    /// The unit of the record.
    pub unit: Unit,
    /// The reading.
    pub value: f64,
    /// Set by the normalize stage.
    pub normalized: f64,
    /// Set by the rolling stage.
    pub rolling_avg: f64,
}

/// A layout cannot represent an input, for example more distinct sensors than its id type
/// holds. It is reported as an error, never wrapped or truncated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "layout `{layout}` holds at most {limit} distinct sensors ({id_type} ids); this input has more"
)]
pub struct CapacityError {
    /// The layout's registry name.
    pub layout: &'static str,
    /// The id type that ran out.
    pub id_type: &'static str,
    /// How many distinct sensors the id type holds.
    pub limit: usize,
}

impl CapacityError {
    /// The error of layout `layout` whose intern table ran out of ids.
    ///
    /// # Examples
    ///
    /// ```
    /// use layoutlab::intern::Interner;
    /// use layoutlab::layouts::CapacityError;
    ///
    /// let mut ids = Interner::<u8>::default();
    /// for i in 0..256 {
    ///     ids.intern(&i.to_string()).unwrap();
    /// }
    /// let full = ids.intern("one more").unwrap_err();
    /// assert_eq!(
    ///     CapacityError::new("packed", full).to_string(),
    ///     "layout `packed` holds at most 256 distinct sensors (u8 ids); this input has more"
    /// );
    /// ```
    pub fn new(layout: &'static str, full: Full) -> Self {
        CapacityError {
            layout,
            id_type: full.type_name,
            limit: full.capacity,
        }
    }
}

/// One memory layout of the sensor record, holding every record of a run in source order.
///
/// The pipeline (see [`crate::pipeline`]) drives a layout only through these methods; each
/// stage method must visit the records in store order, exactly once each. A store owns
/// its records (`'static`), so stores of different layouts can be held side by side, as the
/// by-index probe does.
pub trait Layout: Sized + 'static {
    /// The registry name, as used on the command line and in reports.
    const NAME: &'static str;
    /// One line saying what the layout is.
    const SUMMARY: &'static str;
    /// Whether a record can gain a field at run time without a code change (dict-like
    /// layouts). The decision guide uses it for workloads whose schema changes.
    const RUNTIME_SCHEMA: bool = false;
    /// Heap bytes one record costs, as the allocator reserves them, on the built-in workload
    /// (measured, rounded up). It sizes runs before they start: a workload that would not fit
    /// in memory is refused up front, and size sweeps stop where a layout outgrows the caches.
    /// The heap tests (`tests/heap_<layout>.rs`) check it against dhat.
    const HEAP_BYTES_PER_RECORD: usize;

    /// An empty store. `records` is how many records the source expects to yield (0 when it
    /// cannot tell); layouts that own one contiguous buffer may reserve it.
    fn with_capacity(records: usize) -> Self;

    /// Appends one reading with `normalized` and `rolling_avg` set to 0.0.
    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError>;

    /// How many records the store holds.
    fn len(&self) -> usize;

    /// Whether the store holds no record.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record at `index` in store order.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    fn record(&self, index: usize) -> RecordRef<'_>;

    /// How many dense ids [`SensorKey::Interned`] may carry (0 for layouts that pass names).
    fn interned_sensors(&self) -> usize {
        0
    }

    /// The text of an interned id.
    ///
    /// # Panics
    ///
    /// If the layout does not intern ids or `id >= self.interned_sensors()`.
    fn interned_name(&self, id: u32) -> &str {
        panic!(
            "layout `{}` does not intern ids (asked for {id})",
            Self::NAME
        )
    }

    /// Removes every record for which `keep(value, unit)` is false, compacting in place and
    /// keeping order.
    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, keep: F);

    /// Sets every record's `normalized` to `f(value, unit)`.
    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, f: F);

    /// Sets every record's `rolling_avg` to `f(sensor, value)`, in store order.
    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, f: F);

    /// Shows every record to `f`, in store order.
    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, f: F);

    /// The in-memory types this layout is made of, for `inspect`.
    fn types() -> Vec<TypeInfo>;
}

/// Something to do with a layout's type in hand, returning a value: how the registry reaches
/// generic code without `dyn`. The CLI, the tests and the benches each implement it once.
///
/// # Examples
///
/// ```
/// use layoutlab::layouts::{self, Layout, LayoutFn};
///
/// struct Name;
/// impl LayoutFn for Name {
///     type Out = &'static str;
///     fn call<L: Layout>(&mut self) -> &'static str {
///         L::NAME
///     }
/// }
/// assert_eq!(layouts::visit_all(&mut Name)[0], "heap_map");
/// assert_eq!(layouts::visit_named("soa", &mut Name).unwrap(), "soa");
/// assert!(layouts::visit_named("nope", &mut Name).is_err());
/// ```
pub trait LayoutFn {
    /// What one call returns.
    type Out;
    /// Called with the layout's type.
    fn call<L: Layout>(&mut self) -> Self::Out;
}

/// The name and summary of a registered layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutInfo {
    /// The registry name.
    pub name: &'static str,
    /// One line saying what the layout is.
    pub summary: &'static str,
    /// See [`Layout::RUNTIME_SCHEMA`].
    pub runtime_schema: bool,
    /// See [`Layout::HEAP_BYTES_PER_RECORD`].
    pub heap_bytes_per_record: usize,
}

/// No layout is registered under this name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no layout is called {name:?} (`layoutlab list` shows them)")]
pub struct UnknownLayout {
    /// The name asked for.
    pub name: String,
}

/// Calls `f` for the layout called `name`.
pub fn visit_named<F: LayoutFn>(name: &str, f: &mut F) -> Result<F::Out, UnknownLayout> {
    struct Only<'a, F> {
        name: &'a str,
        inner: &'a mut F,
    }
    impl<F: LayoutFn> LayoutFn for Only<'_, F> {
        type Out = Option<F::Out>;
        fn call<L: Layout>(&mut self) -> Option<F::Out> {
            (L::NAME == self.name).then(|| self.inner.call::<L>())
        }
    }
    visit_all(&mut Only { name, inner: f })
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| UnknownLayout {
            name: name.to_owned(),
        })
}

/// The registered layout called `name`.
pub fn find(name: &str) -> Result<&'static LayoutInfo, UnknownLayout> {
    LAYOUTS
        .iter()
        .find(|l| l.name == name)
        .ok_or_else(|| UnknownLayout {
            name: name.to_owned(),
        })
}

/// Declares the layout modules and the registry in one list, so that adding a layout is one
/// new file plus one line here.
macro_rules! registry {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(pub mod $module;)*
        $(pub use $module::$ty;)*

        /// Every registered layout, in registry order.
        pub const LAYOUTS: &[LayoutInfo] = &[
            $(LayoutInfo {
                name: <$ty as Layout>::NAME,
                summary: <$ty as Layout>::SUMMARY,
                runtime_schema: <$ty as Layout>::RUNTIME_SCHEMA,
                heap_bytes_per_record: <$ty as Layout>::HEAP_BYTES_PER_RECORD,
            },)*
        ];

        /// Calls `f` once for every registered layout, in registry order.
        pub fn visit_all<F: LayoutFn>(f: &mut F) -> Vec<F::Out> {
            vec![$(f.call::<$ty>()),*]
        }
    };
}

registry! {
    heap_map::HeapMap,
    boxed::Boxed,
    packed::Packed,
    soa::Soa,
    arena::Arena,
    plain::Plain,
    inline::Inline,
    json_value::JsonValue,
    zero_copy::ZeroCopy,
    aosoa::Aosoa,
    hot_cold::HotCold,
    arrow::Arrow,
}

/// A reading in `%` for the layouts' unit tests: the filter keeps values from 0 to 100.
#[cfg(test)]
fn percent_reading(id: &str, timestamp: f64, value: f64) -> Reading<'_> {
    Reading {
        sensor_id: id,
        timestamp,
        value,
        unit: Unit::Percent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_findable() {
        for (i, layout) in LAYOUTS.iter().enumerate() {
            assert_eq!(find(layout.name), Ok(layout));
            assert!(LAYOUTS[..i].iter().all(|l| l.name != layout.name));
        }
        assert!(find("nope").is_err());
    }
}
