//! What the report was measured on: CPU, cores, memory, OS, compiler, commit and date.
//!
//! Captured once per run and saved with the results, so `report` can rebuild the same files
//! later on another machine without describing the wrong one.

use std::process::Command;

use crate::model::{Cache, Machine};
use crate::units::Bytes;

/// Describes this machine and build, now.
pub(crate) fn current() -> Machine {
    Machine {
        cpu: cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_owned()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_bytes: total_memory().unwrap_or(0),
        os: os_description(),
        rustc: env!("LAYOUTLAB_RUSTC").to_owned(),
        layoutlab: env!("CARGO_PKG_VERSION").to_owned(),
        commit: git_commit().unwrap_or_else(|| "unknown".to_owned()),
        date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        caches: caches(),
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name") || l.starts_with("Model"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

fn total_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn os_description() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|s| s.trim().to_owned());
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p}, kernel {k}"),
        (Some(p), None) => p,
        (None, Some(k)) => format!("{} {k}", std::env::consts::OS),
        (None, None) => std::env::consts::OS.to_owned(),
    }
}

/// The commit of the source tree layoutlab was built from, if it is a git checkout.
fn git_commit() -> Option<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let head = Command::new("git")
        .args(["-C", dir, "rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let mut commit = String::from_utf8(head.stdout).ok()?.trim().to_owned();
    let dirty = Command::new("git")
        .args(["-C", dir, "status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .is_some_and(|o| o.status.success() && !o.stdout.is_empty());
    if dirty {
        commit.push_str("-dirty");
    }
    Some(commit)
}

/// Memory the kernel says is available for new work (`MemAvailable`), in bytes; `None` where
/// it cannot tell.
pub(crate) fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The first CPU's caches, from `/sys/devices/system/cpu/cpu0/cache` (Linux).
fn caches() -> Vec<Cache> {
    let Ok(entries) = std::fs::read_dir("/sys/devices/system/cpu/cpu0/cache") else {
        return Vec::new();
    };
    let mut caches: Vec<Cache> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("index"))
        .filter_map(|e| {
            let read = |name: &str| std::fs::read_to_string(e.path().join(name)).ok();
            let level = read("level")?.trim().parse().ok()?;
            let kind = read("type")?.trim().to_owned();
            let size = parse_size(read("size")?.trim())?;
            Some(Cache { level, kind, size })
        })
        .collect();
    caches.sort_by(|a, b| (a.level, &a.kind).cmp(&(b.level, &b.kind)));
    caches
}

/// `48K`, `2048K`, `32M` as the kernel writes cache sizes.
fn parse_size(text: &str) -> Option<Bytes> {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = digits.parse().ok()?;
    let scale = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return None,
    };
    Some(Bytes(n * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_sizes_parse_as_the_kernel_writes_them() {
        assert_eq!(parse_size("48K"), Some(Bytes(48 * 1024)));
        assert_eq!(parse_size("491520K"), Some(Bytes(480 << 20)));
        assert_eq!(parse_size("32M"), Some(Bytes(32 << 20)));
        assert_eq!(parse_size("12"), Some(Bytes(12)));
        assert_eq!(parse_size("x"), None);
    }
}
