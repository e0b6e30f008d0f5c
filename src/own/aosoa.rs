//! `aosoa` — array of structs of arrays: blocks of 8 records, one array per field per
//! block.
//!
//! A block (the record's generated `<Name>Block`) holds field `x` of 8 consecutive records
//! side by side, then field `y` of the same 8, and so on: a scan of one field reads runs of
//! 8 values (SIMD-friendly, like `soa`), while one record's fields stay within one block
//! (a few cache lines apart, like `aos`), and the whole store is one allocation. Interned
//! strings are ids, as in the other compact layouts; other strings are `String` lanes; an
//! `Option` adds a validity byte per block (a bit per lane; padded to the alignment of its
//! values, so 8 bytes a block beside 8-byte values); a list's lanes are spans into one
//! values buffer per field.

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Leaf, LeafSink, LeafVisitor, Part, Ref, Val, LANES};
use crate::own::{record_at, setter_failed, store_impl, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "aosoa";

/// Blocks of [`LANES`] records (the record's generated `<Name>Block`), plus the side
/// tables. The last block may be partly used; its unused lanes hold blank values.
pub struct Aosoa<R: Record> {
    blocks: Vec<R::Block>,
    tables: R::Tables,
    len: usize,
}

store_impl!(Default for Aosoa { blocks, tables, len });
store_impl!(Debug for Aosoa { blocks, tables, len });

/// Writes one record's leaves into lane `lane` of `block`, stopping at the first that
/// cannot be stored.
struct FillLane<'a, R: Record> {
    block: &'a mut R::Block,
    lane: usize,
    tables: &'a mut R::Tables,
    failed: Option<StoreError>,
}

impl<R: Record> LeafSink<R> for FillLane<'_, R> {
    #[inline(always)]
    fn put<F: Field<R>>(&mut self, value: Val<R, F>)
    where
        F::Kind: Leaf,
    {
        if self.failed.is_none() {
            let lanes = F::lanes_mut(self.block);
            if let Err(overflow) =
                F::Kind::lane_put(lanes, self.lane, value, F::table_mut(self.tables))
            {
                self.failed = Some(StoreError::new::<R, F>(NAME, overflow));
            }
        }
    }
}

/// Blanks lanes `from..` of a block (dropping what they held).
struct BlankLanes<'a, R: Record> {
    block: &'a mut R::Block,
    from: usize,
}

impl<R: Record> LeafVisitor<R> for BlankLanes<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        F::Kind::lane_clear(F::lanes_mut(self.block), self.from);
    }
}

/// Record `index` is dropped: the buffer space of its values is dead.
struct Release<'a, R: Record> {
    block: &'a R::Block,
    lane: usize,
    tables: &'a mut R::Tables,
}

impl<R: Record> LeafVisitor<R> for Release<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        F::Kind::lane_release(F::lanes(self.block), self.lane, F::table_mut(self.tables));
    }
}

/// Moves record `from` to `to` (`to < from`), leaf by leaf.
struct MoveRecord<'a, R: Record> {
    blocks: &'a mut [R::Block],
    from: usize,
    to: usize,
}

impl<R: Record> LeafVisitor<R> for MoveRecord<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        let (from_block, from_lane) = (self.from / LANES, self.from % LANES);
        let (to_block, to_lane) = (self.to / LANES, self.to % LANES);
        if from_block == to_block {
            F::Kind::lane_move(
                F::lanes_mut(&mut self.blocks[from_block]),
                from_lane,
                to_lane,
            );
        } else {
            let (low, high) = self.blocks.split_at_mut(from_block);
            let src = F::lanes_mut(&mut high[0]);
            F::Kind::lane_move_to(src, from_lane, F::lanes_mut(&mut low[to_block]), to_lane);
        }
    }
}

/// Moves the live part of every buffer that is more than half dead into a fresh one.
struct Compact<'a, R: Record> {
    blocks: &'a mut [R::Block],
    tables: &'a mut R::Tables,
    len: usize,
}

impl<R: Record> LeafVisitor<R> for Compact<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        let table = F::table_mut(self.tables);
        if F::Kind::compact_due(table) {
            let old = F::Kind::compact_begin(table);
            for index in 0..self.len {
                let lanes = F::lanes_mut(&mut self.blocks[index / LANES]);
                F::Kind::lane_compact(lanes, index % LANES, &old, table);
            }
        }
    }
}

impl<R: Record> Aosoa<R> {
    fn compact(&mut self) {
        R::each_leaf(&mut Compact::<R> {
            blocks: &mut self.blocks,
            tables: &mut self.tables,
            len: self.len,
        });
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
        let mut fill = FillLane::<R> {
            block,
            lane,
            tables: &mut self.tables,
            failed: None,
        };
        record.scatter_leaves(&mut fill);
        if let Some(error) = fill.failed {
            if lane == 0 {
                self.blocks.pop();
            } else if let Some(block) = self.blocks.last_mut() {
                R::each_leaf(&mut BlankLanes::<R> { block, from: lane });
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
                    R::each_leaf(&mut MoveRecord::<R> {
                        blocks: &mut self.blocks,
                        from: index,
                        to: kept,
                    });
                }
                kept += 1;
            } else {
                R::each_leaf(&mut Release::<R> {
                    block: &self.blocks[index / LANES],
                    lane: index % LANES,
                    tables: &mut self.tables,
                });
            }
        }
        self.blocks.truncate(kept.div_ceil(LANES));
        if kept % LANES != 0 {
            if let Some(block) = self.blocks.last_mut() {
                R::each_leaf(&mut BlankLanes::<R> {
                    block,
                    from: kept % LANES,
                });
            }
        }
        self.len = kept;
        self.compact();
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
        F::Kind::lane_get(F::lanes(block), lane, F::table(tables))
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        assert!(
            index < self.len,
            "index {index} out of {} records",
            self.len
        );
        let lanes = F::lanes_mut(&mut self.blocks[index / LANES]);
        let table = F::table_mut(&mut self.tables);
        if let Err(overflow) = F::Kind::lane_set(lanes, index % LANES, value, table) {
            setter_failed(StoreError::new::<R, F>(NAME, overflow));
        }
        self.compact();
    }
}
