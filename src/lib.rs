//! iocsweep: sweeps logs for the indicators of compromise that security
//! advisories publish.
//!
//! The pipeline: [`load`] reads indicator files into an
//! [`set::IndicatorSet`]; [`matcher`] compiles the set and finds
//! indicators in a byte slice; [`sweep`] walks inputs, splits them into
//! line-aligned chunks and runs the matcher over them in parallel;
//! [`report`] writes hit records and the summary.

#![deny(missing_docs)]

pub mod allow;
pub mod bundled;
pub mod check;
pub mod export;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod indicator;
pub mod inspect;
pub mod load;
pub mod logs;
pub mod matcher;
pub mod report;
pub mod set;
pub mod sweep;
pub mod time;
