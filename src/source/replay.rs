//! A source that replays readings held in memory: for tests and benches that need the same
//! arbitrary readings fed to every layout. (The generator and the CSV reader are the
//! sources for real runs; they stream and never hold the workload.)

use crate::error::{Location, StreamError};
use crate::record::{Reading, Unit};
use crate::source::{Source, Streamed};

/// An owned reading.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedReading {
    /// A legal sensor id.
    pub sensor_id: String,
    /// Finite seconds since the epoch.
    pub timestamp: f64,
    /// Any f64.
    pub value: f64,
    /// The sensor's unit (the caller keeps one unit per sensor).
    pub unit: Unit,
}

/// Replays a slice of readings, in order.
#[derive(Debug, Clone, Copy)]
pub struct Replay<'a> {
    readings: &'a [OwnedReading],
}

impl<'a> Replay<'a> {
    /// A source over `readings`.
    pub fn new(readings: &'a [OwnedReading]) -> Self {
        Replay { readings }
    }
}

impl Source for Replay<'_> {
    fn expected_records(&self) -> usize {
        self.readings.len()
    }

    fn stream<E, F>(&mut self, mut sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        let mut sensors = crate::hash::FixedSet::default();
        for (n, r) in self.readings.iter().enumerate() {
            sensors.insert(r.sensor_id.as_str());
            let reading = Reading {
                sensor_id: &r.sensor_id,
                timestamp: r.timestamp,
                value: r.value,
                unit: r.unit,
            };
            sink(&reading).map_err(|error| StreamError::Sink {
                location: Location::Generated(n as u64),
                error,
            })?;
        }
        Ok(Streamed {
            records: self.readings.len() as u64,
            sensors: sensors.len() as u64,
            ..Streamed::default()
        })
    }
}
