//! `aosoa` — array of structs of arrays: blocks of 8 records, one array per field per
//! block.
//!
//! A block (the record's generated `<Name>Block`) holds field `x` of 8 consecutive records
//! side by side, then field `y` of the same 8, and so on: a scan of one field reads runs of
//! 8 values (SIMD-friendly, like `soa`), while one record's fields stay within one block
//! (a few cache lines apart, like `aos`), and the whole store is one allocation. Interned
//! strings are ids, as in the other compact layouts; other strings are `String` lanes.

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, FieldVisitor, Kind, Part, Ref, Val, LANES};
use crate::own::{
    record_at, setter_failed, store_impl, take_elem, try_scatter, Record, Row, Store, StoreError,
    TrySink,
};

pub(crate) const NAME: &str = "aosoa";

/// Blocks of [`LANES`] records (the record's generated `<Name>Block`), plus the intern
/// tables. The last block may be partly used; its unused lanes hold blank values.
pub struct Aosoa<R: Record> {
    blocks: Vec<R::Block>,
    tables: R::Tables,
    len: usize,
}

store_impl!(Default for Aosoa { blocks, tables, len });
store_impl!(Debug for Aosoa { blocks, tables, len });

/// Writes one record's fields into lane `lane` of `block`.
struct FillLane<'a, R: Record> {
    block: &'a mut R::Block,
    lane: usize,
    tables: &'a mut R::Tables,
}

impl<R: Record> TrySink<R> for FillLane<'_, R> {
    #[inline(always)]
    fn try_put<F: Field<R>>(&mut self, value: &mut Val<R, F>) -> Result<(), StoreError> {
        F::lanes_mut(self.block)[self.lane] = take_elem::<R, F>(NAME, value, self.tables)?;
        Ok(())
    }
}

/// Blanks lanes `from..` of a block (dropping the strings they held).
struct BlankLanes<'a, R: Record> {
    block: &'a mut R::Block,
    from: usize,
}

impl<R: Record> FieldVisitor<R> for BlankLanes<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self) {
        for lane in &mut F::lanes_mut(self.block)[self.from..] {
            *lane = F::Kind::blank_elem();
        }
    }
}

/// Moves record `from` to `to` (`to < from`), field by field.
struct MoveRecord<'a, R: Record> {
    blocks: &'a mut [R::Block],
    from: usize,
    to: usize,
}

impl<R: Record> FieldVisitor<R> for MoveRecord<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self) {
        let (from_block, from_lane) = (self.from / LANES, self.from % LANES);
        let (to_block, to_lane) = (self.to / LANES, self.to % LANES);
        if from_block == to_block {
            let lanes = F::lanes_mut(&mut self.blocks[from_block]);
            let (low, high) = lanes.split_at_mut(from_lane);
            F::Kind::move_elem(&mut high[0], &mut low[to_lane]);
        } else {
            let (low, high) = self.blocks.split_at_mut(from_block);
            let src = &mut F::lanes_mut(&mut high[0])[from_lane];
            F::Kind::move_elem(src, &mut F::lanes_mut(&mut low[to_block])[to_lane]);
        }
    }
}

/// Where a record is: its block, its lane, and the tables its ids point into.
#[doc(hidden)]
pub type At<'a, R> = (&'a <R as Record>::Block, usize, &'a <R as Record>::Tables);

impl<R: Record> Store<R> for Aosoa<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str =
        "blocks of 8 records, one array per field per block, interned strings as ids";

    fn with_capacity(records: usize) -> Self {
        Aosoa {
            blocks: Vec::with_capacity(records.div_ceil(LANES)),
            ..Aosoa::default()
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let lane = self.len % LANES;
        if lane == 0 {
            self.blocks.push(R::Block::default());
        }
        let block = self
            .blocks
            .last_mut()
            .expect("a block was pushed for lane 0");
        let mut fill = FillLane {
            block,
            lane,
            tables: &mut self.tables,
        };
        if let Err(error) = try_scatter(record, &mut fill) {
            if lane == 0 {
                self.blocks.pop();
            } else if let Some(block) = self.blocks.last_mut() {
                R::each_field(&mut BlankLanes::<R> { block, from: lane });
            }
            return Err(error);
        }
        self.len += 1;
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        let mut kept = 0;
        for index in 0..self.len {
            if keep(&Row::new(self.__at(index))) {
                if kept != index {
                    R::each_field(&mut MoveRecord::<R> {
                        blocks: &mut self.blocks,
                        from: index,
                        to: kept,
                    });
                }
                kept += 1;
            }
        }
        self.blocks.truncate(kept.div_ceil(LANES));
        if kept % LANES != 0 {
            if let Some(block) = self.blocks.last_mut() {
                R::each_field(&mut BlankLanes::<R> {
                    block,
                    from: kept % LANES,
                });
            }
        }
        self.len = kept;
    }

    fn types() -> Vec<TypeInfo> {
        vec![R::part_info(Part::Block)]
    }

    type At<'a> = At<'a, R>;

    #[inline(always)]
    fn __at(&self, index: usize) -> At<'_, R> {
        assert!(
            index < self.len,
            "index {index} out of {} records",
            self.len
        );
        (&self.blocks[index / LANES], index % LANES, &self.tables)
    }

    #[inline(always)]
    fn __read_at<'a, F: Field<R>>((block, lane, tables): At<'a, R>) -> Ref<'a, R, F>
    where
        Self: 'a,
    {
        F::Kind::elem_ref(&F::lanes(block)[lane], F::table(tables))
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        assert!(
            index < self.len,
            "index {index} out of {} records",
            self.len
        );
        let elem = &mut F::lanes_mut(&mut self.blocks[index / LANES])[index % LANES];
        if let Err(full) = F::Kind::assign_elem(elem, value, F::table_mut(&mut self.tables)) {
            setter_failed(StoreError::intern::<R, F>(NAME, full));
        }
    }
}
