//! Without valgrind, measuring costs is one typed error that says what to install. This
//! file is a process of its own, so pointing `LAYOUTLAB_VALGRIND` at nothing cannot reach
//! the tests that need the real valgrind (`tests/costs.rs`).

use std::num::NonZeroUsize;
use std::path::Path;

use layoutlab::measure::costs::{
    measure_layout, valgrind_version, CostError, CostPlan, VALGRIND_ENV,
};
use layoutlab::source::{GeneratorConfig, SourceSpec};

#[test]
fn a_missing_valgrind_is_not_installed() {
    // The only test in this process, so no other thread reads the environment meanwhile.
    std::env::set_var(VALGRIND_ENV, "/nonexistent/valgrind");
    let e = valgrind_version().unwrap_err();
    assert!(matches!(e, CostError::NotInstalled), "{e:?}");
    assert_eq!(
        e.to_string(),
        "valgrind is not installed; install it (Debian: apt-get install valgrind) to measure \
         costs"
    );
    let source = SourceSpec::Generated(GeneratorConfig {
        records: 10,
        sensors: 1,
        seed: 1,
    });
    let plan = CostPlan {
        source: &source,
        window: NonZeroUsize::new(4).unwrap(),
        caches: None,
        program: Some(Path::new(env!("CARGO_BIN_EXE_layoutlab"))),
    };
    let e = measure_layout("soa", &plan).unwrap_err();
    assert!(matches!(e, CostError::NotInstalled), "{e:?}");
}
