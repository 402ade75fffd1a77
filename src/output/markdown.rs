//! Markdown tables (GitHub-flavoured pipe tables), shared by `key_years.md`,
//! `sensitivity.md` and `report.md`.

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// Escapes text for a table cell: pipes and line breaks would end the cell or the row.
pub fn cell(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A pipe table. Rows shorter than the header are padded with empty cells.
pub fn table(header: &[String], align: &[Align], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let line = |cells: &[String]| {
        let mut s = String::from("|");
        for i in 0..header.len() {
            s.push(' ');
            s.push_str(&cell(cells.get(i).map_or("", String::as_str)));
            s.push_str(" |");
        }
        s.push('\n');
        s
    };
    out.push_str(&line(header));
    out.push('|');
    for i in 0..header.len() {
        out.push_str(match align.get(i) {
            Some(Align::Right) => "---:|",
            _ => "---|",
        });
    }
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_table() {
        let t = table(
            &["a".into(), "b".into()],
            &[Align::Left, Align::Right],
            &[vec!["x|y".into(), "1".into()], vec!["z".into()]],
        );
        assert_eq!(t, "| a | b |\n|---|---:|\n| x\\|y | 1 |\n| z |  |\n");
    }
}
