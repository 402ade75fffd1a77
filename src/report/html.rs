//! The report as one self-contained HTML file: styles inline, charts inline as SVG, no
//! scripts, no fonts or images fetched. A Content-Security-Policy of `default-src
//! 'none'` makes the browser refuse any request the page might still try to make, so a
//! stray reference would show as a console error rather than a silent fetch.
//! Source addresses are printed as text, not links.

use super::document::{Block, Document, Figure, Paragraph, Span, Table};
use crate::output::markdown::Align;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --shade: #f4f5f7; --accent: #17375e; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; line-height: 1.5; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
header.title { border-bottom: 3px solid var(--accent); padding-bottom: 0.8rem; margin-bottom: 1.2rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 0.4rem; color: var(--accent); }
.subtitle { color: var(--muted); margin: 0; }
.byline { margin: 0.3rem 0 0; font-weight: 600; }
nav.toc { background: var(--shade); padding: 0.6rem 1rem; margin: 1rem 0 1.5rem; font-size: 0.95rem; }
nav.toc ol { margin: 0.3rem 0 0; padding-left: 1.4rem; columns: 2; }
nav.toc a { color: var(--accent); }
h2 { font-size: 1.45rem; margin: 2.4rem 0 0.8rem; padding-top: 0.6rem; border-top: 1px solid var(--rule); color: var(--accent); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
p, li { font-size: 1rem; }
ul { padding-left: 1.3rem; }
li { margin: 0.45rem 0; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.88em; background: var(--shade);
  padding: 0 0.2em; overflow-wrap: anywhere; }
figure { margin: 1.5rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 0.92rem; margin-top: 0.4rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0 1.6rem; }
table { border-collapse: collapse; font-size: 0.86rem; width: 100%; }
th, td { padding: 0.3rem 0.55rem; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left;
  overflow-wrap: break-word; }
td.url { word-break: break-all; min-width: 12rem; }
th { border-bottom: 2px solid var(--ink); background: #fff; }
tbody tr:nth-child(even) { background: var(--shade); }
tr.group td { border-top: 1.5px solid var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; overflow-wrap: normal; }
.swatch { display: inline-block; width: 0.85em; height: 0.85em; margin-right: 0.35em; vertical-align: -0.08em;
  border-radius: 2px; }
.note { color: var(--muted); font-size: 0.88rem; margin-top: 0.35rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); padding-top: 0.6rem; }
@page { size: A4; margin: 14mm 13mm; }
@media print {
  html { font-size: 9.5pt; }
  body { line-height: 1.35; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h1 { font-size: 1.6rem; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 0; }
  h3 { break-after: avoid; page-break-after: avoid; margin: 0.9rem 0 0.3rem; }
  /* The reference part (definitions, method, sources) starts a page; the other sections
     follow on (a figure or a table row never splits, a heading never ends a page, a
     table's header repeats on the next page). */
  section#scenarios { break-before: page; page-break-before: always; }
  section h2 { margin-top: 1.2rem; }
  section#bottom-line h2, section#scenarios h2 { margin-top: 0; }
  thead { display: table-header-group; }
  li { margin: 0.2rem 0; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
  figure { margin: 0.6rem 0 0.9rem; }
  figure svg { border: none; max-width: 100%; max-height: 100mm; margin: 0 auto; }
  /* Taller charts (two panels, one bar per parameter) get more height to stay legible. */
  figure#fig-automation svg { max-height: 125mm; }
  figure[id^="fig-tornado"] svg { max-height: 135mm; }
  img { max-width: 100%; }
  .table-wrap { overflow: visible; margin: 0.5rem 0 0.8rem; }
  table { font-size: 0.8rem; }
  th, td { padding: 0.12rem 0.35rem; }
  section#sources table, section#scenarios table { font-size: 0.68rem; }
  section#sources th, section#sources td { padding: 0.06rem 0.3rem; }
  section#sources td { overflow-wrap: anywhere; }
  footer { margin-top: 0.5rem; padding-top: 0.3rem; }
}
"#;

/// Renders the document as a complete HTML page.
pub fn render(doc: &Document) -> String {
    let mut h = String::with_capacity(256 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         img-src data:\">\n",
    );
    h.push_str(&format!("<meta name=\"generator\" content=\"forcecast {}\">\n", escape(crate::VERSION)));
    h.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n", escape(&doc.title)));
    h.push_str(&format!(
        "<header class=\"title\">\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n",
        escape(&doc.title),
        escape(&doc.subtitle)
    ));
    let byline: Vec<String> = [&doc.author, &doc.date].into_iter().flatten().map(|x| escape(x)).collect();
    if !byline.is_empty() {
        h.push_str(&format!("<p class=\"byline\">{}</p>\n", byline.join(" · ")));
    }
    h.push_str("</header>\n");
    h.push_str("<nav class=\"toc\" aria-label=\"Contents\"><strong>Contents</strong>\n<ol>\n");
    for s in &doc.sections {
        h.push_str(&format!("<li><a href=\"#{}\">{}</a></li>\n", escape(&s.id), escape(&s.heading)));
    }
    h.push_str("</ol>\n</nav>\n");
    let mut figure_no = 0;
    for s in &doc.sections {
        h.push_str(&format!("<section id=\"{}\">\n<h2>{}</h2>\n", escape(&s.id), escape(&s.heading)));
        for b in &s.blocks {
            match b {
                Block::Heading(t) => h.push_str(&format!("<h3>{}</h3>\n", escape(t))),
                Block::Paragraph(p) => h.push_str(&format!("<p>{}</p>\n", spans(p))),
                Block::Bullets(items) => {
                    h.push_str("<ul>\n");
                    for p in items {
                        h.push_str(&format!("<li>{}</li>\n", spans(p)));
                    }
                    h.push_str("</ul>\n");
                }
                Block::Table(t) => h.push_str(&table(t)),
                Block::Figure(f) => {
                    figure_no += 1;
                    h.push_str(&figure(f, figure_no));
                }
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str(&format!(
        "<footer>{}. Self-contained: this file loads nothing from the network.</footer>\n",
        escape(&doc.subtitle)
    ));
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn spans(p: &Paragraph) -> String {
    p.iter()
        .map(|s| match s {
            Span::Text(t) => escape(t),
            Span::Strong(t) => format!("<strong>{}</strong>", escape(t)),
            Span::Code(t) => format!("<code>{}</code>", escape(t)),
        })
        .collect()
}

fn table(t: &Table) -> String {
    let class = |i: usize| if t.align.get(i) == Some(&Align::Right) { " class=\"num\"" } else { "" };
    let mut h = String::from("<div class=\"table-wrap\">\n<table>\n<thead><tr>");
    for (i, head) in t.header.iter().enumerate() {
        let swatch = match t.swatches.get(i).copied().flatten() {
            Some((r, g, b)) => format!("<span class=\"swatch\" style=\"background:#{r:02x}{g:02x}{b:02x}\"></span>"),
            None => String::new(),
        };
        h.push_str(&format!("<th scope=\"col\"{}>{swatch}{}</th>", class(i), escape(head)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (r, row) in t.rows.iter().enumerate() {
        // A row whose first cell is filled after rows with it blank starts a group
        // (the key-years table names each metric once): a rule above it shows the group.
        let starts_group = r > 0
            && row.first().is_some_and(|c| !c.is_empty())
            && t.rows.iter().any(|x| x.first().is_some_and(String::is_empty));
        h.push_str(if starts_group { "<tr class=\"group\">" } else { "<tr>" });
        for i in 0..t.header.len() {
            let raw = row.get(i).map_or("", String::as_str);
            let cell = escape(raw);
            let cell = if t.strong.contains(&(r, i)) { format!("<strong>{cell}</strong>") } else { cell };
            // Addresses may break anywhere; other text only between words.
            let class = if raw.starts_with("http://") || raw.starts_with("https://") {
                " class=\"url\"".to_string()
            } else {
                class(i).to_string()
            };
            h.push_str(&format!("<td{class}>{cell}</td>"));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if let Some(n) = &t.note {
        h.push_str(&format!("<p class=\"note\">{}</p>\n", escape(n)));
    }
    h.push_str("</div>\n");
    h
}

fn figure(f: &Figure, n: usize) -> String {
    format!(
        "<figure id=\"fig-{}\">\n{}\n<figcaption>Figure {n}. {}</figcaption>\n</figure>\n",
        escape(&f.stem),
        inline_svg(&f.svg, &f.alt),
        escape(&f.caption)
    )
}

/// Prepares a standalone SVG document for inlining: drops any XML declaration, and
/// replaces the fixed width and height of the root element by its viewBox, so the chart
/// scales with the page; adds `role="img"` and the alternative text.
pub fn inline_svg(svg: &str, alt: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => return String::new(),
    };
    let Some(end) = body.find('>') else { return String::new() };
    let tag = &body[..end];
    let attr = |name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let i = tag.find(&key)? + key.len();
        let j = tag[i..].find('"')? + i;
        Some(tag[i..j].to_string())
    };
    let view_box = attr("viewBox").or_else(|| Some(format!("0 0 {} {}", attr("width")?, attr("height")?)));
    let mut open = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    if let Some(vb) = view_box {
        open.push_str(&format!(" viewBox=\"{}\"", escape(&vb)));
    }
    open.push_str(&format!(" role=\"img\" aria-label=\"{}\"", escape(alt)));
    format!("{open}{}", &body[end..]).trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_scales_with_the_page() {
        let svg = "<svg width=\"1200\" height=\"750\" viewBox=\"0 0 1200 750\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let out = inline_svg(svg, "a <chart>");
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1200 750\" role=\"img\" aria-label=\"a &lt;chart&gt;\">"), "{out}");
        assert!(!out.contains("width=\"1200\""));
        assert!(out.ends_with("</svg>"));
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
