//! The CSV reader returns a value or an error for any bytes at all: it never panics, and no
//! bytes make it allocate without bound (a file of zero bytes, an endless field, a quote
//! never closed, a line of commas: each costs the reader the same bounded buffers).
//!
//! The heap is measured with the binary's allocator switch, whose counters see every
//! thread, so this file has no test harness (`harness = false` in `Cargo.toml`): `main` runs
//! the properties, one after the other, as the only thread.

use std::io::Read;

use layoutlab::measure::heap::{Counting, SwitchAlloc};
use layoutlab::source::csv::MAX_RECORD_BYTES;
use layoutlab::source::CsvSource;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn feed(bytes: impl Read, skip_invalid: bool) {
    let source = CsvSource::new("fuzz.csv".into(), skip_invalid);
    let result = source.stream_from(bytes, |r| -> Result<(), std::convert::Infallible> {
        assert!(!r.sensor_id.is_empty() && r.sensor_id.len() <= 32);
        assert!(r.timestamp.is_finite());
        Ok(())
    });
    if let Err(e) = result {
        let text = e.to_string();
        assert!(text.starts_with("fuzz.csv"), "{text}");
        assert!(!text.contains('\n'), "{text:?}");
    }
}

/// `head`, then `pattern` repeated until `len` bytes in all, made as they are read.
struct Repeat {
    head: Vec<u8>,
    pattern: Vec<u8>,
    at: usize,
    len: usize,
}

impl Read for Repeat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.len - self.at);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            let at = self.at + i;
            *b = match self.head.get(at) {
                Some(&b) => b,
                None => self.pattern[(at - self.head.len()) % self.pattern.len()],
            };
        }
        self.at += n;
        Ok(n)
    }
}

/// Bytes streamed per bounded-memory case: many times the longest record, so a reader that
/// held a whole line (or a whole quoted field) would show it.
const STREAMED: usize = 32 * MAX_RECORD_BYTES;

/// The most heap the reader may hold at once, whatever it reads: its read buffer and one
/// record's bytes (64 KiB each), the header check, and the sensors of the few distinct
/// rows a repeated pattern can hold.
const READER_HEAP_BOUND: i64 = 512 * 1024;

/// Streams `STREAMED` bytes of `head` + `pattern`… and returns the reader's peak heap.
fn peak_heap(head: &[u8], pattern: &[u8], skip_invalid: bool) -> i64 {
    let input = Repeat {
        head: head.to_vec(),
        pattern: pattern.to_vec(),
        at: 0,
        len: STREAMED,
    };
    let counting = Counting::start().expect("the allocator switch is tracking");
    feed(input, skip_invalid);
    counting.counts().requested_peak
}

const VALID_HEADER: &[u8] = b"sensor_id,timestamp,value,unit\n";

fn main() {
    SwitchAlloc::track();
    let config = |cases| Config {
        cases,
        // Without the `proptest!` macro there is no source file to save failures next to;
        // a failure prints its (shrunk) input instead.
        failure_persistence: None,
        ..Config::default()
    };

    TestRunner::new(config(2000))
        .run(
            &(prop::collection::vec(any::<u8>(), 0..400), any::<bool>()),
            |(bytes, skip)| {
                feed(&bytes[..], skip);
                Ok(())
            },
        )
        .unwrap();
    println!("test arbitrary_bytes ... ok");

    let row_bytes = prop_oneof![
        Just(b','),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'"'),
        Just(b'.'),
        Just(b'-'),
        Just(b'C'),
        Just(b'%'),
        Just(b'e'),
        Just(0xff),
        b'0'..=b'9',
        b'a'..=b'z',
    ];
    TestRunner::new(config(2000))
        .run(
            &(
                prop::collection::vec(row_bytes.clone(), 0..400),
                any::<bool>(),
            ),
            |(body, skip)| {
                let mut bytes = VALID_HEADER.to_vec();
                bytes.extend(body);
                feed(&bytes[..], skip);
                Ok(())
            },
        )
        .unwrap();
    println!("test arbitrary_rows_after_a_valid_header ... ok");

    // The shapes that made the old reader take all memory, each with and without a header.
    let shapes: [&[u8]; 6] = [b"\0", b"x", b",", b"\"\n", b"\"\"", b"A,1,2,C"];
    for shape in shapes {
        for head in [
            &b""[..],
            VALID_HEADER,
            b"sensor_id,timestamp,value,unit\nA,1,\"",
        ] {
            for skip in [false, true] {
                let peak = peak_heap(head, shape, skip);
                assert!(
                    peak <= READER_HEAP_BOUND,
                    "{peak} bytes for {:?} + {:?}…",
                    String::from_utf8_lossy(head),
                    String::from_utf8_lossy(shape)
                );
            }
        }
    }
    // And any short pattern of the bytes CSV cares about, repeated.
    TestRunner::new(config(48))
        .run(
            &(
                prop::collection::vec(row_bytes, 1..24),
                any::<bool>(),
                any::<bool>(),
            ),
            |(pattern, header, skip)| {
                let head = if header { VALID_HEADER } else { b"" };
                let peak = peak_heap(head, &pattern, skip);
                prop_assert!(peak <= READER_HEAP_BOUND, "{peak} bytes");
                Ok(())
            },
        )
        .unwrap();
    println!("test no_bytes_make_the_reader_allocate_without_bound ... ok");
}
