//! The one integration test binary.
//!
//! Each feature gets a module here; new test modules go in this file as
//! another `mod` line, with their code in `tests/it/<feature>.rs`.

mod adversarial;
mod archives;
mod bench_kit;
mod compressed;
mod corpus_sweep;
mod encode;
mod encodings;
mod formats;
mod inputs;
mod iocs_cmd;
mod load_corpus;
mod logs;
mod mixed_folder;
mod model;
mod odd_files;
mod output_safety;
mod prop;
mod records;
mod reports;
mod rotate;
mod rules;
mod select;
