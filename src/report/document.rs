//! A report as plain data: sections of paragraphs, lists, tables and figures. The HTML
//! and Markdown renderers draw the same document, so the two files say the same thing.

use crate::output::markdown::Align;

/// A run of text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Emphasised text.
    Strong(String),
    /// A file name, key or command.
    Code(String),
}

/// A paragraph: spans in order.
pub type Paragraph = Vec<Span>;

/// A table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column headings.
    pub header: Vec<String>,
    /// Column alignment.
    pub align: Vec<Align>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Cells to emphasise (row, column), e.g. values that differ from the first scenario.
    pub strong: Vec<(usize, usize)>,
    /// A colour key (RGB) for header columns, e.g. each scenario's chart colour.
    pub swatches: Vec<Option<(u8, u8, u8)>>,
    /// A note under the table (units, sources).
    pub note: Option<String>,
}

/// A chart: its SVG (for HTML) and its file stem under `charts/` (for Markdown).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// File stem under `charts/` (`<stem>.png`, `<stem>.svg`).
    pub stem: String,
    /// Alternative text: what the chart shows.
    pub alt: String,
    /// Caption under the chart.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// A block of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A sub-heading.
    Heading(String),
    /// A paragraph.
    Paragraph(Paragraph),
    /// A bulleted list.
    Bullets(Vec<Paragraph>),
    /// A table.
    Table(Table),
    /// A chart.
    Figure(Figure),
}

/// A section with its anchor id (for the table of contents) and heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor id (letters, digits, `-`).
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Title.
    pub title: String,
    /// One line under the title (scenarios, tool version).
    pub subtitle: String,
    /// Author line (`--author`), if given.
    pub author: Option<String>,
    /// Date line (`--date`), if given; none by default so that outputs are reproducible
    /// byte for byte.
    pub date: Option<String>,
    /// Sections in order.
    pub sections: Vec<Section>,
}

/// A paragraph of plain text.
pub fn text(s: impl Into<String>) -> Paragraph {
    vec![Span::Text(s.into())]
}
