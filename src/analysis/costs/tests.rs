//! The rule of [`super`] on doctored figures: changing the counts changes the cause named
//! and the sentences.

use super::*;
use crate::model::costs::Events;

/// One side with doctored figures per record: every instruction touches memory half
/// the time, every miss is a data read.
fn side(layout: &str, ns: f64, instructions: f64, d1: f64, ll: f64) -> Side<'_> {
    let parts = Parts {
        instructions: instructions * 1.5,
        d1_misses: 4.0 * d1,
        ll_misses: 30.0 * ll,
    };
    Side {
        layout,
        runtime_schema: false,
        ns,
        counts: CostsPerRecord {
            instructions,
            d1_misses: d1,
            ll_misses: ll,
            est_cycles: parts.total(),
        },
        parts,
    }
}

fn gap<'a>(fast: Side<'a>, slow: Side<'a>) -> Gap<'a> {
    Gap {
        stage: "aggregate",
        paired: Interval::exact(slow.ns / fast.ns),
        fast,
        slow,
        fixed_schema: false,
    }
}

fn causes(g: &Gap<'_>) -> Vec<Cause> {
    match g.verdict() {
        Verdict::Explained { causes, .. } => causes.into_iter().map(|(c, _)| c).collect(),
        other => panic!("expected an explanation, got {other:?}"),
    }
}

#[test]
fn parts_add_up_to_the_models_cycles() {
    // `boxed`'s aggregate at 20 000 records (host caches), every event non-zero.
    let events = Events {
        ir: 5_340_112,
        dr: 1_610_027,
        dw: 20_011,
        i1mr: 12,
        d1mr: 56_600,
        d1mw: 7,
        ilmr: 12,
        dlmr: 13_800,
        dlmw: 3,
    };
    let span = StageCosts::new(events, 20_000);
    let costs = Costs {
        stages: crate::model::PerStage::from_stages(|_| span),
        between_stages: span,
        drop: span,
        whole_run: span,
        caches: SimulatedCaches::TYPICAL,
        records: 20_000,
    };
    let parts = Parts::of(&costs, &span);
    assert!((parts.total() - span.per_record.est_cycles).abs() < 1e-9);
    assert!((parts.ll_misses - 30.0 * (13_800.0 + 3.0) / 20_000.0).abs() < 1e-9);
    assert!((parts.d1_misses - 4.0 * (56_600.0 + 7.0) / 20_000.0).abs() < 1e-9);
    // A file that did not keep `records` divides by what its per-record figures show.
    let old = Costs {
        records: 0,
        ..costs
    };
    assert!((Parts::of(&old, &span).total() - parts.total()).abs() < 1e-9);
}

#[test]
fn fewer_instructions_explain_a_gap_of_as_many_misses() {
    let g = gap(
        side("soa", 2.0, 20.0, 0.42, 0.001),
        side("boxed", 12.2, 190.0, 2.86, 0.001),
    );
    assert_eq!(causes(&g), [Cause::Instructions]);
    let s = g.sentence();
    assert!(
        s.starts_with("`soa` runs `aggregate` 6.1× faster than `boxed` (2.00 vs 12.2 ns"),
        "{s}"
    );
    assert!(
        s.contains("executes 9.5× fewer instructions (20.0 vs 190 per record)"),
        "{s}"
    );
    assert!(
        s.contains("misses D1 6.8× less often (0.420 vs 2.86 per record)"),
        "{s}"
    );
    assert!(
        s.contains("misses LL about as often (0.00100 vs 0.00100 per record)"),
        "{s}"
    );
    // 255 of the 265 cycles saved are instructions, 10 are D1 misses (under a fifth).
    assert!(
        s.contains(
            "it saves (31.7 vs 296), fewer instructions account for 96 % (the \
                    model's ratio: 9.3×)"
        ),
        "{s}"
    );
    assert_eq!(
        g.short().unwrap(),
        "`soa` runs `aggregate` 6.1× faster than `boxed`, by fewer instructions (9.5× fewer)"
    );
}

#[test]
fn changing_the_counts_changes_the_cause() {
    // The same times; now the slow layout executes as many instructions but misses LL
    // three times per record.
    let g = gap(
        side("soa", 2.0, 20.0, 0.42, 0.001),
        side("boxed", 12.2, 21.0, 3.5, 3.0),
    );
    assert_eq!(causes(&g), [Cause::LlMisses]);
    let s = g.sentence();
    assert!(s.contains("executes about as many instructions"), "{s}");
    assert!(
        s.contains("misses D1 8.3× less often (0.420 vs 3.50 per record)"),
        "{s}"
    );
    assert!(
        s.contains("almost never misses LL (0.00100 vs 3.00 per record)"),
        "{s}"
    );
    assert!(s.contains("fewer LL misses account for 8"), "{s}");
    assert!(!s.contains("fewer instructions account"), "{s}");

    // Misses of the first level only, many of them: D1 leads, LL is not named.
    let g = gap(
        side("soa", 2.0, 20.0, 0.42, 0.0),
        side("boxed", 12.2, 24.0, 30.0, 0.0),
    );
    assert_eq!(causes(&g), [Cause::D1Misses]);
    let s = g.sentence();
    assert!(!s.contains("LL"), "neither misses LL: {s}");

    // Both matter: each saving at least a fifth is named, the larger first.
    let g = gap(
        side("soa", 2.0, 20.0, 0.4, 0.0),
        side("boxed", 12.2, 60.0, 0.4, 1.0),
    );
    assert_eq!(causes(&g), [Cause::Instructions, Cause::LlMisses]);
    assert!(
        g.sentence()
            .contains("fewer instructions account for 67 % and fewer LL misses 33 %"),
        "{}",
        g.sentence()
    );
}

#[test]
fn a_cost_the_fast_layout_pays_more_of_is_said_to_give_back() {
    // The fast layout runs more instructions but never goes to RAM.
    let g = gap(
        side("soa", 2.0, 60.0, 0.1, 0.0),
        side("boxed", 20.0, 30.0, 1.1, 4.0),
    );
    let s = g.sentence();
    assert!(s.contains("executes 2.0× more instructions"), "{s}");
    assert!(
        s.contains("never misses LL (`boxed`: 4.00 per record)"),
        "{s}"
    );
    assert!(s.contains("fewer LL misses account for"), "{s}");
    assert!(s.contains("while more instructions give back"), "{s}");
}

#[test]
fn a_small_gap_is_level_and_a_gap_the_counts_miss_is_unexplained() {
    let level = gap(
        side("soa", 2.0, 20.0, 0.4, 0.0),
        side("boxed", 2.4, 200.0, 4.0, 1.0),
    );
    assert_eq!(level.verdict(), Verdict::Level);
    assert!(level.sentence().contains("no gap to explain"));
    assert_eq!(level.short(), None);

    // Three times slower with the same counts: not in the counts.
    let noise = gap(
        side("soa", 2.0, 20.0, 0.4, 0.0),
        side("boxed", 6.0, 20.5, 0.4, 0.0),
    );
    assert_eq!(noise.verdict(), Verdict::Unexplained);
    let s = noise.sentence();
    assert!(s.contains("the model puts them within 1.0×"), "{s}");
    assert!(s.contains("no count reaches the measured ratio"), "{s}");

    // The same, but the slow one goes to RAM a tenth of the time: too few cycles in the
    // model to explain the gap, but the count whose ratio reaches it is named.
    let ram = gap(
        side("soa", 2.0, 40.0, 0.4, 0.0),
        side("boxed", 6.0, 40.0, 0.5, 0.1),
    );
    assert_eq!(ram.verdict(), Verdict::Unexplained);
    assert_eq!(ram.reaching(), Some(Cause::LlMisses));
    let s = ram.sentence();
    assert!(
        s.contains("LL misses (none against 0.100 per record) reach the measured ratio"),
        "{s}"
    );
    assert!(
        ram.short().unwrap().ends_with(
            "which the model's cycles do not explain (1.1×); LL misses (none against \
             0.100 per record) may carry the rest"
        ),
        "{}",
        ram.short().unwrap()
    );
}

#[test]
fn the_model_falling_short_is_judged_on_the_paired_interval() {
    let fast = side("soa", 2.0, 20.0, 0.4, 0.0);
    let slow = side("boxed", 20.0, 40.0, 0.4, 0.0);
    let mut g = gap(fast, slow);
    // 10× measured, 2× in the model, rounds agreeing: the model falls short.
    match g.verdict() {
        Verdict::Explained { fit, .. } => assert_eq!(fit, Fit::Short),
        other => panic!("{other:?}"),
    }
    assert!(
        g.sentence()
            .contains("The model's 1.9× falls well short of the measured 10×; no count"),
        "{}",
        g.sentence()
    );
    // Rounds spread from 3× to 30×: the model's 2× is within reach of them.
    g.paired = Interval {
        median: 10.0,
        lower: 3.0,
        upper: 30.0,
        confidence: 0.9,
    };
    match g.verdict() {
        Verdict::Explained { fit, .. } => assert_eq!(fit, Fit::Close),
        other => panic!("{other:?}"),
    }
    // The model far above the measured ratio.
    let g = gap(
        side("soa", 2.0, 20.0, 0.4, 0.0),
        side("boxed", 3.0, 200.0, 0.4, 0.0),
    );
    assert!(
        g.sentence().contains("is well above the measured 1.5×"),
        "{}",
        g.sentence()
    );
}

#[test]
fn a_fixed_schema_comparison_says_so() {
    let mut g = gap(
        side("soa", 2.0, 20.0, 0.4, 0.0),
        side("boxed", 12.0, 190.0, 0.4, 0.0),
    );
    g.fixed_schema = true;
    assert!(g
        .sentence()
        .starts_with("Among layouts with a fixed schema, `soa` runs `aggregate`"));
}
