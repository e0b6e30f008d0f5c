//! A workload with its type erased, so that a harness can hold workloads of different types
//! in one list: each keeps its own statically dispatched code for every layout of the
//! record, reached by the layout's name.

use std::any::Any;
use std::rc::Rc;
use std::time::Instant;

use super::source::{IngestError, RecordSource};
use crate::own::{Aos, Counting, FieldCounts, Plan, Proposed, Record, Store, StoreFn, Workload};
use crate::units::Nanos;

/// Where a run is, told to whoever measures it: timing reads the clock, heap profiling
/// marks phases. Called only between the timed spans, never inside them.
pub(crate) trait Marks {
    /// Building the store starts (it ends at [`Marks::built`]).
    fn build(&mut self);
    /// The store is built.
    fn built(&mut self);
    /// The workload starts.
    fn work(&mut self);
    /// The workload is done.
    fn worked(&mut self);
    /// Dropping the store starts.
    fn drop_start(&mut self);
    /// The store is dropped.
    fn dropped(&mut self);
    /// The warm passes over the same store are done: the median of their times.
    fn warm(&mut self, _median: Nanos) {}
}

/// One run of one workload on one layout: its output (compared across layouts) and the
/// time of each part when the marks were a [`Clock`].
pub(crate) struct Ran {
    /// The records the store was built from.
    pub records: u64,
    /// What the workload returned.
    pub output: Rc<dyn Any>,
}

/// A workload, type-erased.
pub(crate) trait Runner<R: Record> {
    /// The workload's name.
    fn name(&self) -> &str;
    /// Builds a store of `layout` from `source` (`records` records), runs the workload on
    /// it and drops it, telling `marks` where it is. With `warm` (a workload that leaves its
    /// store unchanged), repeats it on the same store before the drop and tells
    /// [`Marks::warm`] the median of the repeats.
    fn run_on(
        &self,
        layout: &str,
        source: &RecordSource<R>,
        records: u64,
        plan: Option<&Plan>,
        warm: bool,
        marks: &mut dyn Marks,
    ) -> Result<Ran, IngestError>;
    /// Why two outputs of this workload differ, or `None`: equal by `PartialEq`, or with the
    /// same `Debug` text (so `NaN` equals `NaN`, bit for bit).
    fn disagreement(&self, a: &dyn Any, b: &dyn Any) -> Option<String>;
    /// The `Debug` text of an output, shortened for reports.
    fn describe(&self, output: &dyn Any) -> String;
    /// Runs the workload once on a counting store and returns its field accesses (and
    /// co-accesses), and whether it left the store as it found it (no write, no push, no
    /// record removed).
    fn count(&self, source: &RecordSource<R>, records: u64) -> Result<Counted, IngestError>;
    /// Times the workload on `layout` with criterion: each iteration on a freshly built
    /// store (built and dropped outside the timing).
    fn criterion(
        &self,
        layout: &str,
        source: &RecordSource<R>,
        records: u64,
        bencher: &mut criterion::Bencher<'_>,
    );
}

/// What one counted run of a workload found.
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    /// Reads and writes per leaf.
    pub counts: Vec<FieldCounts>,
    /// `(a, b, records)`: leaves `a < b` reached for the same record in one pass.
    pub coaccess: Vec<(usize, usize, u64)>,
    /// Whether the store was left as it was found.
    pub unchanged: bool,
    /// The records the store held when the workload started.
    pub records: u64,
}

/// Calls `f` with the store type of layout `name`: one of the record's layouts, or the
/// runtime `proposed` one (laid out by the plan its caller passes on).
pub(crate) fn for_layout<R: Record, F: StoreFn<R>>(name: &str, f: F) -> Option<F::Out> {
    if name == <Proposed<R> as Store<R>>::NAME {
        return Some(f.call::<Proposed<R>>());
    }
    R::for_layout(name, f)
}

/// criterion's iteration over a store of type `S`.
struct BenchOn<'a, 'b, 'c, R: Record, W> {
    workload: &'a W,
    source: &'a RecordSource<R>,
    records: u64,
    plan: Option<&'a Plan>,
    bencher: &'b mut criterion::Bencher<'c>,
}

impl<R: Record, W: Workload<R>> StoreFn<R> for BenchOn<'_, '_, '_, R, W> {
    type Out = ();

    fn call<S: Store<R>>(self) {
        let (source, records, plan) = (self.source, self.records, self.plan);
        let build = || {
            let mut store = S::__with_plan(source.expected(records), plan);
            if let Err(e) = source.stream(records, &mut |r| store.push(r)) {
                panic!("cannot build the store: {e}");
            }
            store
        };
        let workload = self.workload;
        self.bencher.iter_batched_ref(
            build,
            |store| workload.run(store),
            criterion::BatchSize::LargeInput,
        );
    }
}

/// A workload of type `W`, named.
pub(crate) struct Named<W> {
    pub name: String,
    pub workload: W,
}

/// Builds a store of type `S` from the source, runs `W` on it, drops it.
struct RunOn<'a, R: Record, W> {
    workload: &'a W,
    source: &'a RecordSource<R>,
    records: u64,
    plan: Option<&'a Plan>,
    warm: bool,
    marks: &'a mut dyn Marks,
}

impl<R: Record, W: Workload<R>> StoreFn<R> for RunOn<'_, R, W>
where
    W::Output: 'static,
{
    type Out = Result<Ran, IngestError>;

    fn call<S: Store<R>>(self) -> Self::Out {
        self.marks.build();
        let mut store = S::__with_plan(self.source.expected(self.records), self.plan);
        let records = self.source.stream(self.records, &mut |r| store.push(r));
        self.marks.built();
        let records = records?;
        self.marks.work();
        // A setter the layout cannot honour (an interned field out of ids) is the layout's
        // failure, reported like a record it could not store, not a panic of the bench.
        let output = crate::own::catch_setter(|| self.workload.run(&mut store));
        self.marks.worked();
        let output = std::hint::black_box(output);
        if self.warm && output.is_ok() {
            self.marks.warm(crate::measure::warm_passes(|| {
                self.workload.run(&mut store)
            }));
        }
        self.marks.drop_start();
        drop(store);
        self.marks.dropped();
        Ok(Ran {
            records,
            output: Rc::new(output.map_err(IngestError::Store)?),
        })
    }
}

/// Text of at most this many characters describes an output in reports.
const DESCRIBE_CHARS: usize = 120;

impl<R: Record, W: Workload<R>> Runner<R> for Named<W>
where
    W::Output: 'static,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn run_on(
        &self,
        layout: &str,
        source: &RecordSource<R>,
        records: u64,
        plan: Option<&Plan>,
        warm: bool,
        marks: &mut dyn Marks,
    ) -> Result<Ran, IngestError> {
        let run = RunOn {
            workload: &self.workload,
            source,
            records,
            plan,
            warm,
            marks,
        };
        for_layout(layout, run).unwrap_or_else(|| {
            unreachable!("{layout} is one of the record's layouts, listed by the harness")
        })
    }

    fn disagreement(&self, a: &dyn Any, b: &dyn Any) -> Option<String> {
        let (Some(a), Some(b)) = (a.downcast_ref::<W::Output>(), b.downcast_ref::<W::Output>())
        else {
            return Some("outputs of different types".to_owned());
        };
        let (ta, tb) = (format!("{a:?}"), format!("{b:?}"));
        (a != b && ta != tb).then(|| format!("{} against {}", shorten(&ta), shorten(&tb)))
    }

    fn describe(&self, output: &dyn Any) -> String {
        output
            .downcast_ref::<W::Output>()
            .map_or_else(|| "?".to_owned(), |o| shorten(&format!("{o:?}")))
    }

    fn criterion(
        &self,
        layout: &str,
        source: &RecordSource<R>,
        records: u64,
        bencher: &mut criterion::Bencher<'_>,
    ) {
        let bench = BenchOn {
            workload: &self.workload,
            source,
            records,
            plan: None,
            bencher,
        };
        for_layout(layout, bench);
    }

    fn count(&self, source: &RecordSource<R>, records: u64) -> Result<Counted, IngestError> {
        let mut store: Counting<Aos<R>> =
            Counting::new(Aos::with_capacity(source.expected(records)));
        source.stream(records, &mut |r| store.push(r))?;
        store.reset();
        let before = store.len();
        std::hint::black_box(self.workload.run(&mut store));
        let counts = store.counts();
        let unchanged = store.len() == before && counts.iter().all(|c| c.writes == 0);
        Ok(Counted {
            coaccess: store.coaccess(),
            counts,
            unchanged,
            records: before as u64,
        })
    }
}

/// `text` cut to [`DESCRIBE_CHARS`] characters.
fn shorten(text: &str) -> String {
    if text.chars().count() <= DESCRIBE_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(DESCRIBE_CHARS).collect();
        format!("{head}… ({} characters)", text.chars().count())
    }
}

/// [`Marks`] that time the build, the workload and the drop.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    started: Option<Instant>,
    /// Whether the store was built (a workload that panicked may have got that far).
    pub built: bool,
    /// Building the store.
    pub build: Nanos,
    /// The workload.
    pub work: Nanos,
    /// Dropping the store.
    pub drop: Nanos,
    /// The median warm pass, when the workload was repeated on its store.
    pub warm: Option<Nanos>,
}

impl Clock {
    fn lap(&mut self) -> Nanos {
        self.started
            .take()
            .map_or(Nanos(0), |t| Nanos::from_duration(t.elapsed()))
    }
}

impl Marks for Clock {
    fn build(&mut self) {
        self.started = Some(Instant::now());
    }
    fn built(&mut self) {
        self.build = self.lap();
        self.built = true;
    }
    fn work(&mut self) {
        self.started = Some(Instant::now());
    }
    fn worked(&mut self) {
        self.work = self.lap();
    }
    fn drop_start(&mut self) {
        self.started = Some(Instant::now());
    }
    fn dropped(&mut self) {
        self.drop = self.lap();
    }
    fn warm(&mut self, median: Nanos) {
        self.warm = Some(median);
    }
}
