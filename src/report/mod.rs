//! The report: one self-contained `report.html` (charts inlined as SVG, styles inline,
//! nothing fetched) and `report.md` with the same content, built from a comparison of
//! scenarios and the first scenario's sensitivity analysis.
//!
//! [`build`] assembles a format-neutral [`document::Document`] (findings computed by
//! [`findings`], tables, figures, definitions, method, sources); [`html`] and
//! [`markdown`] render it; [`mod@write`] writes the folder atomically.

pub mod build;
pub mod document;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod plan;
pub mod write;

pub use write::{ReportOptions, default_dir, origin, write_report, write_report_with};
