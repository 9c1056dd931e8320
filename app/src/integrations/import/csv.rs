//! Reading CSV as spreadsheets write it: RFC 4180 quoting (a quoted cell may hold commas,
//! line breaks and doubled quotes), `,` or `;` between cells (whichever the header line has
//! more of outside quotes: Excel in Nordic and Baltic locales writes `;`), CRLF or LF line
//! ends, a UTF-8 byte-order mark dropped, blank lines skipped.

/// A file read: its header's cells and each row's, with the row's line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The first line's cells, trimmed.
    pub header: Vec<String>,
    /// `(line number in the file, cells)` for every non-blank row after the header.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvError {
    /// Not UTF-8 text.
    NotUtf8,
    /// No header line.
    Empty,
    /// A quote opened on `line` is never closed.
    UnclosedQuote {
        /// Where it opened.
        line: usize,
    },
    /// More rows than one import takes.
    TooManyRows,
}

/// Reads `bytes` as CSV with at most `max_rows` rows after the header.
pub fn parse(bytes: &[u8], max_rows: usize) -> Result<Table, CsvError> {
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = delimiter(text);
    let mut records = Vec::new();
    let (mut cells, mut cell) = (Vec::new(), String::new());
    let (mut line, mut start_line, mut quoted, mut was_quoted) = (1, 1, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() && !was_quoted => {
                cell.clear();
                quoted = true;
                was_quoted = true;
            }
            c if c == delimiter => {
                cells.push(finish(&mut cell, &mut was_quoted));
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                cells.push(finish(&mut cell, &mut was_quoted));
                push_record(
                    &mut records,
                    start_line,
                    std::mem::take(&mut cells),
                    max_rows,
                )?;
                line += 1;
                start_line = line;
            }
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err(CsvError::UnclosedQuote { line: start_line });
    }
    if !cell.is_empty() || !cells.is_empty() || was_quoted {
        cells.push(finish(&mut cell, &mut was_quoted));
        push_record(&mut records, start_line, cells, max_rows)?;
    }
    let mut records = records.into_iter();
    let (_, header) = records.next().ok_or(CsvError::Empty)?;
    Ok(Table {
        header,
        rows: records.collect(),
    })
}

/// The cell so far, trimmed unless it was quoted; resets for the next.
fn finish(cell: &mut String, was_quoted: &mut bool) -> String {
    let done = std::mem::take(cell);
    let done = if *was_quoted {
        done
    } else {
        done.trim().to_owned()
    };
    *was_quoted = false;
    done
}

/// Keeps a record unless it is blank; refuses past `max_rows` (plus the header).
fn push_record(
    records: &mut Vec<(usize, Vec<String>)>,
    line: usize,
    cells: Vec<String>,
    max_rows: usize,
) -> Result<(), CsvError> {
    if cells.iter().all(String::is_empty) {
        return Ok(());
    }
    if records.len() > max_rows {
        return Err(CsvError::TooManyRows);
    }
    records.push((line, cells));
    Ok(())
}

/// `;` when the first line has more of them than commas outside quotes, else `,`.
fn delimiter(text: &str) -> char {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { ';' } else { ',' }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|(_, r)| r.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn quoted_cells_keep_commas_quotes_and_line_breaks() {
        let t = parse(
            b"\xef\xbb\xbfemail,name\r\na@x.se,\"Berg, \"\"Bo\"\"\"\r\n\r\nb@x.se,\"two\nlines\"\nc@x.se,  Cia  \n",
            10,
        )
        .expect("csv");
        assert_eq!(t.header, ["email", "name"]);
        assert_eq!(
            rows(&t),
            [
                vec!["a@x.se", "Berg, \"Bo\""],
                vec!["b@x.se", "two\nlines"],
                vec!["c@x.se", "Cia"]
            ]
        );
        // Line numbers as a spreadsheet shows them (the blank line counts).
        assert_eq!(
            t.rows.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            [2, 4, 6]
        );
    }

    #[test]
    fn semicolons_are_the_delimiter_when_the_header_has_more_of_them() {
        let t = parse("e-post;namn;belopp\nanna@x.se;Anna;12,50".as_bytes(), 10).expect("csv");
        assert_eq!(t.header, ["e-post", "namn", "belopp"]);
        assert_eq!(rows(&t), [vec!["anna@x.se", "Anna", "12,50"]]);
    }

    #[test]
    fn unreadable_files_are_refused_with_the_reason() {
        assert_eq!(parse(b"", 10), Err(CsvError::Empty));
        assert_eq!(parse(b"\n\n", 10), Err(CsvError::Empty));
        assert_eq!(parse(b"a,b\n\xff,1", 10), Err(CsvError::NotUtf8));
        assert_eq!(
            parse(b"a,b\n1,\"open\n2,3", 10),
            Err(CsvError::UnclosedQuote { line: 2 })
        );
        assert_eq!(parse(b"a\n1\n2\n3", 2), Err(CsvError::TooManyRows));
        assert!(parse(b"a\n1\n2", 2).is_ok());
    }
}
