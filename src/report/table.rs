//! A minimal aligned text table for the terminal exporter.

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Pad on the right (text).
    Left,
    /// Pad on the left (numbers).
    Right,
}

/// Rows of cells printed with aligned columns and a rule under the header.
///
#[derive(Debug, Clone)]
pub(crate) struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles and alignments.
    pub(crate) fn new(columns: &[(&str, Align)]) -> Self {
        Table {
            header: columns.iter().map(|(t, _)| (*t).to_owned()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    ///
    /// # Panics
    ///
    /// If the row has not one cell per column: a table built wrong is a bug, and a cell
    /// silently dropped would be a figure lost.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        assert_eq!(
            cells.len(),
            self.header.len(),
            "a row of {} cells in a table of {} columns: {cells:?}",
            cells.len(),
            self.header.len()
        );
        self.rows.push(cells);
    }

    /// The table as text, columns separated by two spaces, each line ending in `\n`.
    pub(crate) fn render(&self) -> String {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = cells.get(i).map_or("", String::as_str);
                let pad = width - cell.chars().count();
                if i > 0 {
                    out.push_str("  ");
                }
                match self.align[i] {
                    Align::Left if i + 1 == n => out.push_str(cell),
                    Align::Left => {
                        out.push_str(cell);
                        out.push_str(&" ".repeat(pad));
                    }
                    Align::Right => {
                        out.push_str(&" ".repeat(pad));
                        out.push_str(cell);
                    }
                }
            }
            out.push('\n');
            out
        };
        let mut out = line(&self.header);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        out.push_str(&line(&rule));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_under_their_header() {
        let mut t = Table::new(&[("layout", Align::Left), ("ns", Align::Right)]);
        t.row(vec!["soa".into(), "1.5".into()]);
        assert_eq!(t.render(), "layout   ns\n------  ---\nsoa     1.5\n");
    }

    #[test]
    #[should_panic(expected = "a row of 3 cells in a table of 2 columns")]
    fn a_row_of_the_wrong_width_is_a_bug() {
        let mut t = Table::new(&[("a", Align::Left), ("b", Align::Right)]);
        t.row(vec!["1".into(), "2".into(), "3".into()]);
    }
}
