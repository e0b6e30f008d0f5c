//! A store that counts field accesses: run a workload once on [`Counting<S>`] and see which
//! fields it reads and writes, and how often — the field × workload table that says which
//! fields are hot, which cold, and whether columns would pay.
//!
//! It wraps any store and forwards every operation, so the workload's results are the
//! wrapped layout's. Counting costs a counter update per access; it is for counting, not
//! for timing.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Ref};
use crate::own::{Record, Row, Store, StoreError};

/// Reads and writes of one leaf field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCounts {
    /// The field's path (`pos.lat` for a field of a flattened record).
    pub field: String,
    /// Reads: getters on the store and on rows, and one per field for every `get`.
    pub reads: u64,
    /// Writes: setters, and one per field for every `push`.
    pub writes: u64,
}

/// Any store `S` of a record, counting reads and writes per leaf field (reading a flattened
/// field whole reads each of its leaves).
///
/// # Examples
///
/// ```
/// use layoutlab::{Record, Store};
/// use layoutlab::own::{Aos, Counting};
///
/// #[derive(Record, Clone, Debug, PartialEq)]
/// pub struct Tick { pub price: f64, pub qty: u32 }
///
/// let ticks = (0..10).map(|i| Tick { price: i as f64, qty: i });
/// let mut store = Counting::new(Aos::<Tick>::from_records(ticks).unwrap());
/// store.reset();
/// store.retain(|t| t.qty() % 2 == 0);
/// for i in 0..store.len() {
///     let p = store.price(i) * f64::from(store.qty(i));
///     store.set_price(i, p);
/// }
/// let counts = store.counts();
/// assert_eq!((counts[0].field.as_str(), counts[0].reads, counts[0].writes), ("price", 5, 5));
/// assert_eq!((counts[1].field.as_str(), counts[1].reads, counts[1].writes), ("qty", 15, 0));
/// // After the retain pass (which read `qty` alone), `price` and `qty` were both reached
/// // for each of the 5 records kept: leaves 0 and 1, 5 records.
/// assert_eq!(store.coaccess(), [(0, 1, 5)]);
/// ```
pub struct Counting<S> {
    inner: S,
    leaves: Vec<String>,
    reads: Box<[Cell<u64>]>,
    writes: Box<[u64]>,
    pairs: Pairs,
}

/// Co-access: per record, which leaves a pass reached (a bit each, the first
/// [`Pairs::TRACKED`] leaves), and, summed over passes, for how many records two leaves were
/// both reached — the field affinity of profile-guided layout work. A pass ends where the
/// records move (`retain`) and when the counts are read.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct Pairs {
    marks: RefCell<Vec<u128>>,
    counts: RefCell<BTreeMap<(usize, usize), u64>>,
}

impl Pairs {
    /// Leaves tracked for co-access (a `u128` of marks per record).
    const TRACKED: usize = 128;

    #[inline]
    fn mark(&self, index: usize, leaves: std::ops::Range<usize>) {
        let bits = leaves
            .filter(|&l| l < Self::TRACKED)
            .fold(0u128, |m, l| m | 1 << l);
        if bits == 0 {
            return;
        }
        let mut marks = self.marks.borrow_mut();
        if marks.len() <= index {
            marks.resize(index + 1, 0);
        }
        marks[index] |= bits;
    }

    /// Ends a pass: every record's marks into the pair counts.
    fn flush(&self) {
        let mut marks = self.marks.borrow_mut();
        let mut counts = self.counts.borrow_mut();
        for m in marks.iter().copied().filter(|m| m.count_ones() > 1) {
            let bits: Vec<usize> = (0..Self::TRACKED).filter(|&l| m >> l & 1 != 0).collect();
            for (k, &a) in bits.iter().enumerate() {
                for &b in &bits[k + 1..] {
                    *counts.entry((a, b)).or_default() += 1;
                }
            }
        }
        marks.clear();
    }
}

impl<S> Counting<S> {
    /// Wraps `inner`, with every count at zero.
    pub fn new<R: Record>(inner: S) -> Self
    where
        S: Store<R>,
    {
        let leaves: Vec<String> = R::SCHEMA.leaves().into_iter().map(|l| l.path).collect();
        debug_assert_eq!(leaves.len(), R::LEAVES);
        Counting {
            inner,
            reads: leaves.iter().map(|_| Cell::new(0)).collect(),
            writes: vec![0; leaves.len()].into_boxed_slice(),
            leaves,
            pairs: Pairs::default(),
        }
    }

    /// Co-access so far: `(a, b, records)` for every two leaves `a < b` (indexes into
    /// [`Counting::counts`]) that one pass reached for the same record, with how many
    /// records summed over passes. A pass ends at a `retain` and here.
    pub fn coaccess(&self) -> Vec<(usize, usize, u64)> {
        self.pairs.flush();
        self.pairs
            .counts
            .borrow()
            .iter()
            .map(|(&(a, b), &n)| (a, b, n))
            .collect()
    }

    /// The counts so far, one entry per leaf field in declaration order.
    pub fn counts(&self) -> Vec<FieldCounts> {
        self.leaves
            .iter()
            .zip(self.reads.iter().zip(self.writes.iter()))
            .map(|(field, (reads, &writes))| FieldCounts {
                field: field.clone(),
                reads: reads.get(),
                writes,
            })
            .collect()
    }

    /// Sets every count to zero (say, after building the store, to count only a workload).
    pub fn reset(&mut self) {
        self.reads.iter().for_each(|r| r.set(0));
        self.writes.iter_mut().for_each(|w| *w = 0);
        self.pairs = Pairs::default();
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The wrapped store, without the counts.
    pub fn into_inner(self) -> S {
        self.inner
    }

    fn count_all_reads(&self) {
        self.reads.iter().for_each(|r| r.set(r.get() + 1));
    }
}

impl<S: fmt::Debug> fmt::Debug for Counting<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counting")
            .field("inner", &self.inner)
            .field("counts", &self.counts())
            .finish()
    }
}

/// Where a record is: the wrapped store's place, its index, and the counters.
#[doc(hidden)]
pub type At<'a, R, S> = (&'a [Cell<u64>], &'a Pairs, usize, <S as Store<R>>::At<'a>);

impl<R: Record, S: Store<R>> Store<R> for Counting<S> {
    const NAME: &'static str = S::NAME;
    const SUMMARY: &'static str = S::SUMMARY;

    fn with_capacity(records: usize) -> Self {
        Counting::new(S::with_capacity(records))
    }

    fn len(&self) -> usize {
        self.inner.len()
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        self.inner.push(record)?;
        self.writes.iter_mut().for_each(|w| *w += 1);
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        let record = self.inner.get(index);
        self.count_all_reads();
        self.pairs.mark(index, 0..self.leaves.len());
        record
    }

    /// Asks `keep` about every record first, through counted rows, then has the wrapped
    /// store drop the records it refused (the wrapped store's rows cannot carry the
    /// counters). The decisions take a byte per record for the call.
    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        self.pairs.flush();
        let decisions: Vec<bool> = (0..self.len())
            .map(|index| keep(&Row::new(self.__at(index))))
            .collect();
        self.pairs.flush();
        let mut decisions = decisions.into_iter();
        self.inner
            .retain(|_| decisions.next().expect("one decision per record"));
    }

    fn types() -> Vec<TypeInfo> {
        S::types()
    }

    fn __applies() -> bool {
        S::__applies()
    }

    type At<'a>
        = At<'a, R, S>
    where
        S: 'a;

    fn __at(&self, index: usize) -> At<'_, R, S> {
        (&self.reads, &self.pairs, index, self.inner.__at(index))
    }

    fn __read_at<'a, F: Field<R>>((reads, pairs, index, at): At<'a, R, S>) -> Ref<'a, R, F>
    where
        S: 'a,
    {
        let leaves = F::LEAF..F::LEAF + <F::Kind as Kind>::LEAVES;
        for count in &reads[leaves.clone()] {
            count.set(count.get() + 1);
        }
        pairs.mark(index, leaves);
        S::__read_at::<F>(at)
    }

    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        self.inner.__write::<F>(index, value);
        let leaves = F::LEAF..F::LEAF + <F::Kind as Kind>::LEAVES;
        for count in &mut self.writes[leaves.clone()] {
            *count += 1;
        }
        self.pairs.mark(index, leaves);
    }
}
