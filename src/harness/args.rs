//! The arguments a bench binary gets: `cargo bench` passes `--bench` (and whatever follows
//! `--`, which criterion benches of the same crate get too), `cargo test --benches` passes
//! nothing. Flags the harness does not know are left to others, with a note.

use std::path::PathBuf;

use anyhow::Result;

use crate::error::UsageError;

/// What the command line asked of the harness.
#[derive(Debug, Default)]
pub(crate) struct Args {
    /// `--bench`: a real run; without it, a quick check that every layout agrees.
    pub bench: bool,
    /// `--records N`.
    pub records: Option<u64>,
    /// `--rounds K`.
    pub rounds: Option<usize>,
    /// `--out DIR`.
    pub out: Option<PathBuf>,
    /// `--no-memory`.
    pub no_memory: bool,
    /// `--quick`: 3 rounds.
    pub quick: bool,
    /// `--force`: measure a size the memory available cannot hold.
    pub force: bool,
}

/// What a run does, from the bench file's settings and the command line.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// A real run (`cargo bench`) or a test run (`cargo test --benches`).
    pub bench: bool,
    /// Records per store.
    pub records: u64,
    /// Timed rounds.
    pub rounds: usize,
    /// Whether to profile the heap.
    pub memory: bool,
}

/// Records per store in a test run: enough to cross the `aosoa` blocks, fast in debug builds.
const TEST_RECORDS: u64 = 1_000;

impl Args {
    /// The settings: the command line's over the bench file's.
    pub(crate) fn settings(&self, rounds: usize, memory: bool, records: u64) -> Settings {
        let records = self.records.unwrap_or(records);
        if !self.bench {
            return Settings {
                bench: false,
                records: records.min(TEST_RECORDS),
                rounds: 1,
                memory: false,
            };
        }
        Settings {
            bench: true,
            records,
            rounds: self.rounds.unwrap_or(if self.quick { 3 } else { rounds }),
            memory: memory && !self.no_memory,
        }
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<T> {
    value
        .as_deref()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            let found = value.map_or_else(|| "nothing".to_owned(), |v| format!("{v:?}"));
            UsageError(format!("{flag} needs a number, found {found}")).into()
        })
}

/// Parses `args` (without the program name).
///
/// # Errors
///
/// A [`UsageError`] for a known flag with a bad value.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Args> {
    let mut parsed = Args::default();
    let mut ignored = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match flag.as_str() {
            "--bench" => parsed.bench = true,
            "--records" => parsed.records = Some(number("--records", value())?),
            "--rounds" => {
                let rounds = number::<usize>("--rounds", value())?;
                if rounds == 0 {
                    // Zero rounds would be reported as one: a usage error, as --records 0 is.
                    return Err(UsageError(
                        "--rounds 0: no round would be timed; give at least 1".to_owned(),
                    )
                    .into());
                }
                parsed.rounds = Some(rounds);
            }
            "--out" => {
                parsed.out =
                    Some(PathBuf::from(value().ok_or_else(|| {
                        UsageError("--out needs a directory".to_owned())
                    })?))
            }
            "--no-memory" => parsed.no_memory = true,
            "--quick" => parsed.quick = true,
            "--force" => parsed.force = true,
            _ => ignored.push(arg),
        }
    }
    if !ignored.is_empty() {
        eprintln!(
            "layoutlab: ignoring arguments this harness does not take: {} (it takes --records N, \
             --rounds K, --out DIR, --no-memory, --quick, --force)",
            ignored.join(" ")
        );
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn cargo_bench_flags_and_ours() {
        let a = args(&["--bench", "--records", "500", "--rounds=4", "--noplot"]).unwrap();
        assert!(a.bench);
        let s = a.settings(9, true, 1_000_000);
        assert_eq!((s.records, s.rounds, s.memory), (500, 4, true));
        let many = args(&["--records", "many"]).unwrap_err().to_string();
        assert_eq!(many, r#"--records needs a number, found "many""#);
        let zero = args(&["--bench", "--rounds", "0"]).unwrap_err();
        assert!(zero.downcast_ref::<UsageError>().is_some());
        assert_eq!(
            zero.to_string(),
            "--rounds 0: no round would be timed; give at least 1"
        );
        let none = args(&["--records"]).unwrap_err().to_string();
        assert_eq!(none, "--records needs a number, found nothing");
        // No --bench: cargo test --benches, a small check.
        let s = args(&[]).unwrap().settings(9, true, 1_000_000);
        assert_eq!(
            (s.bench, s.records, s.rounds, s.memory),
            (false, 1000, 1, false)
        );
        assert!(args(&["--bench", "--force"]).unwrap().force);
        let s = args(&["--bench", "--quick", "--no-memory"])
            .unwrap()
            .settings(9, true, 10);
        assert_eq!((s.rounds, s.memory), (3, false));
    }
}
