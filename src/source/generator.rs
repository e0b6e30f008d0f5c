//! The built-in workload: deterministic sensor readings from a seed.
//!
//! Sensors cycle through the five units; each sensor's value follows a random walk inside
//! its unit's range, rounded to two decimals like a real instrument, and about 2 % of the
//! readings are out of range, NaN or ±inf so that the filter has work to do. The same
//! `(records, sensors, seed)` always gives the same readings, bit for bit.

use crate::error::{Location, StreamError};
use crate::record::{Reading, Unit};
use crate::source::{Source, Streamed};

/// Writes the generated workload as CSV (header first) to `out`. Values print in Rust's
/// shortest round-trip form, so reading the file back gives the same bits.
pub fn write_csv<W: std::io::Write>(config: &GeneratorConfig, out: W) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    writeln!(out, "{}", crate::source::csv::HEADER.join(","))?;
    Generator::new(config.clone())
        .stream(|r| {
            writeln!(
                out,
                "{},{},{},{}",
                r.sensor_id, r.timestamp, r.value, r.unit
            )
        })
        .map_err(|e| match e {
            StreamError::Input(e) => std::io::Error::other(e),
            StreamError::Sink { error, .. } => error,
        })?;
    out.flush()
}

/// Where generated timestamps start (2023-11-14T22:13:20Z); records are 0.5 s apart.
const EPOCH_START: f64 = 1_700_000_000.0;

/// Most sensors the generator makes (its per-sensor state is 8 bytes each).
pub const MAX_SENSORS: u32 = 1 << 24;

/// The generator's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratorConfig {
    /// How many readings to make.
    pub records: u64,
    /// How many distinct sensors (at least 1).
    pub sensors: u32,
    /// The seed of the random stream.
    pub seed: u64,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            records: 1_000_000,
            sensors: 64,
            seed: 42,
        }
    }
}

/// A stream of generated readings.
///
/// # Examples
///
/// ```
/// use layoutlab::source::{Generator, GeneratorConfig, Source};
/// let config = GeneratorConfig { records: 100, sensors: 4, seed: 7 };
/// let mut ids = Vec::new();
/// Generator::new(config)
///     .stream(|r| { ids.push(r.sensor_id.to_owned()); Ok::<(), std::convert::Infallible>(()) })
///     .unwrap();
/// assert_eq!(ids.len(), 100);
/// assert!(ids.iter().all(|id| id.starts_with('S')));
/// ```
#[derive(Debug)]
pub struct Generator {
    config: GeneratorConfig,
}

impl Generator {
    /// A generator for `config`.
    ///
    /// # Panics
    ///
    /// If `config.sensors` is 0 or above [`MAX_SENSORS`] (the command line rejects both).
    pub fn new(config: GeneratorConfig) -> Self {
        assert!(
            (1..=MAX_SENSORS).contains(&config.sensors),
            "the generator makes 1 to {MAX_SENSORS} sensors, not {}",
            config.sensors
        );
        Generator { config }
    }

    /// The id of sensor `index`: `S` and the zero-padded index, so ids sort in index order.
    pub fn sensor_name(index: u32, sensors: u32) -> String {
        let width = (sensors.saturating_sub(1)).to_string().len().max(3);
        format!("S{index:0width$}")
    }
}

/// Above this many sensors, ids are formatted per record instead of kept in a table.
const NAME_TABLE_LIMIT: u32 = 1 << 16;

impl Source for Generator {
    fn expected_records(&self) -> usize {
        usize::try_from(self.config.records).unwrap_or(usize::MAX)
    }

    fn stream<E, F>(&mut self, mut sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        use std::fmt::Write;

        let GeneratorConfig {
            records,
            sensors,
            seed,
        } = self.config;
        let mut rng = fastrand::Rng::with_seed(seed);
        // 8 bytes of state per sensor (NaN until the sensor's first reading), so the source
        // adds little to the heap that the layouts are measured by.
        let mut levels = vec![f64::NAN; sensors as usize];
        let names: Vec<String> = if sensors <= NAME_TABLE_LIMIT {
            (0..sensors)
                .map(|i| Generator::sensor_name(i, sensors))
                .collect()
        } else {
            Vec::new()
        };
        let width = Generator::sensor_name(0, sensors).len() - 1;
        let mut name_buf = String::new();
        for n in 0..records {
            let index = rng.u32(0..sensors);
            let unit = Unit::ALL[index as usize % Unit::ALL.len()];
            let level = &mut levels[index as usize];
            if level.is_nan() {
                let (lo, hi) = unit.range();
                *level = lo + (hi - lo) * (0.25 + 0.5 * rng.f64());
            }
            let value = step(level, unit, &mut rng);
            let sensor_id = match names.get(index as usize) {
                Some(name) => name.as_str(),
                None => {
                    name_buf.clear();
                    write!(name_buf, "S{index:0width$}").expect("writing to a String cannot fail");
                    name_buf.as_str()
                }
            };
            let reading = Reading {
                sensor_id,
                timestamp: EPOCH_START + n as f64 * 0.5,
                value,
                unit,
            };
            sink(&reading).map_err(|error| StreamError::Sink {
                location: Location::Generated(n),
                error,
            })?;
        }
        Ok(Streamed {
            records,
            sensors: levels.iter().filter(|level| !level.is_nan()).count() as u64,
            skipped: 0,
            first_skipped: None,
        })
    }
}

/// Advances the walk and returns the emitted reading (sometimes an anomaly).
fn step(level: &mut f64, unit: Unit, rng: &mut fastrand::Rng) -> f64 {
    let (lo, hi) = unit.range();
    let span = hi - lo;
    *level += span * 0.02 * (rng.f64() - 0.5);
    // Reflect at the range's ends so the walk stays inside it.
    if *level < lo {
        *level = 2.0 * lo - *level;
    } else if *level > hi {
        *level = 2.0 * hi - *level;
    }
    let roll = rng.f64();
    if roll < 0.004 {
        f64::NAN
    } else if roll < 0.006 {
        f64::INFINITY
    } else if roll < 0.008 {
        f64::NEG_INFINITY
    } else if roll < 0.014 {
        hi + span * (0.01 + rng.f64())
    } else if roll < 0.020 {
        lo - span * (0.01 + rng.f64())
    } else {
        (*level * 100.0).round() / 100.0
    }
}
