//! The report over size: crossovers, noise and cache steps from doctored sweeps.

use super::*;

/// The fixture with a doctored sweep: `compact` and `boxy` at five sizes, nine rounds each,
/// `aggregate` costing `ns(layout, records, round)` per record, and `slow_map` always five
/// times `boxy` (a third layout in every ranking, never a leader).
fn swept(ns: impl Fn(&str, u64, u64) -> f64) -> Results {
    let ns = |l: &str, n, r| match l {
        "slow_map" => 5.0 * ns("boxy", n, r),
        _ => ns(l, n, r),
    };
    let mut data = fixture();
    data.scaling = ["compact", "boxy", "slow_map"]
        .iter()
        .flat_map(|&l| {
            [1_000u64, 10_000, 100_000, 1_000_000, 10_000_000].map(|n| {
                let runs: Vec<PerStage<Nanos>> = (0..9u64)
                    .map(|round| {
                        let agg = (ns(l, n, round) * n as f64) as u64;
                        times(n * 20, n, n, n, agg)
                    })
                    .collect();
                let best = crate::measure::best_of(&runs);
                ScalePoint {
                    layout: l.to_owned(),
                    records: n,
                    pipeline: Some(Nanos(best.values().skip(1).map(|t| t.0).sum())),
                    ingest: Some(best[Stage::Ingest]),
                    peak_bytes: Some(Bytes(n * if l == "compact" { 35 } else { 120 })),
                    runs,
                }
            })
        })
        .collect();
    data
}

/// Round-to-round noise of ±1 %, the same for every layout in a round (as on a machine
/// whose load drifts).
fn noise(round: u64) -> f64 {
    1.0 + (round as f64 - 4.0) * 0.0025
}

#[test]
fn the_guide_states_the_crossover_the_figures_show_and_follows_them() {
    // `compact` leads `aggregate` up to `flip` records, `boxy` beyond.
    let flipping_at = |flip: u64| {
        swept(move |l, n, r| {
            let base = match (l, n <= flip) {
                ("compact", true) => 1.0,
                ("compact", false) => 3.0,
                (_, true) => 2.0,
                (_, false) => 1.5,
            };
            base * noise(r)
        })
    };
    let md = markdown(&flipping_at(100_000));
    let sentence = "Below about 320 000 records `compact` leads `aggregate`; above, `boxy` \
                    (measured at 100 000 and 1 000 000 records)";
    assert!(md.contains(sentence), "{md}");
    assert!(md.contains("### As the data grows"));
    assert!(md.contains("## Where the lead flips"));

    // Move the flip one size down: the sentence moves with it.
    let md = markdown(&flipping_at(10_000));
    assert!(!md.contains(sentence));
    assert!(md.contains(
        "Below about 32 000 records `compact` leads `aggregate`; above, `boxy` (measured at \
         10 000 and 100 000 records)"
    ));

    // No flip at all: the guide says the ranking does not change.
    let data = swept(|l, _, r| if l == "compact" { 1.0 } else { 2.0 } * noise(r));
    no_crossover(
        &data,
        "`compact` leads `aggregate` wherever a lead is clear (5 of 5 sizes, from 1 000 to \
         10 000 000 records); no crossover",
    );
}

/// The report of `data` names no crossover, and says `sentence` instead.
fn no_crossover(data: &Results, sentence: &str) {
    let md = markdown(data);
    assert!(!md.contains("leads `aggregate`; above"), "{md}");
    assert!(md.contains(sentence), "{md}");
}

#[test]
fn a_lead_within_the_noise_is_never_called_a_crossover() {
    // The two alternate leads by 0.5 % with noise of ±1 % that differs between them: no
    // size has a clear leader, so nothing crosses over.
    let data = swept(|l, n, r| {
        let jitter = if (r + n.ilog10() as u64 + u64::from(l == "boxy")) % 2 == 0 {
            1.01
        } else {
            0.99
        };
        let lead = if (n.ilog10() % 2 == 0) == (l == "compact") {
            1.0
        } else {
            1.005
        };
        lead * jitter
    });
    no_crossover(&data, "No layout leads `aggregate` clearly at any size");
}

#[test]
fn a_leader_among_too_few_is_no_crossover() {
    // `boxy` and `slow_map` are the only layouts at the largest size, where `boxy` leads:
    // that decides nothing against `compact`, which led everywhere below.
    let mut data = swept(|l, _, r| if l == "compact" { 1.0 } else { 2.0 } * noise(r));
    data.scaling
        .retain(|p| !(p.layout == "compact" && p.records == 10_000_000));
    no_crossover(
        &data,
        "`compact` leads `aggregate` wherever a lead is clear (4 of 5 sizes, from 1 000 to \
         1 000 000 records); no crossover",
    );
}

#[test]
fn a_step_at_a_cache_boundary_is_named() {
    // `compact`'s data (35 B/record) passes the 2 MiB L2 between 10 000 and 100 000 records:
    // its time per record triples there.
    let data = swept(|l, n, r| {
        let base = if l == "compact" && n >= 100_000 {
            3.0
        } else {
            1.0
        };
        base * noise(r)
    });
    let md = markdown(&data);
    assert!(
        md.contains("`compact` steps up") && md.contains("outgrows the L2 (2.0 MiB)"),
        "{md}"
    );
    assert!(md.contains("`boxy` is flat"), "{md}");
}

#[test]
fn a_lead_that_a_larger_size_does_not_confirm_says_how_far_it_held() {
    // `boxy` takes the lead above 100 000 records, but is not measured at 10 000 000, where
    // `compact` leads a field of three: the crossover stands (it was raced), and its
    // sentence says the new lead held up to 1 000 000 records, not beyond.
    let mut data = swept(|l, n, r| {
        let base = match (l, n <= 100_000) {
            ("compact", true) => 1.0,
            ("compact", false) => 3.0,
            (_, true) => 2.0,
            (_, false) => 1.5,
        };
        base * noise(r)
    });
    let extra: Vec<ScalePoint> = data
        .scaling
        .iter()
        .filter(|p| p.layout == "slow_map" && p.records == 10_000_000)
        .map(|p| ScalePoint {
            layout: "other_map".to_owned(),
            ..p.clone()
        })
        .collect();
    data.scaling.extend(extra);
    data.scaling
        .retain(|p| !(p.layout == "boxy" && p.records == 10_000_000));
    let md = markdown(&data);
    assert!(
        md.contains(
            "Below about 320 000 records `compact` leads `aggregate`; above, `boxy` (measured \
             at 100 000 and 1 000 000 records; its lead is clear up to 1 000 000 records, not \
             beyond)"
        ),
        "{md}"
    );
}

#[test]
fn a_sweep_of_too_few_sizes_says_so_in_the_terminal_and_the_report() {
    let mut data = swept(|_, _, r| noise(r));
    data.scaling.retain(|p| p.records == 1_000);
    data.sweep = Some(crate::model::SweepSection {
        target_bytes: Bytes(1 << 30),
        layouts: Vec::new(),
        estimated_seconds: 1.0,
        elapsed_seconds: 1.0,
    });
    let why = "the sweep measured 1 size (1 000 records); where a lead flips needs 3 or more";
    let terminal = crate::report::terminal::compare(&data);
    assert!(
        terminal.contains(&format!("as the data grows: {why}")),
        "{terminal}"
    );
    assert!(
        !terminal.contains("as the data grows (the report has"),
        "{terminal}"
    );
    let md = markdown(&data);
    assert!(md.contains(&format!("Not measured: {why}")), "{md}");

    // Without --sweep, nothing is said.
    data.sweep = None;
    assert!(!crate::report::terminal::compare(&data).contains("as the data grows"));
    assert!(!markdown(&data).contains("Where the lead flips"));
}
