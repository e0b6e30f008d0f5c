//! `boxed` — one `Box<R>` per record: the object-per-record design of Java or of a Python
//! class instance.
//!
//! Every record is a heap block of its own (plus one per `String`), reached through a
//! pointer, so a scan chases pointers and each record pays the allocator's per-block cost.
//! Next to `aos` it shows what the `Box` alone costs.

use crate::inspect::TypeInfo;
use crate::own::aos::vec_of_records;
use crate::own::kind::{Field, Kind, Ref};
use crate::own::{Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "boxed";

/// The records in one `Vec<Box<R>>`.
// One heap object per record is the layout under test, not an accident.
#[allow(clippy::vec_box)]
pub struct Boxed<R> {
    records: Vec<Box<R>>,
}

vec_of_records!(
    Boxed,
    NAME,
    "Vec<Box<R>>: one heap block per record (and one per String)",
    Box::new
);
