//! Outputs: tables (CSV), manifest (JSON), charts (PNG and SVG), written atomically.

pub mod atomic;
pub mod charts;
pub mod fan_charts;
pub mod manifest;
pub mod monte_carlo;
pub mod tables;
pub mod write;

pub use atomic::AtomicDir;
pub use write::{WriteOptions, write_projection, write_projection_with};
