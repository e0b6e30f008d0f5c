//! CSV records, each with the physical line it starts on, read in bounded memory.
//!
//! `csv_core` parses (quotes, `\r\n`, `\r` or `\n` line ends, blank lines skipped) into
//! buffers this module owns and never grows: a read buffer and one record's field bytes,
//! [`MAX_RECORD_BYTES`] at most. A longer record is reported after reading that much, so a
//! file of zero bytes (or `/dev/zero`) costs a bounded read, not all memory. This module
//! also counts lines itself, over every byte consumed, so the line of an error is the line
//! of the file whatever the line ends and however many blank lines come before.

use std::io::{self, Read};

/// Longest record accepted, in bytes, not counting its line end. A reading needs far less:
/// a sensor id of at most 32 bytes, two numbers, a unit and three commas.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// Bytes read from the input at a time.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Fields whose bytes are kept (a header to show, a record of a user's type to deserialize);
/// beyond these, fields are only counted.
pub(crate) const KEPT_FIELDS: usize = 64;

/// What [`Records::next`] found: one record, located.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordInfo {
    /// The line of the file the record starts on (1-based). A record whose quoted field
    /// spans lines is located by its first line.
    pub line: u64,
    /// How many fields the record has (0 when it is too long: it was not read to its end).
    pub fields: u64,
    /// Whether the record is longer than [`MAX_RECORD_BYTES`]. Its fields are then not
    /// available, and the next call to [`Records::next`] first skips its remainder.
    pub too_long: bool,
}

/// The two buffers a reader works in, which are all it allocates: a source that reads its
/// file more than once keeps them (see [`Records::with_buffers`]).
pub(crate) struct Buffers {
    buf: Box<[u8]>,
    out: Box<[u8]>,
}

impl Buffers {
    /// Fresh buffers: [`READ_BUFFER_BYTES`] to read into, [`MAX_RECORD_BYTES`] and one to
    /// hold a record's fields.
    pub(crate) fn new() -> Self {
        Buffers {
            buf: vec![0; READ_BUFFER_BYTES].into_boxed_slice(),
            // One byte more than the limit: a record that fills it is too long.
            out: vec![0; MAX_RECORD_BYTES + 1].into_boxed_slice(),
        }
    }
}

impl std::fmt::Debug for Buffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Buffers({} + {} bytes)", self.buf.len(), self.out.len())
    }
}

/// A reader of CSV records over any byte stream.
pub(crate) struct Records<R> {
    input: R,
    buf: Box<[u8]>,
    /// The unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    eof: bool,
    /// Whether any byte at all has been read (to tell an empty input from a blank one).
    read_any: bool,
    started: bool,
    core: csv_core::Reader,
    /// The line of the next unread byte.
    line: u64,
    /// The last byte counted was `\r`, so a `\n` right after it ends no further line.
    after_cr: bool,
    /// A too-long record was returned and the parser is still inside it.
    unfinished: bool,
    /// The current record's field bytes, contiguous.
    out: Box<[u8]>,
    /// The end of each kept field in `out`.
    ends: [usize; KEPT_FIELDS],
    /// Where field ends beyond the kept ones go, to be counted.
    spare_ends: [usize; KEPT_FIELDS],
    kept: usize,
}

impl<R: Read> Records<R> {
    /// A reader at the start of `input`.
    pub(crate) fn new(input: R) -> Self {
        Self::with_buffers(input, Buffers::new())
    }

    /// A reader at the start of `input` that works in `buffers` (whatever they hold) instead
    /// of allocating its own; [`Records::into_buffers`] gives them back.
    pub(crate) fn with_buffers(input: R, buffers: Buffers) -> Self {
        let Buffers { buf, out } = buffers;
        Records {
            input,
            buf,
            pos: 0,
            end: 0,
            eof: false,
            read_any: false,
            started: false,
            core: csv_core::Reader::new(),
            line: 1,
            after_cr: false,
            unfinished: false,
            out,
            ends: [0; KEPT_FIELDS],
            spare_ends: [0; KEPT_FIELDS],
            kept: 0,
        }
    }

    /// The reader's buffers, for the next reader of the same source.
    pub(crate) fn into_buffers(self) -> Buffers {
        Buffers {
            buf: self.buf,
            out: self.out,
        }
    }

    /// The line being read (for an error that is not about one record, such as I/O).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Whether the input held any byte so far (an input of blank lines did; an empty one
    /// did not).
    pub(crate) fn read_any(&self) -> bool {
        self.read_any
    }

    /// Field `i` of the last record, for `i < min(fields, KEPT_FIELDS)` of a record that is
    /// not too long.
    ///
    /// # Panics
    ///
    /// If field `i` was not kept.
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        assert!(i < self.kept, "field {i} of {} kept", self.kept);
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }

    /// The next record, or `None` at the end of the input. Reads at most about
    /// [`MAX_RECORD_BYTES`] past the record's start before returning, whatever the input
    /// (except that, after a too-long record, the call first reads through the rest of it,
    /// in bounded memory).
    ///
    /// # Errors
    ///
    /// If reading the input fails.
    pub(crate) fn next(&mut self) -> io::Result<Option<RecordInfo>> {
        if self.unfinished {
            self.skip_rest()?;
        }
        if !self.started {
            self.started = true;
            // csv_core would strip a byte-order mark from its first input; strip it here
            // instead, so that blank lines after it are skipped (and counted) like others.
            while self.end < 3 && self.fill()? {}
            if self.buf[..self.end].starts_with(b"\xEF\xBB\xBF") {
                self.pos = 3;
            }
        }
        // Blank lines: csv_core skips line ends between records too, but skipping them here
        // tells where the record starts.
        loop {
            if self.pos == self.end && !self.refill()? {
                return Ok(None);
            }
            let b = self.buf[self.pos];
            if b != b'\n' && b != b'\r' {
                break;
            }
            self.count_lines(self.pos, self.pos + 1);
            self.pos += 1;
        }
        let line = self.line;
        self.kept = 0;
        let (mut raw, mut written, mut fields) = (0usize, 0usize, 0u64);
        loop {
            let at_eof = self.pos == self.end && !self.refill()?;
            // One byte more than the limit may be read: it is the line end, or proof that
            // the record is too long.
            let budget = MAX_RECORD_BYTES + 1 - raw;
            if budget == 0 {
                self.unfinished = true;
                return Ok(Some(RecordInfo {
                    line,
                    fields: 0,
                    too_long: true,
                }));
            }
            let take = (self.end - self.pos).min(budget);
            let input = &self.buf[self.pos..self.pos + take];
            let ends: &mut [usize] = if self.kept < KEPT_FIELDS {
                &mut self.ends[self.kept..]
            } else {
                &mut self.spare_ends
            };
            let (result, nin, nout, nend) =
                self.core.read_record(input, &mut self.out[written..], ends);
            self.count_lines(self.pos, self.pos + nin);
            self.pos += nin;
            raw += nin;
            written += nout;
            fields += nend as u64;
            self.kept = (self.kept + nend).min(KEPT_FIELDS);
            match result {
                csv_core::ReadRecordResult::InputEmpty
                | csv_core::ReadRecordResult::OutputEndsFull => {}
                csv_core::ReadRecordResult::OutputFull => {
                    // `out` holds one byte more than a record may: this one is too long.
                    self.unfinished = true;
                    return Ok(Some(RecordInfo {
                        line,
                        fields: 0,
                        too_long: true,
                    }));
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                    // The record's last byte read is its line end, unless the input ended.
                    let len = if at_eof { raw } else { raw - 1 };
                    return Ok(Some(RecordInfo {
                        line,
                        fields,
                        too_long: len > MAX_RECORD_BYTES,
                    }));
                }
            }
        }
    }

    /// Reads through the rest of a too-long record, reusing the record's buffers.
    fn skip_rest(&mut self) -> io::Result<()> {
        self.unfinished = false;
        self.kept = 0;
        loop {
            if self.pos == self.end {
                self.refill()?;
            }
            let input = &self.buf[self.pos..self.end];
            let (result, nin, _, _) =
                self.core
                    .read_record(input, &mut self.out, &mut self.spare_ends);
            self.count_lines(self.pos, self.pos + nin);
            self.pos += nin;
            if matches!(
                result,
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End
            ) {
                return Ok(());
            }
        }
    }

    /// Counts the line ends in `buf[from..to]`: `\n`, `\r\n` and a lone `\r` each end one.
    fn count_lines(&mut self, from: usize, to: usize) {
        let bytes = &self.buf[from..to];
        let Some(&last) = bytes.last() else {
            return;
        };
        if !bytes.contains(&b'\r') {
            let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            let continues_crlf = self.after_cr && bytes[0] == b'\n';
            self.line += newlines - u64::from(continues_crlf);
            self.after_cr = false;
            return;
        }
        for &b in bytes {
            match b {
                b'\r' => self.line += 1,
                b'\n' if !self.after_cr => self.line += 1,
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
        debug_assert_eq!(self.after_cr, last == b'\r');
    }

    /// Reads more input into an empty buffer; `false` at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        debug_assert_eq!(self.pos, self.end);
        self.pos = 0;
        self.end = 0;
        self.fill()
    }

    /// Reads more input after what is buffered; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof || self.end == self.buf.len() {
            return Ok(!self.eof);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    self.read_any = true;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as (line, fields) or (line, "too long").
    fn records(input: &[u8]) -> Vec<(u64, Result<Vec<String>, &'static str>)> {
        let mut reader = Records::new(input);
        let mut all = Vec::new();
        while let Some(info) = reader.next().unwrap() {
            if info.too_long {
                all.push((info.line, Err("too long")));
                continue;
            }
            let kept = (info.fields as usize).min(KEPT_FIELDS);
            let fields = (0..kept)
                .map(|i| String::from_utf8_lossy(reader.field(i)).into_owned())
                .collect();
            all.push((info.line, Ok(fields)));
        }
        all
    }

    fn lines(input: &[u8]) -> Vec<u64> {
        records(input).into_iter().map(|(line, _)| line).collect()
    }

    #[test]
    fn every_line_end_counts_once() {
        assert_eq!(lines(b"a\nb\nc\n"), [1, 2, 3]);
        assert_eq!(lines(b"a\r\nb\r\nc\r\n"), [1, 2, 3]);
        assert_eq!(lines(b"a\rb\rc\r"), [1, 2, 3]);
        assert_eq!(lines(b"a\r\nb\rc\nd"), [1, 2, 3, 4]);
        assert_eq!(lines(b"a\nb"), [1, 2]);
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        assert_eq!(lines(b"\n\na\n\n\nb\n\n"), [3, 6]);
        assert_eq!(lines(b"\r\n\r\na\r\n\r\nb\r\n"), [3, 5]);
        assert_eq!(lines(b"\r\ra\r\rb"), [3, 5]);
        assert_eq!(lines(b"\n\r\n\r"), Vec::<u64>::new());
    }

    #[test]
    fn a_quoted_record_is_located_by_its_first_line() {
        let all = records(b"a,\"x\ny\r\nz\",b\nc\n");
        assert_eq!(
            all[0],
            (1, Ok(vec!["a".into(), "x\ny\r\nz".into(), "b".into()]))
        );
        assert_eq!(all[1].0, 4);
    }

    #[test]
    fn a_byte_order_mark_is_not_data_and_not_a_line() {
        let all = records(b"\xEF\xBB\xBF\n\nh1,h2\nv\n");
        assert_eq!(all[0], (3, Ok(vec!["h1".into(), "h2".into()])));
        assert_eq!(all[1].0, 4);
    }

    #[test]
    fn fields_beyond_the_kept_ones_are_counted() {
        let fields: Vec<String> = (1..=KEPT_FIELDS + 4).map(|i| i.to_string()).collect();
        let text = format!("{}\nx\n", fields.join(","));
        let mut reader = Records::new(text.as_bytes());
        let info = reader.next().unwrap().unwrap();
        assert_eq!(info.fields, KEPT_FIELDS as u64 + 4);
        assert_eq!(
            reader.field(KEPT_FIELDS - 1),
            KEPT_FIELDS.to_string().as_bytes()
        );
        assert_eq!(reader.next().unwrap().unwrap().line, 2);
    }

    #[test]
    fn a_record_of_exactly_the_limit_is_accepted() {
        for end in ["\n", "\r\n", "\r", ""] {
            let next = if end.is_empty() { "" } else { "b\n" };
            let text = format!("{}{end}{next}", "a".repeat(MAX_RECORD_BYTES));
            let all = records(text.as_bytes());
            assert!(all[0].1.is_ok(), "{end:?}");
            assert_eq!(all[0].1.as_ref().unwrap()[0].len(), MAX_RECORD_BYTES);
            if !end.is_empty() {
                assert_eq!(all[1], (2, Ok(vec!["b".into()])));
            }
        }
    }

    #[test]
    fn a_longer_record_is_too_long_and_the_next_one_is_still_found() {
        for record in [
            "a".repeat(MAX_RECORD_BYTES + 1),
            ",".repeat(MAX_RECORD_BYTES + 1),
            format!("\"{}\"", "\n".repeat(MAX_RECORD_BYTES)),
            "x".repeat(5 * MAX_RECORD_BYTES),
        ] {
            let text = format!("h\n{record}\r\nnext\n");
            let all = records(text.as_bytes());
            assert_eq!(all[1], (2, Err("too long")));
            let next_line = 3 + record.matches('\n').count() as u64;
            assert_eq!(all[2], (next_line, Ok(vec!["next".into()])));
        }
    }

    #[test]
    fn an_endless_record_stops_after_a_bounded_read() {
        /// Zero bytes forever, counting what was read.
        struct Zeros(usize);
        impl Read for Zeros {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                buf.fill(0);
                self.0 += buf.len();
                Ok(buf.len())
            }
        }
        let mut reader = Records::new(Zeros(0));
        let info = reader.next().unwrap().unwrap();
        assert_eq!((info.line, info.too_long), (1, true));
        assert!(reader.input.0 <= MAX_RECORD_BYTES + 2 * READ_BUFFER_BYTES);
    }

    #[test]
    fn read_errors_are_returned() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let e = Records::new(Failing).next().unwrap_err();
        assert_eq!(e.to_string(), "disk on fire");
    }
}
