//! Analysis: what the measured figures say — the decision guide's rankings and verdicts.

pub(crate) mod costs;
pub(crate) mod figures;
pub(crate) mod guide;
pub(crate) mod merge;
pub(crate) mod own;
pub(crate) mod stats;
pub(crate) mod sweep;
