//! The `layoutlab` binary: parse, run, and turn errors into one line and an exit status.

use std::process::ExitCode;

fn main() -> ExitCode {
    match layoutlab::cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let broken_pipe = error.chain().any(|cause| {
                let kind = match (
                    cause.downcast_ref::<std::io::Error>(),
                    cause.downcast_ref::<serde_json::Error>(),
                ) {
                    (Some(io), _) => Some(io.kind()),
                    (None, Some(json)) => json.io_error_kind(),
                    (None, None) => None,
                };
                kind == Some(std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                // The reader went away (`layoutlab generate | head`): not an error.
                return ExitCode::SUCCESS;
            }
            eprintln!("layoutlab: error: {error:#}");
            ExitCode::from(layoutlab::error::exit_code(&error))
        }
    }
}
