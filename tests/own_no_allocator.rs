//! A bench file that forgot `layoutlab::global_allocator!()`: its heap cannot be measured,
//! and the harness says what line is missing instead of reporting empty figures.

use std::process::Command;

use layoutlab::{Harness, Record, Store, Workload};

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

struct SumX;

impl Workload<Point> for SumX {
    type Output = f64;
    fn run<S: Store<Point>>(&self, points: &mut S) -> f64 {
        (0..points.len()).map(|i| f64::from(points.x(i))).sum()
    }
}

fn main() {
    if std::env::args().any(|a| a == "--bench") || std::env::var_os("LAYOUTLAB_OWN_CHILD").is_some()
    {
        return Harness::<Point>::new("points")
            .generate(|i| Point {
                x: i as f32,
                y: 0.0,
            })
            .workload("sum_x", SumX)
            .run();
    }
    let out = std::env::temp_dir().join(format!("layoutlab-no-alloc-{}", std::process::id()));
    let run = Command::new(std::env::current_exe().unwrap())
        .args([
            "--bench",
            "--records",
            "200",
            "--rounds",
            "1",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("layoutlab::global_allocator!();"),
        "{stderr}"
    );
    // Timings and the report are still there.
    assert!(out.join("REPORT.md").is_file());
    println!("test a_missing_allocator_is_named ... ok");
}
