//! A Concordance DAT load file: one header row and one row per conversation, values in þ
//! qualifiers separated by byte 0x14, newlines inside a value as ®, CRLF line ends, UTF-8 with
//! a byte-order mark. Paths in the file are relative to it, with backslashes, as review
//! platforms expect.

pub const FIELDS: [&str; 22] = [
    "BEGBATES",
    "ENDBATES",
    "CONFIDENTIALITY",
    "CONV_ID",
    "CREATED",
    "MODEL",
    "TURNS",
    "TAGS",
    "REVIEWER",
    "NOTE",
    "MATCHED_ARTICLES",
    "LONGEST_RUN_WORDS",
    "ELICITATION",
    "SUPPLIED_WORDS",
    "BEYOND_SUPPLIED_WORDS",
    "GROUP_ID",
    "PRINCIPAL",
    "SIMILARITY",
    "FAMILY_ID",
    "SHA256",
    "NATIVEPATH",
    "TEXTPATH",
];

pub const SEPARATOR: char = '\u{14}';
pub const QUALIFIER: char = '\u{FE}';
pub const NEWLINE: char = '\u{AE}';
pub const BOM: &str = "\u{FEFF}";
/// Between the values of a multi-value field.
pub const MULTI: &str = ";";

/// A value made safe for the file: line breaks become ®; the two characters that would end
/// a value early (the qualifier and the separator) become U+FFFD and a space, and a literal ®
/// becomes "(R)". Returns whether anything other than line breaks had to change.
pub fn value(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    let mut altered = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(NEWLINE);
            }
            '\n' => out.push(NEWLINE),
            // A NUL ends a value early in C-based loaders.
            '\0' => {
                out.push('\u{FFFD}');
                altered = true;
            }
            QUALIFIER => {
                out.push('\u{FFFD}');
                altered = true;
            }
            SEPARATOR => {
                out.push(' ');
                altered = true;
            }
            // A literal ® would be read back as a line break.
            NEWLINE => {
                out.push_str("(R)");
                altered = true;
            }
            c => out.push(c),
        }
    }
    (out, altered)
}

/// One row, CRLF-terminated. Values must already be made safe by [`value`].
pub fn row<S: AsRef<str>>(values: &[S]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.push(QUALIFIER);
        out.push_str(v.as_ref());
        out.push(QUALIFIER);
    }
    out.push_str("\r\n");
    out
}

/// The header row, with the byte-order mark that starts the file.
pub fn header() -> String {
    format!("{BOM}{}", row(&FIELDS))
}

/// Parses a DAT file back into rows of values (for checking a production).
pub fn parse(bytes: &[u8]) -> anyhow::Result<Vec<Vec<String>>> {
    let text = std::str::from_utf8(bytes)?;
    let text = text
        .strip_prefix(BOM)
        .ok_or_else(|| anyhow::anyhow!("no UTF-8 byte-order mark"))?;
    let mut rows = Vec::new();
    for (n, line) in text.split("\r\n").enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut vals = Vec::new();
        for field in line.split(SEPARATOR) {
            let v = field
                .strip_prefix(QUALIFIER)
                .and_then(|f| f.strip_suffix(QUALIFIER))
                .ok_or_else(|| anyhow::anyhow!("row {}: a value is not in þ qualifiers", n + 1))?;
            vals.push(v.replace(NEWLINE, "\n"));
        }
        rows.push(vals);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_rows() {
        assert_eq!(value("a\r\nb\nc\rd"), ("a®b®c®d".to_string(), false));
        assert_eq!(value("þ\u{14}"), ("\u{FFFD} ".to_string(), true));
        assert_eq!(value("Acme® tool"), ("Acme(R) tool".to_string(), true));
        assert_eq!(value("a\0b"), ("a\u{FFFD}b".to_string(), true));
        let r = row(&["x", "y z"]);
        assert_eq!(r.as_bytes(), "þxþ\u{14}þy zþ\r\n".as_bytes());
        let parsed = parse(format!("{}{}", header(), row(&["1", "a®b"])).as_bytes()).unwrap();
        assert_eq!(parsed[0].len(), FIELDS.len());
        assert_eq!(parsed[1], vec!["1", "a\nb"]);
    }
}
