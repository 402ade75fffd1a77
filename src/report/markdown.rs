//! The report as Markdown, for pasting into documents: the same sections as the HTML,
//! with each chart referenced as `charts/<stem>.png` beside the file.

use super::document::{Block, Document, Paragraph, Span};
use crate::output::markdown::table;

fn spans(p: &Paragraph) -> String {
    p.iter()
        .map(|s| match s {
            Span::Text(t) => t.clone(),
            Span::Strong(t) => format!("**{t}**"),
            Span::Code(t) => format!("`{}`", t.replace('`', "'")),
        })
        .collect()
}

/// Renders the document as Markdown.
pub fn render(doc: &Document) -> String {
    let mut m = format!("# {}\n\n{}\n\n", doc.title, doc.subtitle);
    let byline: Vec<&str> = [&doc.author, &doc.date].into_iter().flatten().map(String::as_str).collect();
    if !byline.is_empty() {
        m.push_str(&format!("**{}**\n\n", byline.join(" · ")));
    }
    m.push_str("Contents: ");
    m.push_str(&doc.sections.iter().map(|s| s.heading.clone()).collect::<Vec<_>>().join(" · "));
    m.push_str("\n\n");
    let mut figure_no = 0;
    for s in &doc.sections {
        m.push_str(&format!("## {}\n\n", s.heading));
        for b in &s.blocks {
            match b {
                Block::Heading(t) => m.push_str(&format!("### {t}\n\n")),
                Block::Paragraph(p) => m.push_str(&format!("{}\n\n", spans(p))),
                Block::Bullets(items) => {
                    for p in items {
                        m.push_str(&format!("- {}\n", spans(p)));
                    }
                    m.push('\n');
                }
                Block::Table(t) => {
                    let rows: Vec<Vec<String>> = t
                        .rows
                        .iter()
                        .enumerate()
                        .map(|(r, row)| {
                            row.iter()
                                .enumerate()
                                .map(|(i, c)| if t.strong.contains(&(r, i)) { format!("**{c}**") } else { c.clone() })
                                .collect()
                        })
                        .collect();
                    m.push_str(&table(&t.header, &t.align, &rows));
                    if let Some(n) = &t.note {
                        m.push_str(&format!("\n{n}\n"));
                    }
                    m.push('\n');
                }
                Block::Figure(f) => {
                    figure_no += 1;
                    m.push_str(&format!(
                        "![{}](charts/{}.png)\n\n*Figure {figure_no}. {}* (SVG: `charts/{}.svg`)\n\n",
                        f.alt.replace(['[', ']'], ""),
                        f.stem,
                        f.caption,
                        f.stem
                    ));
                }
            }
        }
    }
    // The subtitle names the tool version already.
    m.push_str(&format!("---\n\n{}.\n", doc.subtitle));
    m
}
