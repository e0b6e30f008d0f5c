//! The rolling stage's state: every sensor's ring of its last `window` values, with the
//! running sum that makes each record's mean O(1) and the exact re-sum that keeps it from
//! drifting.

use std::num::NonZeroUsize;

use super::per_sensor::PerSensor;
use super::DEFAULT_WINDOW;
use crate::layouts::{Layout, SensorKey};

/// Every sensor's last `window` values and their running sum, for the rolling stage.
///
/// The values of all sensors live in one flat buffer, a region per sensor, in one of two
/// arrangements chosen by the window (`GROWS`):
///
/// - Up to [`FIRST_RING`] (the default window, and below), every region is the window's
///   size, at `slot × window`, made when the sensor is first seen. The region's place is
///   then computed from the slot, not loaded, and nothing in the loop can move the buffer:
///   the fastest rolling stage, and no sensor costs more than [`FIRST_RING`] slots.
/// - Above it, a region grows with its sensor's records, never past the window: it starts
///   at [`FIRST_RING`] slots and doubles, moving to the end of the buffer (the old region is
///   left unused). A sensor with `k` records then holds at most `max(FIRST_RING, 2k)` slots,
///   plus less than that again in regions it left behind, whatever the window: memory
///   follows the records, and `--window 18446744073709551615` (the mean of everything so
///   far) costs no more than `--window 17`. The price is a few percent on the rolling stage
///   (the region's place is loaded, and the buffer's, since the loop may move it).
///
/// The sum is updated in O(1) per value (add the new, subtract the evicted) and re-summed
/// exactly from the ring, oldest first, each time the ring wraps, so rounding drift never
/// spans more than one window. Both arrangements perform the same operations in the same
/// order: a region only moves while it fills, before it wraps, and keeps its values in
/// arrival order.
#[derive(Debug)]
pub(super) struct Rings<const GROWS: bool> {
    window: usize,
    /// Per slot, where its ring stands; slots as in [`PerSensor`].
    rings: PerSensor<Ring>,
    /// Every ring's region.
    values: Vec<f64>,
}

/// The largest window whose rings are made whole (see [`Rings`]), and the first size of a
/// growing ring's region: the default window.
pub(super) const FIRST_RING: usize = DEFAULT_WINDOW.get();

/// Where one sensor's ring stands.
#[derive(Debug, Clone, Copy, Default)]
struct Ring {
    /// Where the ring's region starts in [`Rings::values`] (growing rings only).
    start: usize,
    /// The region's slots (growing rings only).
    capacity: usize,
    /// How many of the ring's slots hold values.
    len: usize,
    /// `len` as an `f64`, the divisor of the mean (converted while filling, not per value).
    divisor: f64,
    /// Once full, the slot of the oldest value.
    next: usize,
    sum: f64,
}

impl<const GROWS: bool> Rings<GROWS> {
    pub(super) fn new<L: Layout>(store: &L, window: NonZeroUsize) -> Self {
        let rings = PerSensor::new(store, Ring::default());
        let window = window.get();
        let values = if GROWS {
            Vec::new()
        } else {
            vec![0.0; rings.state.len() * window]
        };
        Rings {
            window,
            rings,
            values,
        }
    }

    /// Adds `value` to `sensor`'s ring and returns the mean of the values now in it.
    ///
    /// Always inlined: it runs once per record, and only merged into the layout's loop do
    /// the rings' fields stay in registers (left to its heuristics, the optimiser inlined it
    /// into some layouts' loops and not others, which then made a call per record).
    #[inline(always)]
    pub(super) fn push(&mut self, sensor: SensorKey<'_>, value: f64) -> f64 {
        let slot = match sensor {
            SensorKey::Interned(id) => id as usize,
            SensorKey::Name(name) => self.named(name),
        };
        let window = self.window;
        let ring = &mut self.rings.state[slot];
        if ring.len < window {
            if GROWS && ring.len == ring.capacity {
                // The buffer goes to `grow` by value: were its address to escape into the
                // call, the loop would reload more of it on every record.
                self.values = grow(ring, std::mem::take(&mut self.values), window);
            }
            let start = if GROWS { ring.start } else { slot * window };
            self.values[start + ring.len] = value;
            ring.len += 1;
            ring.divisor = ring.len as f64;
            ring.sum += value;
        } else {
            let start = if GROWS { ring.start } else { slot * window };
            let values = &mut self.values[start..][..window];
            let evicted = std::mem::replace(&mut values[ring.next], value);
            ring.sum = (ring.sum - evicted) + value;
            ring.next += 1;
            if ring.next == window {
                ring.next = 0;
                ring.sum = values.iter().sum();
            }
        }
        ring.sum / ring.divisor
    }

    /// The slot of the sensor called `name`; whole rings get their region here. Out of
    /// line, like [`PerSensor::named`].
    #[inline(never)]
    fn named(&mut self, name: &str) -> usize {
        let slot = self.rings.named(name);
        if !GROWS {
            self.values
                .resize(self.rings.state.len() * self.window, 0.0);
        }
        slot
    }
}

/// Gives a filling `ring` (`len == capacity < window`) a region twice as large (at most
/// the window, at least [`FIRST_RING`] slots) at the end of `values`, its values copied in
/// order. Out of line: it runs a few times per sensor, not per record.
#[cold]
#[inline(never)]
fn grow(ring: &mut Ring, mut values: Vec<f64>, window: usize) -> Vec<f64> {
    let capacity = (2 * ring.capacity).max(FIRST_RING).min(window);
    let start = values.len();
    values.extend_from_within(ring.start..ring.start + ring.len);
    values.resize(start + capacity, 0.0);
    ring.start = start;
    ring.capacity = capacity;
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layouts::Soa;
    use crate::pipeline::ingest;
    use crate::source::{Generator, GeneratorConfig};

    fn rings<const GROWS: bool>(window: usize) -> Rings<GROWS> {
        Rings::new(&Soa::default(), NonZeroUsize::new(window).unwrap())
    }

    /// Runs `check` on a push of each arrangement of rings of `window`.
    fn for_both(window: usize, check: impl Fn(&mut dyn FnMut(SensorKey<'_>, f64) -> f64)) {
        let mut whole = rings::<false>(window);
        check(&mut |sensor, value| whole.push(sensor, value));
        let mut growing = rings::<true>(window);
        check(&mut |sensor, value| growing.push(sensor, value));
    }

    #[test]
    fn ring_matches_a_naive_window_mean() {
        for window in [3, 40] {
            for_both(window, |push| {
                let values: Vec<f64> = (0..100).map(|i| f64::from(i * i % 17) / 3.0).collect();
                for (i, &v) in values.iter().enumerate() {
                    let from = (i + 1).saturating_sub(window);
                    let slice = &values[from..=i];
                    let naive = slice.iter().sum::<f64>() / slice.len() as f64;
                    let got = push(SensorKey::Name("a"), v);
                    assert!(
                        (got - naive).abs() <= 1e-12 * naive.abs(),
                        "{window} {i}: {got} vs {naive}"
                    );
                }
            });
        }
    }

    #[test]
    fn ring_resums_exactly_on_wrap() {
        for_both(2, |push| {
            let a = SensorKey::Name("a");
            push(a, 1e16);
            push(a, 1.0);
            push(a, 0.0);
            // The running sum lost the 1.0 to rounding against 1e16; the re-sum at the wrap
            // (window now [0.0, 0.0]) gives the exact answer back.
            assert_eq!(push(a, 0.0), 0.0);
        });
    }

    #[test]
    fn rings_keep_sensors_apart() {
        for_both(2, |push| {
            let (a, b) = (SensorKey::Name("a"), SensorKey::Name("b"));
            assert_eq!(push(a, 1.0), 1.0);
            assert_eq!(push(b, 10.0), 10.0);
            assert_eq!(push(a, 3.0), 2.0);
            assert_eq!(push(b, 20.0), 15.0);
            assert_eq!(push(a, 5.0), 4.0);
        });
    }

    /// The rings as they were before they grew: `window` slots per sensor from the start.
    /// Both arrangements must give the same bits.
    struct FixedRings {
        window: usize,
        values: Vec<Vec<f64>>,
        state: Vec<(usize, usize, f64)>,
    }

    impl FixedRings {
        pub(super) fn push(&mut self, sensor: usize, value: f64) -> f64 {
            let window = self.window;
            let values = &mut self.values[sensor];
            let (len, next, sum) = &mut self.state[sensor];
            if *len < window {
                values[*len] = value;
                *len += 1;
                *sum += value;
            } else {
                let evicted = std::mem::replace(&mut values[*next], value);
                *sum = (*sum - evicted) + value;
                *next += 1;
                if *next == window {
                    *next = 0;
                    *sum = values.iter().sum();
                }
            }
            *sum / *len as f64
        }
    }

    #[test]
    fn both_arrangements_give_the_bits_of_fixed_rings() {
        const SENSORS: usize = 7;
        let names: Vec<String> = (0..SENSORS).map(|i| format!("s{i}")).collect();
        for window in [1, 2, 3, 5, 15, 16, 17, 31, 33, 64, 100, 1000] {
            for_both(window, |push| {
                let mut rng = fastrand::Rng::with_seed(window as u64);
                let mut fixed = FixedRings {
                    window,
                    values: vec![vec![0.0; window]; SENSORS],
                    state: vec![(0, 0, 0.0); SENSORS],
                };
                for i in 0..4000 {
                    // Uneven rates, so sensors fill, move and wrap at different times;
                    // values across many magnitudes, so rounding differs with the order of
                    // operations.
                    let sensor = (rng.usize(0..SENSORS * SENSORS) as f64).sqrt() as usize;
                    let value = (rng.f64() - 0.3) * 10f64.powi(rng.i32(-3..12));
                    let got = push(SensorKey::Name(&names[sensor]), value);
                    let want = fixed.push(sensor, value);
                    assert_eq!(got.to_bits(), want.to_bits(), "window {window}, push {i}");
                }
            });
        }
    }

    #[test]
    fn a_huge_window_costs_what_the_records_do() {
        let mut rings = rings::<true>(usize::MAX);
        let names = ["a", "b", "c"];
        let mut sums = [0.0; 3];
        for i in 0..3000u32 {
            let sensor = (i % 7 % 3) as usize;
            let value = f64::from(i).sqrt();
            sums[sensor] += value;
            let count = (0..=i).filter(|j| (j % 7 % 3) as usize == sensor).count();
            let mean = rings.push(SensorKey::Name(names[sensor]), value);
            // The mean of everything so far, summed in arrival order.
            assert_eq!(mean.to_bits(), (sums[sensor] / count as f64).to_bits());
        }
        // The bound of the doc comment: `max(FIRST_RING, 2k)` slots per sensor with `k`
        // records, plus less than that again left behind.
        let bound: usize = (0..3)
            .map(|s| {
                let k = (0..3000).filter(|j| j % 7 % 3 == s).count();
                2 * FIRST_RING.max(2 * k)
            })
            .sum();
        assert!(
            rings.values.len() < bound,
            "{} >= {bound}",
            rings.values.len()
        );
    }

    #[test]
    fn at_the_default_window_the_rings_are_one_allocation_made_up_front() {
        let config = GeneratorConfig {
            records: 5000,
            sensors: 64,
            seed: 3,
        };
        let (store, _) = ingest::<Soa, _>(&mut Generator::new(config)).unwrap();
        let mut rings = Rings::<false>::new(&store, DEFAULT_WINDOW);
        let buffer = rings.values.as_ptr();
        assert_eq!(rings.values.len(), 64 * DEFAULT_WINDOW.get());
        for i in 0..5000u32 {
            rings.push(SensorKey::Interned(i % 64), f64::from(i));
        }
        assert_eq!(rings.values.as_ptr(), buffer);
    }
}
