//! What the pipeline returns: per-sensor statistics and the totals, the figures every
//! layout must give bit for bit.

use serde::{Deserialize, Serialize};

use crate::record::Unit;

/// One sensor's aggregate over its kept records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensorStats {
    /// The sensor id.
    pub sensor_id: String,
    /// The sensor's unit.
    pub unit: Unit,
    /// Kept records of this sensor.
    pub count: u64,
    /// Mean of the values, summed in store order.
    pub mean: f64,
    /// Smallest value (the first one seen, among equals).
    pub min: f64,
    /// Largest value (the first one seen, among equals).
    pub max: f64,
    /// Mean of the normalized values.
    pub mean_normalized: f64,
    /// The rolling average of the sensor's last kept record.
    pub last_rolling_avg: f64,
}

/// The pipeline's result: what must be bit-identical across layouts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregates {
    /// Records that survived the filter.
    pub kept: u64,
    /// Σ(normalized + rolling_avg) over kept records, in store order.
    pub checksum: f64,
    /// One entry per sensor with at least one kept record, sorted by id bytewise.
    pub sensors: Vec<SensorStats>,
}

impl Aggregates {
    /// Whether two results are identical bit for bit (`==` would call `NaN != NaN` and
    /// `0.0 == -0.0`).
    pub fn bit_identical(&self, other: &Aggregates) -> bool {
        let f = |a: f64, b: f64| a.to_bits() == b.to_bits();
        self.kept == other.kept
            && f(self.checksum, other.checksum)
            && self.sensors.len() == other.sensors.len()
            && self.sensors.iter().zip(&other.sensors).all(|(a, b)| {
                a.sensor_id == b.sensor_id
                    && a.unit == b.unit
                    && a.count == b.count
                    && f(a.mean, b.mean)
                    && f(a.min, b.min)
                    && f(a.max, b.max)
                    && f(a.mean_normalized, b.mean_normalized)
                    && f(a.last_rolling_avg, b.last_rolling_avg)
            })
    }
}
