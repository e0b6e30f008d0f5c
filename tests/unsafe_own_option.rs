//! The `Option` kind reads a `soa` column's validity bit without a second bounds check
//! (`src/own/kind/option/`): `Bitmap::get` checks the index once against the bitmap's
//! length and reads the word unchecked, and a scalar's getter lets the check of its values
//! column stand for the bit's. These tests walk every path that reads a bit — getters at
//! every index across word boundaries, `get`, rows in `retain`, after setters from `Some` to
//! `None` and back, after `retain` shortened the bitmap and pushes grew it again — against
//! `aos`, and check that an index past the end still panics. CI runs this file under
//! valgrind memcheck (`scripts/valgrind-unsafe.sh`), which would flag a read past the words.

use std::panic::{catch_unwind, AssertUnwindSafe};

use layoutlab::own::{Aos, Soa};
use layoutlab::{Record, Scalar, Store};

#[derive(Scalar, Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Quote {
    pub id: u32,
    pub price: Option<f64>,
    pub size: Option<u16>,
    pub firm: Option<bool>,
    pub side: Option<Side>,
    pub venue: Option<String>,
}

fn quote(i: usize) -> Quote {
    Quote {
        id: i as u32,
        price: (i % 3 != 0).then_some(i as f64 * 0.5),
        size: (i % 5 != 1).then_some(i as u16),
        firm: (i % 7 != 2).then_some(i % 2 == 0),
        side: (i % 11 != 3).then_some(if i % 2 == 0 { Side::Buy } else { Side::Sell }),
        venue: (i % 13 != 4).then(|| format!("v{}", i % 17)),
    }
}

/// Every getter and `get` of every record of `soa` agree with `aos`.
fn agree(soa: &Soa<Quote>, aos: &Aos<Quote>) {
    assert_eq!(soa.len(), aos.len());
    for i in 0..soa.len() {
        assert_eq!(soa.price(i), aos.price(i), "{i}");
        assert_eq!(soa.size(i), aos.size(i), "{i}");
        assert_eq!(soa.firm(i), aos.firm(i), "{i}");
        assert_eq!(soa.side(i), aos.side(i), "{i}");
        assert_eq!(soa.venue(i), aos.venue(i), "{i}");
        assert_eq!(soa.get(i), aos.get(i), "{i}");
    }
}

/// Reading one past the end panics, for a scalar (checked by its values) and for a string
/// (checked by the bitmap).
fn past_the_end_panics(soa: &Soa<Quote>) {
    let n = soa.len();
    // The panics are expected: keep their messages out of the test's output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let panicked = [
        catch_unwind(AssertUnwindSafe(|| soa.price(n))).is_err(),
        catch_unwind(AssertUnwindSafe(|| soa.firm(n + 64))).is_err(),
        catch_unwind(AssertUnwindSafe(|| soa.venue(n).map(str::len))).is_err(),
    ];
    std::panic::set_hook(hook);
    assert_eq!(panicked, [true; 3], "price, firm, venue at {n} of {n}");
}

#[test]
fn every_bit_read_agrees_with_aos_and_stays_in_bounds() {
    // Not a multiple of 64: the last word is partly used.
    let n = 1_000 + 37;
    let mut soa = Soa::<Quote>::from_records((0..n).map(quote)).unwrap();
    let mut aos = Aos::<Quote>::from_records((0..n).map(quote)).unwrap();
    agree(&soa, &aos);
    past_the_end_panics(&soa);

    // Some to None and back, across the words.
    for i in (0..n).step_by(3) {
        let (price, venue) = (aos.price(i).is_none().then_some(1.5), None);
        soa.set_price(i, price);
        aos.set_price(i, price);
        soa.set_venue(i, venue);
        aos.set_venue(i, venue);
    }
    agree(&soa, &aos);

    // Rows read the bits too; dropping most records shortens the bitmap to fewer words.
    let keep = |firm: Option<bool>, price: Option<f64>| firm == Some(true) || price.is_none();
    soa.retain(|q| keep(q.firm(), q.price()));
    aos.retain(|q| keep(q.firm(), q.price()));
    assert!(soa.len() < n / 2);
    agree(&soa, &aos);
    past_the_end_panics(&soa);

    // Growing again pushes new words after the cut ones.
    for i in n..n + 200 {
        soa.push(quote(i)).unwrap();
        aos.push(quote(i)).unwrap();
    }
    agree(&soa, &aos);
    past_the_end_panics(&soa);

    // Everything dropped: the bitmap has no word at all.
    soa.retain(|_| false);
    assert_eq!(soa.len(), 0);
    past_the_end_panics(&soa);
}
