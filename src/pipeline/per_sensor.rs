//! The pipeline's per-sensor state: one dense slot per sensor, however the layout names
//! its sensors, so the rolling and aggregate stages index a `Vec` instead of hashing an id
//! per record wherever the layout interns ids.

use crate::hash::FixedMap;
use crate::layouts::{Layout, SensorKey};

/// Per-sensor state of the pipeline, in one `Vec` with a dense slot per sensor, found the
/// way the layout names sensors: an interned id is its own slot; a name is looked up in a
/// hash map and given the next free slot the first time it is seen.
#[derive(Debug)]
pub(super) struct PerSensor<V> {
    pub(super) state: Vec<V>,
    fresh: V,
    /// Slots below this are interned ids.
    interned: usize,
    by_name: FixedMap<Box<str>, usize>,
    /// The text of slot `interned + i`.
    names: Vec<Box<str>>,
}

impl<V: Clone> PerSensor<V> {
    pub(super) fn new<L: Layout>(store: &L, fresh: V) -> Self {
        let interned = store.interned_sensors();
        PerSensor {
            state: vec![fresh.clone(); interned],
            fresh,
            interned,
            by_name: FixedMap::default(),
            names: Vec::new(),
        }
    }

    /// The slot of `key`'s sensor. Called once per record (through [`PerSensor::get`]), so
    /// it is always inlined into the layout's loop, where the interned case is just the id.
    #[inline(always)]
    fn slot(&mut self, key: SensorKey<'_>) -> usize {
        match key {
            SensorKey::Interned(id) => id as usize,
            SensorKey::Name(name) => self.named(name),
        }
    }

    /// The state of `key`'s sensor.
    #[inline(always)]
    pub(super) fn get(&mut self, key: SensorKey<'_>) -> &mut V {
        let slot = self.slot(key);
        &mut self.state[slot]
    }

    /// The slot of the sensor called `name`. Out of line so that [`PerSensor::slot`] stays
    /// small enough to be inlined; a hash lookup per record dwarfs the call.
    #[inline(never)]
    pub(super) fn named(&mut self, name: &str) -> usize {
        // Look up by `&str` first so the common case allocates nothing.
        if let Some(&slot) = self.by_name.get(name) {
            return slot;
        }
        let slot = self.state.len();
        self.state.push(self.fresh.clone());
        self.by_name.insert(name.into(), slot);
        self.names.push(name.into());
        slot
    }

    /// Every sensor's id and state, in slot order.
    pub(super) fn into_named<'a, L: Layout>(
        self,
        store: &'a L,
    ) -> impl Iterator<Item = (String, V)> + 'a
    where
        V: 'a,
    {
        let interned = (0..self.interned).map(|id| store.interned_name(id as u32).to_owned());
        let named = self.names.into_iter().map(String::from);
        interned.chain(named).zip(self.state)
    }
}
