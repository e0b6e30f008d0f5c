//! Records of several shapes for the own-record tests (3 to 20 fields, every supported
//! field type and option), their generators for proptest, and workloads written once
//! against `Store`.
#![allow(dead_code)]

use layoutlab::{Record, Scalar, Store, Workload};
use proptest::prelude::*;

#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Trade {
    #[record(intern = u16)]
    pub symbol: String,
    pub price: f64,
    pub qty: u32,
    pub side: Side,
    #[record(cold)]
    pub venue: String,
    pub ts: i64,
}

#[derive(Scalar, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
}

/// A log line: few levels and services, free-form messages.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct LogEvent {
    pub at: u64,
    pub level: Level,
    #[record(intern = u8)]
    pub service: String,
    pub message: String,
    #[record(cold)]
    pub trace_id: u128,
}

#[derive(Scalar, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Team {
    Red,
    Blue,
    Green,
}

/// A game entity, `#[repr(C)]` with a field order that wastes padding (inspect suggests a
/// better one).
#[derive(Record, Clone, Debug, PartialEq)]
#[repr(C)]
pub struct Entity {
    pub alive: bool,
    pub id: u64,
    pub x: f32,
    pub team: Team,
    pub vx: f64,
    pub hp: i16,
    pub y: f32,
    pub vy: f64,
}

/// Three fields, no strings: the smallest shape.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
    pub flag: bool,
}

/// Twenty fields: every integer width, both floats, char, bools, interned strings of every
/// width, plain strings, enums, and cold fields.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct KitchenSink {
    pub a_i8: i8,
    pub a_u8: u8,
    pub a_i16: i16,
    pub a_u16: u16,
    pub a_i32: i32,
    #[record(cold)]
    pub a_u32: u32,
    pub a_i64: i64,
    pub a_u64: u64,
    pub a_i128: i128,
    pub a_u128: u128,
    pub a_isize: isize,
    pub a_usize: usize,
    pub a_f32: f32,
    pub a_f64: f64,
    pub a_char: char,
    pub a_bool: bool,
    #[record(intern = u8)]
    pub small: String,
    #[record(intern)]
    pub medium: String,
    #[record(intern = u32, cold)]
    pub large: String,
    #[record(cold)]
    pub text: String,
}

/// Enums of several sizes beside a plain string, one of them cold.
#[derive(Record, Clone, Debug, PartialEq)]
pub struct Tagged {
    pub side: Side,
    pub level: Level,
    #[record(cold)]
    pub team: Team,
    pub note: String,
}

pub fn small_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-c]{1,2}",
        "[A-Za-z0-9 ]{0,12}",
        "\\PC{0,6}",
    ]
}

/// A few distinct values: what interned fields are for.
pub fn few(values: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(values).prop_map(str::to_owned)
}

pub fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}

pub fn level() -> impl Strategy<Value = Level> {
    prop_oneof![
        Just(Level::Trace),
        Just(Level::Debug),
        Just(Level::Info),
        Just(Level::Warn),
        Just(Level::Error)
    ]
}

pub fn team() -> impl Strategy<Value = Team> {
    prop_oneof![Just(Team::Red), Just(Team::Blue), Just(Team::Green)]
}

pub fn trade() -> impl Strategy<Value = Trade> {
    (
        few(&["AAPL", "MSFT", "X", ""]),
        any::<f64>(),
        any::<u32>(),
        side(),
        small_text(),
        any::<i64>(),
    )
        .prop_map(|(symbol, price, qty, side, venue, ts)| Trade {
            symbol,
            price,
            qty,
            side,
            venue,
            ts,
        })
}

pub fn log_event() -> impl Strategy<Value = LogEvent> {
    (
        any::<u64>(),
        level(),
        few(&["api", "db", "auth"]),
        small_text(),
        any::<u128>(),
    )
        .prop_map(|(at, level, service, message, trace_id)| LogEvent {
            at,
            level,
            service,
            message,
            trace_id,
        })
}

pub fn entity() -> impl Strategy<Value = Entity> {
    (
        any::<bool>(),
        any::<f32>(),
        any::<u64>(),
        any::<f32>(),
        team(),
        any::<i16>(),
        any::<f64>(),
        any::<f64>(),
    )
        .prop_map(|(alive, x, id, y, team, hp, vx, vy)| Entity {
            alive,
            x,
            id,
            y,
            team,
            hp,
            vx,
            vy,
        })
}

pub fn point() -> impl Strategy<Value = Point> {
    (any::<i32>(), any::<i32>(), any::<bool>()).prop_map(|(x, y, flag)| Point { x, y, flag })
}

pub fn tagged() -> impl Strategy<Value = Tagged> {
    (side(), level(), team(), small_text()).prop_map(|(side, level, team, note)| Tagged {
        side,
        level,
        team,
        note,
    })
}

pub fn kitchen_sink() -> impl Strategy<Value = KitchenSink> {
    let ints = (
        any::<i8>(),
        any::<u8>(),
        any::<i16>(),
        any::<u16>(),
        any::<i32>(),
        any::<u32>(),
        any::<i64>(),
        any::<u64>(),
        any::<i128>(),
        any::<u128>(),
        any::<isize>(),
        any::<usize>(),
    );
    let rest = (
        any::<f32>(),
        any::<f64>(),
        any::<char>(),
        any::<bool>(),
        few(&["s", "m", "l"]),
        few(&["alpha", "beta", "gamma", "delta"]),
        few(&["x", "yy", ""]),
        small_text(),
    );
    (ints, rest).prop_map(
        |(
            (
                a_i8,
                a_u8,
                a_i16,
                a_u16,
                a_i32,
                a_u32,
                a_i64,
                a_u64,
                a_i128,
                a_u128,
                a_isize,
                a_usize,
            ),
            (a_f32, a_f64, a_char, a_bool, small, medium, large, text),
        )| KitchenSink {
            a_i8,
            a_u8,
            a_i16,
            a_u16,
            a_i32,
            a_u32,
            a_i64,
            a_u64,
            a_i128,
            a_u128,
            a_isize,
            a_usize,
            a_f32,
            a_f64,
            a_char,
            a_bool,
            small,
            medium,
            large,
            text,
        },
    )
}

/// Everything every record's workloads return: `get(i)` for every record, then a digest of
/// every field read through the getters, compared by bits (floats may be NaN).
pub struct GetAll;
impl<R: Record + PartialEq + std::fmt::Debug> Workload<R> for GetAll {
    type Output = Vec<R>;
    fn run<S: Store<R>>(&self, store: &mut S) -> Vec<R> {
        (0..store.len()).map(|i| store.get(i)).collect()
    }
}

/// A field's value folded into a number that changes with every bit of it (strings: a
/// position-dependent hash of their bytes and length).
pub trait Digest {
    fn digest(&self) -> u128;
}

macro_rules! digest_ints {
    ($($ty:ty),*) => {$(
        impl Digest for $ty {
            fn digest(&self) -> u128 {
                *self as u128
            }
        }
    )*};
}
digest_ints!(i8, u8, i16, u16, i32, u32, i64, u64, i128, u128, isize, usize);

impl Digest for f32 {
    fn digest(&self) -> u128 {
        u128::from(self.to_bits())
    }
}
impl Digest for f64 {
    fn digest(&self) -> u128 {
        u128::from(self.to_bits())
    }
}
impl Digest for bool {
    fn digest(&self) -> u128 {
        u128::from(*self)
    }
}
impl Digest for char {
    fn digest(&self) -> u128 {
        u128::from(u32::from(*self))
    }
}
impl Digest for str {
    fn digest(&self) -> u128 {
        self.bytes().fold(self.len() as u128, |h, b| {
            h.wrapping_mul(0x100_0000_01b3)
                .wrapping_add(u128::from(b) + 1)
        })
    }
}
impl Digest for String {
    fn digest(&self) -> u128 {
        self.as_str().digest()
    }
}

/// The value a mutating workload writes in place of a field's old value.
pub trait Bump {
    type Out;
    fn bump(&self) -> Self::Out;
}

macro_rules! bump_ints {
    ($($ty:ty),*) => {$(
        impl Bump for $ty {
            type Out = $ty;
            fn bump(&self) -> $ty {
                self.wrapping_mul(3).wrapping_add(1)
            }
        }
    )*};
}
bump_ints!(i8, u8, i16, u16, i32, u32, i64, u64, i128, u128, isize, usize);

impl Bump for f32 {
    type Out = f32;
    fn bump(&self) -> f32 {
        self * 1.5 - 0.25
    }
}
impl Bump for f64 {
    type Out = f64;
    fn bump(&self) -> f64 {
        self * 1.01 + 0.5
    }
}
impl Bump for bool {
    type Out = bool;
    fn bump(&self) -> bool {
        !self
    }
}
impl Bump for char {
    type Out = char;
    fn bump(&self) -> char {
        char::from_u32(u32::from(*self) + 1).unwrap_or('a')
    }
}
impl Bump for str {
    type Out = String;
    fn bump(&self) -> String {
        // One more distinct value per distinct value: interned fields stay far from full.
        format!("{self}!")
    }
}
impl Bump for String {
    type Out = String;
    fn bump(&self) -> String {
        self.as_str().bump()
    }
}
/// `Digest` (the variant's index, offset per type) and `Bump` (the next variant, cycling)
/// for the test enums.
macro_rules! cycling_enums {
    ($($ty:ident [$($variant:ident),+] + $offset:expr;)*) => {$(
        impl Digest for $ty {
            fn digest(&self) -> u128 {
                *self as u128 + $offset
            }
        }
        impl Bump for $ty {
            type Out = $ty;
            fn bump(&self) -> $ty {
                const ALL: &[$ty] = &[$($ty::$variant),+];
                ALL[(*self as usize + 1) % ALL.len()]
            }
        }
    )*};
}
cycling_enums! {
    Side [Buy, Sell] + 7;
    Level [Trace, Debug, Info, Warn, Error] + 11;
    Team [Red, Blue, Green] + 13;
}

/// What a setter takes for a bumped value: the value, or `&str` for a `String`.
pub trait Arg {
    type Arg<'a>
    where
        Self: 'a;
    fn arg(&self) -> Self::Arg<'_>;
}
macro_rules! copy_args {
    ($($ty:ty),*) => {$(
        impl Arg for $ty {
            type Arg<'a> = $ty;
            fn arg(&self) -> $ty {
                *self
            }
        }
    )*};
}
copy_args!(
    i8, u8, i16, u16, i32, u32, i64, u64, i128, u128, isize, usize, f32, f64, bool, char, Side,
    Level, Team
);
impl Arg for String {
    type Arg<'a> = &'a str;
    fn arg(&self) -> &str {
        self
    }
}

/// Read-only: per field, the wrapping sum of every record's digest, read through the
/// store's getters.
pub struct Sums;
/// Mutating: `retain` on one field (through the row view), then every field of every kept
/// record set to its bumped value (through the setters); returns every record (`get`).
pub struct Mutate;

/// For a record type: `Sums` and `Mutate` on any store, and the same two computed directly
/// on a `Vec<R>` (the reference: no store, plain field access).
#[macro_export]
macro_rules! workloads {
    ($record:ident, keep: $keep:ident, { $($field:ident: $setter:ident),* $(,)? }, $sums_ref:ident, $mutate_ref:ident) => {
        impl layoutlab::Workload<$record> for $crate::own_common::Sums {
            type Output = Vec<u128>;
            fn run<S: layoutlab::Store<$record>>(&self, store: &mut S) -> Vec<u128> {
                #[allow(unused_imports)]
                use $crate::own_common::Digest;
                let mut sums = Vec::new();
                $(
                    let mut sum = 0u128;
                    for i in 0..store.len() {
                        sum = sum.wrapping_add(store.$field(i).digest());
                    }
                    sums.push(sum);
                )*
                sums
            }
        }

        pub fn $sums_ref(records: &[$record]) -> Vec<u128> {
            #[allow(unused_imports)]
            use $crate::own_common::Digest;
            vec![$(
                records.iter().fold(0u128, |s, r| s.wrapping_add(r.$field.digest())),
            )*]
        }

        impl layoutlab::Workload<$record> for $crate::own_common::Mutate {
            type Output = String;
            fn run<S: layoutlab::Store<$record>>(&self, store: &mut S) -> String {
                #[allow(unused_imports)]
                use $crate::own_common::{Arg, Bump, Digest};
                store.retain(|row| row.$keep().digest() % 3 != 0);
                for i in 0..store.len() {
                    $(
                        let new = store.$field(i).bump();
                        store.$setter(i, new.arg());
                    )*
                }
                format!("{:?}", (0..store.len()).map(|i| store.get(i)).collect::<Vec<_>>())
            }
        }

        pub fn $mutate_ref(mut records: Vec<$record>) -> String {
            #[allow(unused_imports)]
            use $crate::own_common::{Bump, Digest};
            records.retain(|r| r.$keep.digest() % 3 != 0);
            for r in &mut records {
                $( r.$field = r.$field.bump(); )*
            }
            format!("{records:?}")
        }
    };
}

pub mod sensor;
