//! Issue 17's rule on the tree, kept by a test: no two modules in `src/` import each other,
//! and no longer chain of imports comes back to where it started. A cycle means neither
//! module can be read, changed or moved without the other, and the fix (a module below both,
//! or the item moved to where it belongs) is cheap only while it is one import old.
//!
//! A module is a file (`src/own/kind/mod.rs` is `own::kind`; an inline `mod tests {…}`
//! counts as its file). An import is any path that starts `crate::` (or `layoutlab::`, the
//! crate's name for itself), `super::` or `self::`, or names a child module, in a `use`
//! statement (groups included) or anywhere in code; it points at the deepest module file the
//! path names. A module and its own ancestors are not a cycle: a parent re-exporting its
//! children (`pub use self::aos::Aos`) and a child using its parent's items
//! (`use super::Record`) is how a Rust module tree is built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// One import: the module it points at, and the line that says so.
#[derive(Debug, Clone)]
struct Import {
    to: Module,
    line: usize,
}

/// Each module's imports of other modules that are not its ancestors or descendants.
type Graph = BTreeMap<Module, Vec<Import>>;

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// The module a file under `src/` defines (`own/kind/mod.rs` → `own::kind`; the crate roots
/// → `[]`).
fn module_of(relative: &str) -> Module {
    let stem = relative.strip_suffix(".rs").unwrap_or(relative);
    let mut parts: Module = stem.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

/// The paths of a `use` tree (`a::{b, c::{d as e, self}}` → `a::b`, `a::c::d`, `a::c`).
fn expand(tree: &str, prefix: &[String], out: &mut Vec<Module>) {
    let mut depth = 0;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in tree.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&tree[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tree[start..]);
    for part in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(open) = part.find('{') {
            let head = part[..open].trim_end_matches("::");
            let inner = part[open + 1..].trim_end().trim_end_matches('}');
            let mut path = prefix.to_vec();
            path.extend(segments(head));
            expand(inner, &path, out);
        } else {
            let part = part.split(" as ").next().unwrap_or(part);
            let mut path = prefix.to_vec();
            path.extend(segments(part));
            out.push(path);
        }
    }
}

fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "*")
        .map(str::to_owned)
}

/// The paths in a line of code outside `use`: every `crate::…`, `super::…` and `self::…`.
fn code_paths(line: &str) -> Vec<Module> {
    let bytes = line.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = ["crate::", "super::", "self::", "layoutlab::"]
            .iter()
            .any(|k| bytes[i..].starts_with(k.as_bytes()));
        if starts && (i == 0 || !ident(bytes[i - 1])) {
            let mut end = i;
            while end < bytes.len() && (ident(bytes[end]) || bytes[end..].starts_with(b"::")) {
                end += if bytes[end] == b':' { 2 } else { 1 };
            }
            out.push(segments(&line[i..end]).collect());
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Where `path`, written inside module `at`, points: the deepest module file it names, or
/// `None` for another crate's path.
fn resolve(path: &[String], at: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let (mut target, rest): (Module, &[String]) = match path.first().map(String::as_str) {
        // `extern crate self as layoutlab` makes the crate's name a path to its root.
        Some("crate" | "layoutlab") => (Vec::new(), &path[1..]),
        Some("super" | "self") => {
            let mut base = at.to_vec();
            let mut rest = path;
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => drop(base.pop()),
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
            (base, rest)
        }
        Some(first) => {
            let mut child = at.to_vec();
            child.push(first.to_owned());
            if !modules.contains(&child) {
                return None;
            }
            (at.to_vec(), path)
        }
        None => return None,
    };
    for segment in rest {
        target.push(segment.clone());
        if !modules.contains(&target) {
            target.pop();
            break;
        }
    }
    // An inline module is part of its file.
    while !modules.contains(&target) {
        target.pop();
    }
    Some(target)
}

fn is_ancestor(a: &[String], b: &[String]) -> bool {
    a.len() <= b.len() && b[..a.len()] == *a
}

/// The import graph of a tree, from its files (path under `src/`, text).
fn graph(files: &[(String, String)]) -> Graph {
    let modules: BTreeSet<Module> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut graph = Graph::new();
    for (path, text) in files {
        let file = module_of(path);
        let mut inline: Vec<(usize, String)> = Vec::new();
        let mut imports = Vec::new();
        let mut statement: Option<(String, usize)> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split("//").next().unwrap_or("");
            let indent = raw.len() - raw.trim_start().len();
            if inline
                .last()
                .is_some_and(|(i, _)| raw.trim_end() == format!("{}}}", " ".repeat(*i)))
            {
                inline.pop();
            }
            let mut at = file.clone();
            at.extend(inline.iter().map(|(_, m)| m.clone()));
            let trimmed = line.trim_start();
            let word = trimmed.strip_prefix("pub").map_or(trimmed, |rest| {
                rest.trim_start_matches(|c: char| c != ' ').trim_start()
            });
            let mut paths = Vec::new();
            if let Some((mut text, first)) = statement.take() {
                text.push_str(line);
                statement = Some((text, first));
            } else if let Some(tree) = word.strip_prefix("use ") {
                statement = Some((tree.to_owned(), n + 1));
            } else {
                paths = code_paths(line);
            }
            if let Some((text, first)) = statement.take() {
                match text.split_once(';') {
                    Some((tree, _)) => {
                        let mut used = Vec::new();
                        expand(tree, &[], &mut used);
                        paths.extend(used);
                        for path in paths.drain(..) {
                            if let Some(to) = resolve(&path, &at, &modules) {
                                imports.push(Import { to, line: first });
                            }
                        }
                    }
                    None => statement = Some((text, first)),
                }
            }
            for path in paths {
                if let Some(to) = resolve(&path, &at, &modules) {
                    imports.push(Import { to, line: n + 1 });
                }
            }
            if let Some(name) = inline_mod(trimmed) {
                inline.push((indent, name));
            }
        }
        // One import per module it points at: the first line that does.
        let mut seen = BTreeSet::new();
        imports.retain(|i| {
            !is_ancestor(&i.to, &file) && !is_ancestor(&file, &i.to) && seen.insert(i.to.clone())
        });
        graph.entry(file).or_default().extend(imports);
    }
    graph
}

/// The name of an inline module that opens on this line (`mod tests {`).
fn inline_mod(line: &str) -> Option<String> {
    let rest = line.strip_prefix("pub").map_or(line, |r| {
        r.trim_start_matches(|c: char| c != ' ').trim_start()
    });
    let rest = rest.strip_prefix("mod ")?;
    let (name, after) = rest.split_once(' ')?;
    after.trim().starts_with('{').then(|| name.to_owned())
}

/// Every import cycle, as its modules with the file lines that close it: pairs first
/// (`a` imports `b` at line 5, `b` imports `a` at line 9), then the longer ones.
fn cycles(graph: &Graph) -> Vec<String> {
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(m) = stack.pop() {
            for i in graph.get(&m).into_iter().flatten() {
                if seen.insert(i.to.clone()) {
                    stack.push(i.to.clone());
                }
            }
        }
        seen
    };
    let mut found = Vec::new();
    let mut in_cycle = BTreeSet::new();
    for (a, imports) in graph {
        for i in imports.iter().filter(|i| *a < i.to) {
            if let Some(back) = graph[&i.to].iter().find(|j| j.to == *a) {
                found.push(format!(
                    "{} imports {} (line {}) and {} imports {} (line {})",
                    name(a),
                    name(&i.to),
                    i.line,
                    name(&i.to),
                    name(a),
                    back.line
                ));
            }
        }
    }
    for a in graph.keys() {
        if in_cycle.contains(a) {
            continue;
        }
        let from_a = reach(a);
        let ring: Vec<&Module> = from_a
            .iter()
            .filter(|b| *b != a && reach(b).contains(a))
            .collect();
        if ring.len() > 1 {
            in_cycle.insert(a.clone());
            in_cycle.extend(ring.iter().map(|m| (*m).clone()));
            let names: Vec<String> = std::iter::once(a).chain(ring).map(|m| name(m)).collect();
            found.push(format!("a cycle through {}", names.join(", ")));
        }
    }
    found
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy();
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((relative.replace('\\', "/"), text));
        }
    }
}

#[test]
fn no_two_modules_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    let graph = graph(&files);
    let edges: usize = graph.values().map(Vec::len).sum();
    assert!(edges > 100, "found only {edges} imports between modules");
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "import cycles in src/:\n{}",
        found.join("\n")
    );
}

fn tree(files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect();
    cycles(&graph(&files))
}

#[test]
fn the_check_sees_cycles_written_every_way() {
    let pair = tree(&[
        ("lib.rs", "mod own;\n"),
        ("own/mod.rs", "pub mod kind;\npub mod heap_map;\n"),
        (
            "own/kind/mod.rs",
            "use crate::own::{\n    heap_map::Value,\n    Record,\n};\n",
        ),
        ("own/heap_map.rs", "use super::kind::{Field, Kind};\n"),
    ]);
    assert_eq!(
        pair,
        ["own::heap_map imports own::kind (line 1) and own::kind imports own::heap_map (line 1)"]
    );
    let in_code = tree(&[
        ("a.rs", "fn f() -> crate::b::B { todo!() }\n"),
        ("b.rs", "pub struct B(crate::a::A);\n"),
    ]);
    assert_eq!(in_code.len(), 1, "{in_code:?}");
    let ring = tree(&[
        ("a.rs", "use crate::b::B;\n"),
        ("b.rs", "use crate::c::C;\n"),
        ("c.rs", "pub(crate) use crate::a::A;\n"),
    ]);
    assert_eq!(ring, ["a cycle through a, b, c"]);
}

#[test]
fn parents_comments_and_tests_modules_are_not_cycles() {
    let none = tree(&[
        ("own/mod.rs", "mod kind;\npub use self::kind::Kind;\n"),
        ("own/kind.rs", "use super::Record;\n"),
        (
            "a.rs",
            "// see crate::b::B\n/// [`B`](crate::b::B)\npub struct A;\n",
        ),
        (
            "b.rs",
            "use crate::a::A;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
    ]);
    assert!(none.is_empty(), "{none:?}");
}
