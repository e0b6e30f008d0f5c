//! Issue 10's limits on the tree, kept by a test rather than by memory: no file in `src/`
//! over 450 lines and `src/cli.rs` at most 300, so a file that grows past them fails CI
//! and gets split while its parts are still easy to see.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn no_source_file_outgrows_its_limit() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found only {} files in src/", files.len());
    let too_long: Vec<String> = files
        .iter()
        .map(|f| (f, lines(f)))
        .filter(|(_, n)| *n > 450)
        .map(|(f, n)| format!("{} ({n} lines)", f.display()))
        .collect();
    assert!(too_long.is_empty(), "over 450 lines: {too_long:?}");
    let cli = lines(&src.join("cli.rs"));
    assert!(cli <= 300, "src/cli.rs has {cli} lines, more than 300");
}
