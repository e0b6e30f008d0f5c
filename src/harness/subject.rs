//! A user's record and workloads as a subject of the session: what one timed run of a
//! layout is (every workload on a store of its own), how outputs are compared, and how a
//! profiling child of the user's own bench binary is started and read.

use std::any::Any;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::runner::{Clock, Marks, Runner};
use super::source::{IngestError, RecordSource};
use crate::measure::children::{self, ChildCommand, ChildFailure};
use crate::model::{Failure, FailureKind, LayoutRun, MemorySummary, PerStage, Timing};
use crate::own::{Plan, Proposed, Record, Store, StoreFn};
use crate::session::{LayoutMeta, PartFailure, RunError, Sample, Subject};
use crate::units::Nanos;

/// Environment variables that make a user's bench binary a profiling child of itself.
pub(crate) const CHILD_ENV: &str = "LAYOUTLAB_OWN_CHILD";
pub(crate) const LAYOUT_ENV: &str = "LAYOUTLAB_OWN_LAYOUT";
pub(crate) const RECORDS_ENV: &str = "LAYOUTLAB_OWN_RECORDS";
pub(crate) const PROFILE_ENV: &str = "LAYOUTLAB_OWN_PROFILE";
/// The workloads a profiling child leaves out (one name a line): they panicked on its
/// layout, or their output could not be checked.
pub(crate) const SKIP_ENV: &str = "LAYOUTLAB_OWN_SKIP";
/// The plan of the `proposed` layout, as JSON, for a child profiling it.
pub(crate) const PLAN_ENV: &str = "LAYOUTLAB_OWN_PLAN";

/// The workloads left out of the runs: `(Some(layout), workload)` on one layout (it panicked
/// there, or gave another output), `(None, workload)` on every layout (not deterministic).
#[derive(Debug, Default)]
pub(crate) struct LeftOut(Mutex<Vec<(Option<String>, String)>>);

impl LeftOut {
    fn add(&self, layout: Option<&str>, workload: &str) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        list.push((layout.map(str::to_owned), workload.to_owned()));
    }

    /// Whether `workload` is left out on `layout`.
    pub(crate) fn has(&self, layout: &str, workload: &str) -> bool {
        let list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        list.iter()
            .any(|(l, w)| w == workload && l.as_deref().is_none_or(|l| l == layout))
    }
}

/// A user's record `R`, its source and its workloads.
pub(crate) struct Own<'h, R: Record> {
    /// The harness's name (the report directory's).
    pub name: &'h str,
    /// Where records come from.
    pub source: &'h RecordSource<R>,
    /// How many records each store holds.
    pub records: u64,
    /// The workloads, in the order they were added.
    pub workloads: &'h [Box<dyn Runner<R> + Send + Sync>],
    /// The workloads left out of the runs so far.
    pub left_out: &'h LeftOut,
    /// Per workload, whether it is also timed warm: it leaves its store unchanged, so it
    /// can run again on the same one (empty: none is).
    pub warm: &'h [bool],
    /// The plan of the `proposed` layout, which runs beside the record's own when given.
    pub plan: Option<&'h Plan>,
}

/// What one timed run of a layout produced: each workload's output (`None`: it was left out,
/// or it panicked).
#[derive(Clone)]
pub(crate) struct Outputs(pub Vec<Option<Rc<dyn Any>>>);

/// What a profiling child prints.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChildReport {
    /// The layout.
    pub layout: String,
    /// Records each store was built from.
    pub records: u64,
    /// The heap figures, phases `ingest` and one per workload.
    pub memory: MemorySummary,
}

impl<R: Record> Own<'_, R> {
    /// The stage names: `ingest`, then the workloads.
    pub(crate) fn phases(&self) -> Vec<String> {
        std::iter::once("ingest".to_owned())
            .chain(self.workloads.iter().map(|w| w.name().to_owned()))
            .collect()
    }
}

struct Types;

impl<R: Record> StoreFn<R> for Types {
    type Out = Vec<crate::inspect::TypeInfo>;
    fn call<S: Store<R>>(self) -> Self::Out {
        S::types()
    }
}

/// Times `reads` random `get(i)` on a store of type `S`.
struct Access<'a, R: Record> {
    source: &'a RecordSource<R>,
    records: u64,
    plan: Option<&'a Plan>,
    reads: u64,
}

impl<R: Record> StoreFn<R> for Access<'_, R> {
    type Out = Result<(u64, Nanos), IngestError>;
    fn call<S: Store<R>>(self) -> Self::Out {
        let mut store = S::__with_plan(self.source.expected(self.records), self.plan);
        self.source.stream(self.records, &mut |r| store.push(r))?;
        let n = store.len();
        if n == 0 {
            return Ok((0, Nanos(0)));
        }
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let started = Instant::now();
        for _ in 0..self.reads {
            std::hint::black_box(store.get(rng.usize(0..n)));
        }
        Ok((self.reads, Nanos::from_duration(started.elapsed())))
    }
}

fn run_error(e: IngestError) -> RunError {
    match e {
        IngestError::Store(e) => RunError::Capacity(e.into()),
        IngestError::Input(e) => RunError::Input(e.into()),
    }
}

impl<R: Record> Subject for Own<'_, R> {
    type Outcome = Outputs;

    fn layouts(&self) -> Vec<LayoutMeta> {
        let mut layouts: Vec<LayoutMeta> = R::layouts()
            .into_iter()
            .map(|info| LayoutMeta {
                name: info.name.to_owned(),
                summary: info.summary.to_owned(),
                runtime_schema: info.name == "heap_map",
                types: R::for_layout(info.name, Types).unwrap_or_default(),
            })
            .collect();
        if let Some(plan) = self.plan {
            layouts.push(LayoutMeta {
                name: <Proposed<R> as Store<R>>::NAME.to_owned(),
                summary: <Proposed<R> as Store<R>>::SUMMARY.to_owned(),
                runtime_schema: false,
                types: Proposed::<R>::types_for(plan).unwrap_or_default(),
            });
        }
        layouts
    }

    fn run_once(&self, layout: &str, records: Option<u64>) -> Result<Sample<Outputs>, RunError> {
        let records = records.unwrap_or(self.records);
        let mut times: Vec<Option<Nanos>> = vec![None; self.workloads.len() + 1];
        let mut warm = PerStage::default();
        let (mut built_from, mut drop) = (records, Nanos(0));
        let (mut outputs, mut notes) = (Vec::new(), Vec::new());
        for (k, workload) in self.workloads.iter().enumerate() {
            if self.left_out.has(layout, workload.name()) {
                outputs.push(None);
                continue;
            }
            let mut clock = Clock::default();
            let repeat = self.warm.get(k).copied().unwrap_or(false);
            let ran = super::panic::catch(|| {
                workload.run_on(layout, self.source, records, self.plan, repeat, &mut clock)
            });
            // The first store built gives the ingest time (a workload that panicked after its
            // store was built still gave it).
            if times[0].is_none() && clock.built {
                (times[0], drop) = (Some(clock.build), clock.drop);
            }
            match ran {
                Ok(ran) => {
                    let ran = ran.map_err(run_error)?;
                    built_from = ran.records;
                    times[k + 1] = Some(clock.work);
                    if let Some(median) = clock.warm {
                        warm.push(workload.name(), median);
                    }
                    outputs.push(Some(ran.output));
                }
                Err(panic) => {
                    self.left_out.add(Some(layout), workload.name());
                    notes.push(PartFailure {
                        part: workload.name().to_owned(),
                        failure: Failure::new(
                            FailureKind::Panic,
                            format!("`{}`: {panic}", workload.name()),
                        ),
                    });
                    outputs.push(None);
                }
            }
        }
        let mut stages = PerStage::from_names(&self.phases(), |i, _| times[i].unwrap_or_default());
        for (name, time) in self.phases().iter().zip(&times) {
            if time.is_none() {
                stages.remove(name);
            }
        }
        Ok(Sample {
            records: built_from,
            stages,
            drop,
            outcome: Outputs(outputs),
            notes,
            access: None,
            warm,
        })
    }

    fn disagreement(&self, a: &Outputs, b: &Outputs) -> Option<String> {
        self.part_disagreements(a, b)
            .into_iter()
            .next()
            .map(|(w, why)| format!("workload `{w}`: {why}"))
    }

    fn part_disagreements(&self, a: &Outputs, b: &Outputs) -> Vec<(String, String)> {
        self.workloads
            .iter()
            .zip(a.0.iter().zip(&b.0))
            .filter_map(|(w, pair)| match pair {
                (Some(x), Some(y)) => w
                    .disagreement(x.as_ref(), y.as_ref())
                    .map(|why| (w.name().to_owned(), why)),
                _ => None,
            })
            .collect()
    }

    fn leave_out(&self, layout: Option<&str>, part: &str) {
        self.left_out.add(layout, part);
    }

    fn explain_disagreement(&self, first: &str, other: &str, why: &str) -> anyhow::Error {
        anyhow::anyhow!(
            "{why} ({other} against {first}); a workload must compute the same output on every \
             layout, so the difference is in the layout or in the workload's use of it"
        )
    }

    fn disagreement_stops(&self) -> bool {
        false
    }

    fn access(&self, layout: &str, reads: u64, _repeat: usize) -> anyhow::Result<(u64, Nanos)> {
        let probe = Access {
            source: self.source,
            records: self.records,
            plan: self.plan,
            reads,
        };
        let out = super::runner::for_layout(layout, probe)
            .ok_or_else(|| anyhow::anyhow!("no layout {layout}"))?;
        Ok(out?)
    }

    fn heap_child(
        &self,
        layout: &str,
        records: Option<u64>,
        profile: Option<PathBuf>,
    ) -> ChildCommand {
        let records = records.unwrap_or(self.records);
        let mut env: Vec<(OsString, OsString)> = vec![
            (CHILD_ENV.into(), "heap".into()),
            (LAYOUT_ENV.into(), layout.into()),
            (RECORDS_ENV.into(), records.to_string().into()),
        ];
        if let Some(profile) = profile {
            env.push((PROFILE_ENV.into(), profile.into()));
        }
        if let Some(plan) = self
            .plan
            .filter(|_| layout == <Proposed<R> as Store<R>>::NAME)
        {
            let json = serde_json::to_string(plan).expect("a plan serializes");
            env.push((PLAN_ENV.into(), json.into()));
        }
        let skip: Vec<&str> = self
            .workloads
            .iter()
            .map(|w| w.name())
            .filter(|w| self.left_out.has(layout, w))
            .collect();
        if !skip.is_empty() {
            env.push((SKIP_ENV.into(), skip.join("\n").into()));
        }
        ChildCommand::new(
            std::env::current_exe().unwrap_or_else(|_| PathBuf::from(self.name)),
            // `--bench`, so that the child is not mistaken for a test run.
            vec!["--bench".into()],
            env,
            children::timeout_for(records * self.workloads.len().max(1) as u64),
        )
    }

    fn heap_figures(
        &self,
        layout: &str,
        stdout: &[u8],
        _timed: Option<&Sample<Outputs>>,
        records: u64,
    ) -> Result<MemorySummary, ChildFailure> {
        let report: ChildReport = serde_json::from_slice(stdout).map_err(ChildFailure::Output)?;
        if report.layout == layout && report.records == records {
            Ok(report.memory)
        } else {
            Err(ChildFailure::Mismatch {
                child: format!("{} with {} records", report.layout, report.records),
                timed: format!("{layout} with {records} records"),
            })
        }
    }

    fn profile_file(&self, dir: &Path, layout: &str) -> PathBuf {
        dir.join(format!("{}-{layout}-{}.json", self.name, self.records))
    }

    fn timing(&self, runs: &[Sample<Outputs>]) -> Timing {
        let stages: Vec<_> = runs.iter().map(|r| r.stages.clone()).collect();
        let outputs = self
            .workloads
            .iter()
            .zip(&runs[0].outcome.0)
            .filter(|(w, _)| runs[0].stages.get(w.name()).is_some())
            .filter_map(|(w, o)| Some((w.name().to_owned(), w.describe(o.as_ref()?.as_ref()))))
            .collect();
        Timing {
            records: runs[0].records,
            kept: None,
            checksum: None,
            outputs,
            best: crate::measure::best_of(&stages),
            runs: stages,
            drop: runs.iter().map(|r| r.drop).min().unwrap_or_default(),
            access_reads: 0,
            access: Nanos(0),
            drops: runs.iter().map(|r| r.drop).collect(),
            accesses: Vec::new(),
            warm: if runs.iter().any(|r| !r.warm.is_empty()) {
                runs.iter().map(|r| r.warm.clone()).collect()
            } else {
                Vec::new()
            },
            extra: Default::default(),
        }
    }

    fn keep(&self, _run: &mut LayoutRun, _outcome: &Outputs) {}
}

/// [`Marks`] that make the heap measurement's phases: building the first store is phase 0
/// (`ingest`), each workload its own phase; rebuilding a store for the next workload, and
/// dropping it, fall between phases.
pub(crate) struct HeapMarks<'a, 'h> {
    pub hooks: &'a mut crate::measure::heap::PhaseHooks<'h>,
    /// The workload running (0-based).
    pub workload: usize,
}

impl Marks for HeapMarks<'_, '_> {
    fn build(&mut self) {
        if self.workload == 0 {
            self.hooks.begin();
        }
    }
    fn built(&mut self) {
        if self.workload == 0 {
            self.hooks.end(0);
        }
    }
    fn work(&mut self) {
        self.hooks.begin();
    }
    fn worked(&mut self) {
        self.hooks.end(self.workload + 1);
    }
    fn drop_start(&mut self) {}
    fn dropped(&mut self) {}
}
