//! The input file, held still for the length of a run.
//!
//! A run reads its input once per layout, once per repeat and once per profiling process,
//! and compares what the layouts computed. That is only sound if every read sees the same
//! bytes, so: a file that cannot be read twice (a pipe, a terminal, `/dev/zero`) is refused
//! before anything runs, and the file's [`Fingerprint`] (device, inode, length, modification
//! time) is taken up front and checked on every open and after every read. A change is then
//! reported as what it is, not as layouts that "disagree".
//!
//! What the fingerprint cannot see: a rewrite that keeps the file's length and lands within
//! the filesystem's timestamp granularity of the previous write. The layouts' results are
//! still compared, and [`crate::source::SourceSpec::verify_unchanged`] is what to call when
//! they differ.

use std::fmt;
use std::fs::{File, FileType, Metadata};
use std::io;
use std::path::Path;
use std::time::SystemTime;

use crate::error::{InputError, Location};

/// What identifies one version of a file: which file it is (device and inode) and what it
/// holds as far as the filesystem says (length and modification time).
///
/// # Examples
///
/// ```
/// use layoutlab::source::Fingerprint;
/// let path = std::env::temp_dir().join(format!("fingerprint-doc-{}.csv", std::process::id()));
/// std::fs::write(&path, "sensor_id,timestamp,value,unit\n").unwrap();
/// let before = Fingerprint::of_path(&path).unwrap();
/// assert_eq!(before.len(), 31);
/// std::fs::write(&path, "sensor_id,timestamp,value,unit\nA,1,2,C\n").unwrap();
/// assert_ne!(Fingerprint::of_path(&path).unwrap(), before);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    device: u64,
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl Fingerprint {
    /// The fingerprint of what `metadata` describes.
    pub fn of(metadata: &Metadata) -> Fingerprint {
        let (device, inode) = identity(metadata);
        Fingerprint {
            device,
            inode,
            len: metadata.len(),
            modified: metadata.modified().ok(),
        }
    }

    /// The fingerprint of the file at `path` now (following symbolic links).
    ///
    /// # Errors
    ///
    /// If the file's metadata cannot be read (it does not exist, or a directory on the way
    /// is not searchable).
    pub fn of_path(path: &Path) -> io::Result<Fingerprint> {
        std::fs::metadata(path).map(|m| Fingerprint::of(&m))
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file was empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn same_file(&self, other: &Fingerprint) -> bool {
        (self.device, self.inode) == (other.device, other.inode)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes, modified at ", self.len)?;
        match self.modified {
            Some(time) => write!(f, "{}", humantime::format_rfc3339_nanos(time)),
            None => f.write_str("an unknown time"),
        }
    }
}

#[cfg(unix)]
fn identity(metadata: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn identity(_: &Metadata) -> (u64, u64) {
    // No stable file identity in std elsewhere; length and time still tell most changes.
    (0, 0)
}

/// What kind of file `file_type` is, for a message: `Some("a pipe")`, or `None` for a
/// regular file.
fn irregular_kind(file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a pipe");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a file layoutlab knows")
}

fn file_error(path: &Path, problem: String) -> InputError {
    InputError {
        location: Location::File(path.to_owned()),
        field: None,
        problem,
    }
}

/// The error for a file that is not a regular file.
fn irregular(path: &Path, kind: &str) -> InputError {
    let why = if kind == "a directory" {
        "expected a CSV file".to_owned()
    } else {
        "layoutlab reads the input once per layout and per profiling process; save it to a \
         file first"
            .to_owned()
    };
    file_error(path, format!("not a regular file ({kind}): {why}"))
}

/// The error for a file whose fingerprint is no longer `was`.
fn changed(path: &Path, was: &Fingerprint, now: Result<Fingerprint, io::Error>) -> InputError {
    let now = match now {
        Ok(now) if now.same_file(was) => now.to_string(),
        Ok(now) => format!("another file, {now}"),
        Err(e) => format!("it cannot be read: {e}"),
    };
    file_error(
        path,
        format!(
            "the input changed during the run (it was {was}; now {now}); rerun on a file \
             nothing writes to"
        ),
    )
}

/// Opens `path` for reading: a regular file only, and, when `expected` is given, only if it
/// is still that version. Returns the file and the fingerprint of what was opened.
///
/// The type is checked before opening (opening a pipe would block until a writer came) and
/// again on the opened file.
pub(crate) fn open(
    path: &Path,
    expected: Option<&Fingerprint>,
) -> Result<(File, Fingerprint), InputError> {
    let cannot_open = |e: io::Error| match expected {
        Some(was) => changed(path, was, Err(e)),
        None => file_error(path, format!("cannot open: {e}")),
    };
    let metadata = std::fs::metadata(path).map_err(cannot_open)?;
    if let Some(kind) = irregular_kind(metadata.file_type()) {
        return Err(irregular(path, kind));
    }
    let file = File::open(path).map_err(cannot_open)?;
    let metadata = file.metadata().map_err(cannot_open)?;
    if let Some(kind) = irregular_kind(metadata.file_type()) {
        return Err(irregular(path, kind));
    }
    let opened = Fingerprint::of(&metadata);
    match expected {
        Some(was) if *was != opened => Err(changed(path, was, Ok(opened))),
        _ => Ok((file, opened)),
    }
}

/// Checks that the open `file` (read from `path`) still has the fingerprint `was`: called
/// after reading it, so that a file written while it was read is reported.
pub(crate) fn check_open(path: &Path, file: &File, was: &Fingerprint) -> Result<(), InputError> {
    let now = file.metadata().map(|m| Fingerprint::of(&m));
    match now {
        Ok(now) if now == *was => Ok(()),
        now => Err(changed(path, was, now)),
    }
}

/// The lines of `input` (each ended by `\n`, `\r\n` or `\r`, the last one maybe by the
/// end), counted in bounded memory.
///
/// # Errors
///
/// If reading fails.
pub(crate) fn count_lines(mut input: impl io::Read) -> io::Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut lines, mut after_cr, mut open) = (0u64, false, false);
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            match b {
                b'\n' if after_cr => after_cr = false,
                b'\n' | b'\r' => {
                    lines += 1;
                    after_cr = b == b'\r';
                    open = false;
                }
                _ => {
                    after_cr = false;
                    open = true;
                }
            }
        }
    }
    Ok(lines + u64::from(open))
}

/// The most readings the CSV file at `path` can hold — its lines but the header; blank
/// lines and bad rows make it more than the readings, never fewer — counted once per
/// version of the file (`fingerprint`, as [`crate::source::SourceSpec::prepare`] found it)
/// and remembered, so that every run of a layout opens the file without reading it twice.
/// 0 when the file cannot be read (the source says why when it reads it).
pub(crate) fn rows_bound(path: &Path, fingerprint: Option<&Fingerprint>) -> u64 {
    type Counted = Vec<(std::path::PathBuf, Fingerprint, u64)>;
    static COUNTED: std::sync::Mutex<Counted> = std::sync::Mutex::new(Vec::new());
    let mut counted = COUNTED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(fp) = fingerprint {
        if let Some(&(_, _, rows)) = counted.iter().find(|(p, f, _)| p == path && f == fp) {
            return rows;
        }
    }
    let rows = File::open(path)
        .and_then(|f| count_lines(io::BufReader::new(f)))
        .map_or(0, |lines| lines.saturating_sub(1));
    if let Some(fp) = fingerprint {
        counted.push((path.to_owned(), *fp, rows));
    }
    rows
}

/// Checks that the file at `path` still has the fingerprint `was`.
pub(crate) fn check_path(path: &Path, was: &Fingerprint) -> Result<(), InputError> {
    match Fingerprint::of_path(path) {
        Ok(now) if now == *was => Ok(()),
        now => Err(changed(path, was, now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str, contents: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("layoutlab-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn lines_end_with_any_line_end_and_the_last_may_not() {
        for (text, lines) in [
            ("", 0),
            ("h\n", 1),
            ("h\na,1,2,C", 2),
            ("h\r\na,1,2,C\r\n", 2),
            ("h\ra\rb\r", 3),
            ("h\n\n\na\n", 4),
        ] {
            assert_eq!(count_lines(text.as_bytes()).unwrap(), lines, "{text:?}");
        }
        // A `\r\n` split across two reads is one line end.
        let split = io::Read::chain(&b"h\r"[..], &b"\na\n"[..]);
        assert_eq!(count_lines(split).unwrap(), 2);
    }

    #[test]
    fn a_regular_file_opens_and_matches_its_fingerprint() {
        let path = temp("regular.csv", b"abc");
        let (_, opened) = open(&path, None).unwrap();
        assert_eq!(opened.len(), 3);
        assert_eq!(opened, Fingerprint::of_path(&path).unwrap());
        open(&path, Some(&opened)).unwrap();
        check_path(&path, &opened).unwrap();
    }

    #[test]
    fn directories_are_refused_in_one_line() {
        let dir = std::env::temp_dir();
        let e = open(&dir, None).unwrap_err().to_string();
        assert!(e.contains("not a regular file (a directory)"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[cfg(unix)]
    #[test]
    fn character_devices_are_refused_before_reading() {
        let e = open(Path::new("/dev/zero"), None).unwrap_err().to_string();
        assert_eq!(
            e,
            "/dev/zero: not a regular file (a character device): layoutlab reads the input \
             once per layout and per profiling process; save it to a file first"
        );
    }

    #[test]
    fn a_changed_file_says_what_it_was_and_is() {
        let path = temp("changed.csv", b"abc");
        let (_, was) = open(&path, None).unwrap();
        std::fs::write(&path, b"abcdef").unwrap();
        let e = open(&path, Some(&was)).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: the input changed", path.display())),
            "{e}"
        );
        assert!(e.contains("it was 3 bytes, modified at "), "{e}");
        assert!(e.contains("now 6 bytes"), "{e}");
        assert!(e.ends_with("rerun on a file nothing writes to"), "{e}");
        assert!(check_path(&path, &was).is_err());
    }

    #[test]
    fn a_replaced_file_is_another_file() {
        let path = temp("replaced.csv", b"abc");
        let (_, was) = open(&path, None).unwrap();
        let other = temp("replacement.csv", b"abc");
        std::fs::rename(&other, &path).unwrap();
        let e = open(&path, Some(&was)).unwrap_err().to_string();
        if cfg!(unix) {
            assert!(e.contains("now another file, 3 bytes"), "{e}");
        }
    }

    #[test]
    fn a_vanished_file_is_a_change_too() {
        let path = temp("vanished.csv", b"abc");
        let (_, was) = open(&path, None).unwrap();
        std::fs::remove_file(&path).unwrap();
        let e = open(&path, Some(&was)).unwrap_err().to_string();
        assert!(e.contains("now it cannot be read: "), "{e}");
    }
}
