//! Valgrind client requests, for the few callgrind needs: "am I under valgrind?", and
//! start, dump and stop its counting at the pipeline's stage boundaries.
//!
//! A client request is a magic instruction sequence that does nothing on a real CPU and
//! that valgrind's translator recognises and turns into a call into the tool. The sequence
//! for x86_64 is copied from valgrind's own header, `valgrind.h` (3.19,
//! `VALGRIND_DO_CLIENT_REQUEST_EXPR` for `PLAT_amd64_linux`, lines 416–440): four `rol`s of
//! `rdi` that add up to 128 bits (so `rdi` comes back unchanged), then `xchg rbx, rbx`,
//! with `rax` pointing to six words (the request code and five arguments) and `rdx`
//! carrying the default result in and the result out. The request codes are from
//! `callgrind.h` (`VG_USERREQ_TOOL_BASE('C','T')` + 0…5) and `valgrind.h`
//! (`VG_USERREQ__RUNNING_ON_VALGRIND` = 0x1001).
//!
//! No crate fits: `crabgrind` needs valgrind's C headers at build time and
//! `valgrind-requests` needs bindgen and libclang, while layoutlab (and crates that depend
//! on it) must build on machines without valgrind; `valgrind_request` needs nightly.
//!
//! On other architectures every request is a no-op that returns its default
//! ([`SUPPORTED`] is false), as valgrind's header does on platforms it does not know.

use std::ffi::CStr;

/// Whether client requests reach valgrind on this architecture (x86_64 only).
pub const SUPPORTED: bool = cfg!(target_arch = "x86_64");

/// `VG_USERREQ_TOOL_BASE('C','T')`: `('C' & 0xff) << 24 | ('T' & 0xff) << 16`.
const CALLGRIND_BASE: usize = (b'C' as usize) << 24 | (b'T' as usize) << 16;

/// Callgrind's requests, in `callgrind.h`'s order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum Callgrind {
    /// `CALLGRIND_ZERO_STATS`.
    ZeroStats = CALLGRIND_BASE + 1,
    /// `CALLGRIND_DUMP_STATS_AT(pos_str)`.
    DumpStatsAt = CALLGRIND_BASE + 3,
    /// `CALLGRIND_START_INSTRUMENTATION`.
    StartInstrumentation = CALLGRIND_BASE + 4,
    /// `CALLGRIND_STOP_INSTRUMENTATION`.
    StopInstrumentation = CALLGRIND_BASE + 5,
}

/// `VG_USERREQ__RUNNING_ON_VALGRIND`, handled by valgrind's core under every tool.
const RUNNING_ON_VALGRIND: usize = 0x1001;

// The codes are what callgrind.h's enum gives them.
const _: () = assert!(CALLGRIND_BASE == 0x4354_0000);
const _: () = assert!(Callgrind::DumpStatsAt as usize == 0x4354_0003);

/// Issues one client request: `request` with `args`, returning valgrind's answer, or
/// `default` when not running under valgrind.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn request(default: usize, request: usize, args: [usize; 5]) -> usize {
    let block: [usize; 6] = [request, args[0], args[1], args[2], args[3], args[4]];
    let result: usize;
    // SAFETY: on a real CPU the sequence changes nothing but `rdx` (declared as the output)
    // and the flags (`rol` sets CF and OF; not declared `preserves_flags`): the four
    // rotations of `rdi` add up to 128 bits, a full turn twice, and `xchg rbx, rbx` swaps a
    // register with itself, so neither changes. `rdi` is still declared clobbered, so
    // nothing relies on that arithmetic. Under valgrind the sequence becomes a call into the
    // tool, which reads the six words at `rax` (`block`, alive on this stack frame until
    // the asm ends) and, for `DUMP_STATS_AT`, the NUL-terminated string its first argument
    // points to (a `&'static CStr`, see `dump_stats_at`); no `nomem` or `readonly`, so the
    // compiler assumes memory may be read or written and orders the request after every
    // store before it. It touches no stack (`nostack`).
    unsafe {
        core::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") default => result,
            in("rax") block.as_ptr(),
            inout("rdi") 0usize => _,
            options(nostack),
        );
    }
    result
}

/// Elsewhere, as under valgrind's header for unknown platforms: the default.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn request(default: usize, _request: usize, _args: [usize; 5]) -> usize {
    default
}

/// How many valgrinds this process runs under: 0 on a real CPU, 1 under valgrind (more
/// when valgrind runs valgrind). Always 0 where [`SUPPORTED`] is false.
///
/// # Examples
///
/// ```
/// use layoutlab::measure::costs::client_request::running_on_valgrind;
///
/// if running_on_valgrind() == 0 {
///     println!("on a real CPU");
/// }
/// ```
#[inline]
pub fn running_on_valgrind() -> usize {
    request(0, RUNNING_ON_VALGRIND, [0; 5])
}

/// Callgrind: start instrumenting (and so counting) from here, in a run started with
/// `--instr-atstart=no`. Valgrind discards its translations to do so, which takes a moment
/// but is not counted. A no-op on a real CPU.
#[inline]
pub fn start_instrumentation() {
    request(0, Callgrind::StartInstrumentation as usize, [0; 5]);
}

/// Callgrind: stop instrumenting from here; nothing after it is counted. A no-op on a real
/// CPU.
#[inline]
pub fn stop_instrumentation() {
    request(0, Callgrind::StopInstrumentation as usize, [0; 5]);
}

/// Callgrind: set every count to zero. A no-op on a real CPU.
#[inline]
pub fn zero_stats() {
    request(0, Callgrind::ZeroStats as usize, [0; 5]);
}

/// Callgrind: write the counts since the last dump (or zeroing) to a dump file of their
/// own, whose `desc: Trigger:` line reads `Client Request: <name>`, and start again from
/// zero. A no-op on a real CPU.
#[inline]
pub fn dump_stats_at(name: &'static CStr) {
    request(
        0,
        Callgrind::DumpStatsAt as usize,
        [name.as_ptr() as usize, 0, 0, 0, 0],
    );
}
