//! Integration tests: one module per feature; new test modules go here.

mod bench_kit;
