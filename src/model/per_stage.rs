//! [`PerStage`]: one value per stage of a run, the one shape every per-stage figure takes
//! (times, heap per phase, costs), for the built-in pipeline's five stages and for a user's
//! ingest and workloads alike.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Index;

use smallvec::SmallVec;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::pipeline::Stage;

/// One value per stage, in run order, keyed by the stage's name. In JSON it is an object
/// (`{"ingest": …, "filter": …}`), in document order.
///
/// The built-in pipeline's five stages are held inline with their static names: building one
/// allocates nothing, so a heap measurement can build its per-phase figures without adding
/// to what it measured.
///
/// # Examples
///
/// ```
/// use layoutlab::model::PerStage;
/// use layoutlab::pipeline::Stage;
///
/// let times = PerStage::from_stages(|stage| stage as u64);
/// assert_eq!(times[Stage::Rolling], 3);
/// assert_eq!(times.get("filter"), Some(&1));
/// assert_eq!(times.names().collect::<Vec<_>>(), ["ingest", "filter", "normalize", "rolling", "aggregate"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerStage<T> {
    entries: SmallVec<[(Cow<'static, str>, T); 5]>,
}

impl<T> Default for PerStage<T> {
    /// No stage at all (figures that were not taken per stage).
    fn default() -> Self {
        PerStage {
            entries: SmallVec::new(),
        }
    }
}

impl<T> PerStage<T> {
    /// The built-in pipeline's five stages, in order, each with `f(stage)`.
    pub fn from_stages(mut f: impl FnMut(Stage) -> T) -> Self {
        PerStage {
            entries: Stage::ALL
                .iter()
                .map(|&s| (Cow::Borrowed(s.name()), f(s)))
                .collect(),
        }
    }

    /// Named stages in run order, each with `f(index, name)`.
    pub fn from_names<S: AsRef<str>>(names: &[S], mut f: impl FnMut(usize, &str) -> T) -> Self {
        PerStage {
            entries: names
                .iter()
                .enumerate()
                .map(|(i, n)| (Cow::Owned(n.as_ref().to_owned()), f(i, n.as_ref())))
                .collect(),
        }
    }

    /// The value of the stage called `name`.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The stage names, in run order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_ref())
    }

    /// The values, in run order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Mutable values, in run order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// `(name, value)` pairs, in run order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.entries.iter().map(|(n, v)| (n.as_ref(), v))
    }

    /// The same stages with `f` applied to each value.
    pub fn map<U>(&self, mut f: impl FnMut(&str, &T) -> U) -> PerStage<U> {
        PerStage {
            entries: self
                .entries
                .iter()
                .map(|(n, v)| (n.clone(), f(n, v)))
                .collect(),
        }
    }

    /// Takes the stage called `name` out (a user's workload that could not be measured on
    /// this layout), returning its value.
    pub fn remove(&mut self, name: &str) -> Option<T> {
        let at = self.entries.iter().position(|(n, _)| n == name)?;
        Some(self.entries.remove(at).1)
    }

    /// Adds the stage `name` after the others.
    pub fn push(&mut self, name: impl Into<String>, value: T) {
        self.entries.push((Cow::Owned(name.into()), value));
    }

    /// How many stages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no stage.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The built-in pipeline's figures by [`Stage`].
///
/// # Panics
///
/// If the stage is missing: only a `PerStage` of the built-in pipeline may be indexed so.
impl<T> Index<Stage> for PerStage<T> {
    type Output = T;

    fn index(&self, stage: Stage) -> &T {
        self.get(stage.name()).unwrap_or_else(|| {
            panic!(
                "no stage {:?} in {:?}",
                stage.name(),
                self.names().collect::<Vec<_>>()
            )
        })
    }
}

impl<T: Serialize> Serialize for PerStage<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (name, value) in &self.entries {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerStage<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
            type Value = PerStage<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with one entry per stage")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: SmallVec<[(Cow<'static, str>, T); 5]> = SmallVec::new();
                while let Some((name, value)) = map.next_entry::<String, T>()? {
                    if entries.iter().any(|(n, _)| *n == name) {
                        return Err(serde::de::Error::custom(format!(
                            "stage {name:?} appears twice"
                        )));
                    }
                    entries.push((Cow::Owned(name), value));
                }
                Ok(PerStage { entries })
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// The stage-wise minimum of several runs (the best estimate on a quiet machine).
pub(crate) fn best_of(runs: &[PerStage<super::Nanos>]) -> PerStage<super::Nanos> {
    match runs.first() {
        None => PerStage::from_stages(|_| super::Nanos(0)),
        Some(first) => first.map(|name, _| {
            runs.iter()
                .filter_map(|r| r.get(name).copied())
                .min()
                .unwrap_or_default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_an_object_in_run_order() {
        let per = PerStage::from_names(&["ingest", "vwap", "drop_small"], |i, _| i * 10);
        let json = serde_json::to_string(&per).unwrap();
        assert_eq!(json, r#"{"ingest":0,"vwap":10,"drop_small":20}"#);
        let back: PerStage<usize> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, per);
        assert!(serde_json::from_str::<PerStage<u8>>(r#"{"a":1,"a":2}"#).is_err());
    }
}
