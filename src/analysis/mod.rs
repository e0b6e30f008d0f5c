//! Analysis: what the measured figures say — the decision guide's rankings and verdicts, and
//! the regression gate's judgement of one run against another.

pub(crate) mod costs;
pub(crate) mod figures;
pub(crate) mod gate;
pub(crate) mod guide;
pub(crate) mod merge;
pub(crate) mod own;
pub(crate) mod proposal;
pub(crate) mod stats;
pub(crate) mod sweep;
pub(crate) mod verdict;
