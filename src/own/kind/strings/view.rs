//! [`Strs`]: the strings of one record's `Vec<String>` field as a getter returns them,
//! whichever layout holds them.

use std::fmt::{self, Debug};

use crate::intern::Interner;
use crate::own::kind::{ArenaStr, TextBuf, TextSpan};

/// The strings of one record's `Vec<String>` field, as a getter returns them in any layout:
/// `len()`, `get(k)`, `strs[k]`, iteration (`for s in store.tags(i)`), and equality with
/// another `Strs` or a `&[&str]`.
///
/// # Examples
///
/// ```
/// use layoutlab::{Record, Store};
/// use layoutlab::own::Soa;
///
/// #[derive(Record, Clone, Debug, PartialEq)]
/// pub struct Post { pub tags: Vec<String> }
///
/// let post = Post { tags: vec!["a".into(), "bc".into()] };
/// let mut posts = Soa::<Post>::from_records([post]).unwrap();
/// assert_eq!(posts.tags(0).len(), 2);
/// assert_eq!(&posts.tags(0)[1], "bc");
/// assert_eq!(posts.tags(0).iter().map(str::len).sum::<usize>(), 3);
/// posts.set_tags(0, &["x"]);
/// assert_eq!(posts.tags(0), &["x"][..]);
/// ```
#[derive(Clone, Copy)]
pub struct Strs<'a>(pub(super) Repr<'a>);

/// Where the strings are.
#[derive(Clone, Copy)]
pub(super) enum Repr<'a> {
    Owned(&'a [String]),
    Borrowed(&'a [&'a str]),
    Spans(&'a [TextSpan], &'a TextBuf),
    Ids8(&'a [u8], &'a Interner<u8>),
    Ids16(&'a [u16], &'a Interner<u16>),
    Ids32(&'a [u32], &'a Interner<u32>),
    /// Strings in an arena: only the arena layout makes this, borrowing its store for `'a`.
    Arena(&'a [ArenaStr]),
}

impl<'a> Strs<'a> {
    /// How many strings.
    #[inline]
    pub fn len(&self) -> usize {
        match self.0 {
            Repr::Owned(s) => s.len(),
            Repr::Borrowed(s) => s.len(),
            Repr::Spans(s, _) => s.len(),
            Repr::Ids8(s, _) => s.len(),
            Repr::Ids16(s, _) => s.len(),
            Repr::Ids32(s, _) => s.len(),
            Repr::Arena(s) => s.len(),
        }
    }

    /// Whether there is none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `k`, if there are more than `k`.
    #[inline]
    pub fn get(&self, k: usize) -> Option<&'a str> {
        (k < self.len()).then(|| self.at(k))
    }

    #[inline]
    fn at(&self, k: usize) -> &'a str {
        match self.0 {
            Repr::Owned(s) => &s[k],
            Repr::Borrowed(s) => s[k],
            Repr::Spans(s, text) => text.get(s[k]),
            Repr::Ids8(s, t) => t.name(s[k]),
            Repr::Ids16(s, t) => t.name(s[k]),
            Repr::Ids32(s, t) => t.name(s[k]),
            // SAFETY: `Repr::Arena` is made only by the arena layout's `slot_ref`, from the
            // strings of one of its rows, borrowing the store (and so its arena) for `'a`.
            Repr::Arena(s) => unsafe { s[k].get() },
        }
    }

    /// The strings, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let this = *self;
        (0..this.len()).map(move |k| this.at(k))
    }

    /// Owned copies.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl<'a> From<&'a [&'a str]> for Strs<'a> {
    fn from(strs: &'a [&'a str]) -> Self {
        Strs(Repr::Borrowed(strs))
    }
}

impl<'a> IntoIterator for Strs<'a> {
    type Item = &'a str;
    type IntoIter = Box<dyn ExactSizeIterator<Item = &'a str> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::ops::Index<usize> for Strs<'_> {
    type Output = str;
    fn index(&self, k: usize) -> &str {
        assert!(k < self.len(), "string {k} of {}", self.len());
        self.at(k)
    }
}

impl PartialEq for Strs<'_> {
    fn eq(&self, other: &Strs<'_>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl PartialEq<&[&str]> for Strs<'_> {
    fn eq(&self, other: &&[&str]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter().copied())
    }
}

impl Debug for Strs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
