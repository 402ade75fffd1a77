//! Outputs: tables (CSV), manifest (JSON), charts (PNG and SVG), written atomically
//! into folders that forcecast owns (marked by `.forcecast-output`);
//! the folders of comparisons and sensitivity analyses.

pub mod analysis_manifest;
pub mod atomic;
pub mod charts;
pub mod columns;
pub mod compare;
pub mod fan_charts;
pub mod guard;
pub mod manifest;
pub mod markdown;
pub mod monte_carlo;
pub mod numbers;
pub mod owned;
pub mod sensitivity;
pub mod tables;
pub mod write;
pub mod xlsx;
pub mod years;

pub use atomic::{AtomicDir, check_destination};
pub use owned::Origin;
pub use write::{WriteOptions, write_projection, write_projection_with};
