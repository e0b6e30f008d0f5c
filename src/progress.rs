//! Progress bars on stderr for long runs; hidden when stderr is not a terminal, when the
//! terminal is `TERM=dumb` (which cannot take the escape codes a bar redraws with), or when
//! the output is meant for a program.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting `len` steps, with a message slot for what is running now; hidden unless
/// `show` and the terminal can draw it.
pub(crate) fn bar(len: u64, what: &str, show: bool) -> ProgressBar {
    if !show || std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A bar over `len` units of work (records run, so that a run at ten million records moves
/// it a thousand times further than one at ten thousand), showing the share done and the
/// time left; hidden as [`bar`] is.
pub(crate) fn weighted_bar(len: u64, what: &str, show: bool) -> ProgressBar {
    let bar = self::bar(len, what, show);
    if !bar.is_hidden() {
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {percent:>3}% (about {eta} left) {msg}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
    }
    bar
}
