//! Type layout facts — pahole for Rust: size, alignment, field offsets and padding.
//!
//! Each layout lists its in-memory types through [`Layout::types`](crate::layouts::Layout::types),
//! built with the [`type_info!`](crate::type_info) macro, which reads real offsets with
//! `memoffset::span_of!` (never hand-written numbers), so the figures follow the compiler.

use serde::{Deserialize, Serialize};

/// A cache line on the x86-64 and aarch64 machines layoutlab targets.
pub const CACHE_LINE: usize = 64;

/// One field of a type: where it starts, how big it is and the padding behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldInfo {
    /// The field's name.
    pub name: String,
    /// Byte offset from the start of the type.
    pub offset: usize,
    /// Size in bytes.
    pub size: usize,
    /// Bytes of padding between this field's end and the next field (or the type's end).
    pub padding_after: usize,
}

/// The memory layout of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeInfo {
    /// The type's name (as written in the source).
    pub name: String,
    /// `size_of`, in bytes.
    pub size: usize,
    /// `align_of`, in bytes.
    pub align: usize,
    /// The fields in memory order.
    pub fields: Vec<FieldInfo>,
    /// True when the "fields" are separate arrays (a struct of arrays' columns), listed end
    /// to end to show what one record costs across them; cache-line figures are then per
    /// column.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub columns: bool,
    /// For a type whose field order is the one in memory (`#[repr(C)]`, packed), the order
    /// that would remove its padding, when there is padding to remove. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested: Option<SuggestedOrder>,
}

/// A field order with less padding than a type's current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedOrder {
    /// The fields, in the suggested order (largest alignment first).
    pub fields: Vec<String>,
    /// The type's size in that order, in bytes.
    pub size: usize,
}

/// One field as the compiler laid it out, for [`TypeInfo::from_fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldLayout<'a> {
    /// The field's name (with its type, if the report should show it).
    pub name: &'a str,
    /// `offset_of!` the field.
    pub offset: usize,
    /// `size_of` its type.
    pub size: usize,
    /// `align_of` its type (its natural alignment, even inside a packed struct).
    pub align: usize,
}

impl TypeInfo {
    /// Builds the description from field spans `(name, start..end)` in any order;
    /// the fields are sorted by offset and the padding after each is computed.
    pub fn from_spans<N: AsRef<str>>(
        name: &str,
        size: usize,
        align: usize,
        mut spans: Vec<(N, std::ops::Range<usize>)>,
    ) -> TypeInfo {
        spans.sort_by_key(|(_, span)| (span.start, span.end));
        let fields = spans
            .iter()
            .enumerate()
            .map(|(i, (field, span))| {
                let next = spans.get(i + 1).map_or(size, |(_, s)| s.start);
                FieldInfo {
                    name: field.as_ref().to_owned(),
                    offset: span.start,
                    size: span.len(),
                    padding_after: next.saturating_sub(span.end),
                }
            })
            .collect();
        TypeInfo {
            name: name.to_owned(),
            size,
            align,
            fields,
            columns: false,
            suggested: None,
        }
    }

    /// Describes a type from its fields' real offsets, sizes and alignments (from
    /// `core::mem::offset_of!`, `size_of` and `align_of`; `#[derive(Record)]` generates the
    /// call). When `ordered` (the type is `#[repr(C)]` or packed, so its field order is the
    /// declared one), also works out the order that would remove its padding: fields by
    /// decreasing alignment, laid out with their natural alignment.
    ///
    /// # Examples
    ///
    /// ```
    /// use layoutlab::inspect::{FieldLayout, TypeInfo};
    ///
    /// #[repr(C)]
    /// struct Bad { a: u8, b: u64, c: u8 }
    /// let field = |name, offset, size, align| FieldLayout { name, offset, size, align };
    /// let info = TypeInfo::from_fields(
    ///     "Bad",
    ///     std::mem::size_of::<Bad>(),
    ///     std::mem::align_of::<Bad>(),
    ///     &[
    ///         field("a", std::mem::offset_of!(Bad, a), 1, 1),
    ///         field("b", std::mem::offset_of!(Bad, b), 8, 8),
    ///         field("c", std::mem::offset_of!(Bad, c), 1, 1),
    ///     ],
    ///     true,
    /// );
    /// assert_eq!(info.size, 24);
    /// assert_eq!(info.padding(), 14);
    /// let better = info.suggested.unwrap();
    /// assert_eq!(better.fields, ["b", "a", "c"]);
    /// assert_eq!(better.size, 16);
    /// ```
    pub fn from_fields(
        name: &str,
        size: usize,
        align: usize,
        fields: &[FieldLayout<'_>],
        ordered: bool,
    ) -> TypeInfo {
        let spans = fields
            .iter()
            .map(|f| (f.name, f.offset..f.offset + f.size))
            .collect();
        let mut info = TypeInfo::from_spans(name, size, align, spans);
        if ordered {
            info.suggested = suggest_order(fields, size);
        }
        info
    }

    /// Describes the columns of a struct of arrays: `(name, element size)` in order. The
    /// result's size is what one record costs across all columns.
    pub fn columns<N: AsRef<str>>(name: &str, columns: &[(N, usize)]) -> TypeInfo {
        let mut offset = 0;
        let spans = columns
            .iter()
            .map(|(column, size)| {
                let span = offset..offset + size;
                offset += size;
                (column.as_ref(), span)
            })
            .collect();
        let mut info = TypeInfo::from_spans(name, offset, 1, spans);
        info.name = name.to_owned();
        info.columns = true;
        info
    }

    /// Padding bytes in the type: size minus the sum of its fields' sizes.
    pub fn padding(&self) -> usize {
        let leading = self.fields.first().map_or(0, |f| f.offset);
        leading + self.fields.iter().map(|f| f.padding_after).sum::<usize>()
    }

    /// How many records of this type share one cache line, on average, in an array.
    pub fn per_cache_line(&self) -> f64 {
        if self.size == 0 {
            0.0
        } else {
            CACHE_LINE as f64 / self.size as f64
        }
    }

    /// Fields that straddle a cache-line boundary for at least one element of an array of
    /// this type that starts on a cache line. Returns each such field's name once.
    pub fn straddling_fields(&self) -> Vec<&str> {
        if self.size == 0 || self.columns {
            return Vec::new();
        }
        // The pattern of element start offsets modulo 64 repeats after lcm(size, 64) bytes.
        let period = lcm(self.size, CACHE_LINE) / self.size;
        self.fields
            .iter()
            .filter(|f| {
                f.size > 0
                    && (0..period).any(|k| {
                        let start = k * self.size + f.offset;
                        start / CACHE_LINE != (start + f.size - 1) / CACHE_LINE
                    })
            })
            .map(|f| f.name.as_str())
            .collect()
    }
}

/// The order by decreasing alignment (stable, so equal alignments keep their order) and the
/// size it gives with natural alignment, if smaller than `size`.
fn suggest_order(fields: &[FieldLayout<'_>], size: usize) -> Option<SuggestedOrder> {
    let mut sorted: Vec<&FieldLayout<'_>> = fields.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.align));
    let align = sorted.iter().map(|f| f.align).max().unwrap_or(1);
    let mut end: usize = 0;
    for f in &sorted {
        end = end.next_multiple_of(f.align) + f.size;
    }
    let new_size = end.next_multiple_of(align);
    (new_size < size).then(|| SuggestedOrder {
        fields: sorted.iter().map(|f| f.name.to_owned()).collect(),
        size: new_size,
    })
}

fn lcm(a: usize, b: usize) -> usize {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    a / gcd(a, b) * b
}

#[doc(hidden)]
pub use memoffset as __memoffset;

/// Describes a struct's layout from its real field spans.
///
/// # Examples
///
/// ```
/// #[repr(C)]
/// struct Pair { a: u8, b: u32 }
/// let info = layoutlab::type_info!(Pair { a, b });
/// assert_eq!(info.size, 8);
/// assert_eq!(info.fields[0].padding_after, 3);
/// assert_eq!(info.padding(), 3);
/// ```
#[macro_export]
macro_rules! type_info {
    ($ty:path { $($field:ident),* $(,)? }) => {
        $crate::inspect::TypeInfo::from_spans(
            stringify!($ty),
            ::core::mem::size_of::<$ty>(),
            ::core::mem::align_of::<$ty>(),
            vec![$((stringify!($field), $crate::inspect::__memoffset::span_of!($ty, $field))),*],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(C)]
    struct Padded {
        a: u8,
        b: u64,
        c: u16,
    }

    #[test]
    fn padding_and_straddling_follow_the_compiler() {
        let info = crate::type_info!(Padded { a, b, c });
        assert_eq!(info.size, 24);
        assert_eq!(info.align, 8);
        let pads: Vec<_> = info.fields.iter().map(|f| f.padding_after).collect();
        assert_eq!(pads, [7, 0, 6]);
        assert_eq!(info.padding(), 13);
        // 24-byte elements: element 2 starts at 48, its `b` spans 56..64 (fits); element 5
        // starts at 120, `b` at 128 (fits); none straddles since every field is aligned.
        assert!(info.straddling_fields().is_empty());
    }

    #[test]
    fn unaligned_fields_straddle() {
        let info = TypeInfo::from_spans("T", 35, 1, vec![("x", 0..2), ("y", 2..10), ("z", 10..35)]);
        assert_eq!(info.padding(), 0);
        assert!(info.straddling_fields().contains(&"y"));
    }
}
