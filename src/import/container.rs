//! What an input file is before it is read as conversations: a stream of JSON (plain, gzip or
//! zstd), an archive of such files (zip, tar, compressed tar), a Parquet file, or something
//! import cannot read, named so that the user knows what to do with it.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};

use super::source::{Compression, HEAD, peek};

/// How an input file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// JSON or JSON Lines, possibly gzip- or zstd-compressed: read as one stream.
    Stream,
    /// A zip archive: members read one by one (random access, ZIP64, AES).
    Zip,
    /// A tar archive, possibly gzip- or zstd-compressed: members read in order.
    Tar(Compression),
    /// A Parquet file: row groups read one by one.
    Parquet,
}

impl Container {
    /// Names it for summaries and matter.json.
    pub fn name(self) -> &'static str {
        match self {
            Container::Stream => "stream",
            Container::Zip => "zip",
            Container::Tar(Compression::None) => "tar",
            Container::Tar(Compression::Gzip) => "tar.gz",
            Container::Tar(Compression::Zstd) => "tar.zst",
            Container::Parquet => "parquet",
        }
    }
}

/// Recognises a file from its first bytes (and, when it is gzip or zstd, the first bytes of
/// what it decompresses to: a compressed tar is an archive, not a stream).
pub fn sniff(path: &Path) -> Result<Container> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    sniff_reader(file).with_context(|| format!("cannot read {}", path.display()))
}

fn sniff_reader(file: impl Read) -> Result<Container> {
    let (head, rest) = peek(file)?;
    if is_zip(&head) {
        return Ok(Container::Zip);
    }
    if head.starts_with(b"PAR1") {
        return Ok(Container::Parquet);
    }
    if is_tar(&head) {
        return Ok(Container::Tar(Compression::None));
    }
    let inner: Box<dyn Read> = if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(rest))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(zstd::stream::read::Decoder::new(rest)?)
    } else {
        return Ok(Container::Stream);
    };
    let compression = if head[0] == 0x1f {
        Compression::Gzip
    } else {
        Compression::Zstd
    };
    // A corrupt compressed head is the stream reader's to report, with its offsets.
    let mut inner_head = Vec::new();
    let _ = inner.take(HEAD).read_to_end(&mut inner_head);
    Ok(if is_tar(&inner_head) {
        Container::Tar(compression)
    } else {
        Container::Stream
    })
}

fn is_zip(head: &[u8]) -> bool {
    // A local file header, an empty archive's end record, or a spanned archive's marker.
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || head.starts_with(b"PK\x07\x08")
}

fn is_tar(head: &[u8]) -> bool {
    // POSIX ustar and GNU tar both carry "ustar" at offset 257 of the first header.
    head.len() >= 262 && &head[257..262] == b"ustar"
}

/// Names what import cannot read as conversations, from the first bytes of a stream; `None`
/// for anything that may be JSON (the record reader reports what is wrong with it).
pub fn foreign(head: &[u8]) -> Option<String> {
    let unpack =
        "unpack it first, or repack its files as .zip or .tar.gz, which import reads directly";
    let recompress =
        "decompress it first, or recompress it with gzip or zstd, which import reads directly";
    let convert = "convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.jsonl)";
    let found = if is_zip(head) {
        "a zip archive (inside another archive or a compressed file): unpack the outer one first"
            .to_string()
    } else if is_tar(head) {
        "a tar archive (inside another archive or a compressed file): unpack the outer one first"
            .to_string()
    } else if head.starts_with(b"PAR1") {
        "a Parquet file inside an archive or a compressed file: unpack it first; import reads \
         Parquet files directly"
            .to_string()
    } else if head.starts_with(b"7z\xBC\xAF\x27\x1C") {
        format!("a 7z archive: {unpack}")
    } else if head.starts_with(b"Rar!\x1A\x07") {
        format!("a RAR archive: {unpack}")
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        format!("bzip2-compressed data: {recompress}")
    } else if head.starts_with(b"\xFD7zXZ\x00") {
        format!("xz-compressed data: {recompress}")
    } else if head.starts_with(&[0x04, 0x22, 0x4D, 0x18]) {
        format!("lz4-compressed data: {recompress}")
    } else if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        "UTF-32 text: convert it to UTF-8 first (iconv -f UTF-32 -t UTF-8)".to_string()
    } else if head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || utf16_without_bom(head)
    {
        format!("UTF-16 text: {convert}")
    } else if head.starts_with(b"%PDF-") {
        "a PDF document, not conversation records".to_string()
    } else if head.starts_with(b"SQLite format 3\0") {
        "an SQLite database: export its conversations as JSON Lines first".to_string()
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        "a Microsoft Office (OLE) document, not conversation records".to_string()
    } else if head.starts_with(b"ARROW1") {
        "an Arrow IPC file: write it as Parquet or JSON Lines, which import reads".to_string()
    } else if head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xFF\xD8\xFF")
        || head.starts_with(b"GIF8")
    {
        "an image, not conversation records".to_string()
    } else if first_visible(head) == Some(b'<') {
        "XML or HTML, not JSON: import reads JSON and JSON Lines".to_string()
    } else {
        return None;
    };
    Some(found)
}

/// UTF-16 without a byte-order mark: JSON's ASCII punctuation with a zero byte beside every
/// character.
fn utf16_without_bom(head: &[u8]) -> bool {
    let n = head.len().min(64) & !1;
    if n < 8 {
        return false;
    }
    let pairs = head[..n].chunks_exact(2);
    let le = pairs.clone().all(|p| p[1] == 0 && p[0] != 0);
    let be = pairs.clone().all(|p| p[0] == 0 && p[1] != 0);
    le || be
}

fn first_visible(head: &[u8]) -> Option<u8> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Whether a file name looks like an archive or a Parquet file (directories are filtered by
/// it; a file named on the command line is recognised from its bytes whatever its name).
pub fn is_container_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".zip", ".tar", ".tgz", ".tar.gz", ".tar.zst", ".tzst", ".parquet",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_formats_are_named() {
        let cases: [(&[u8], &str); 9] = [
            (b"7z\xBC\xAF\x27\x1C\x00\x04", "7z archive"),
            (b"Rar!\x1A\x07\x01\x00", "RAR archive"),
            (b"BZh91AY&SY", "bzip2"),
            (b"\xFD7zXZ\x00\x00", "xz"),
            (b"\xFF\xFE{\x00\"\x00i\x00", "UTF-16"),
            (b"{\x00\"\x00i\x00d\x00\"\x00:\x00", "UTF-16"),
            (b"%PDF-1.7\n", "PDF"),
            (b"SQLite format 3\x00....", "SQLite"),
            (b"  <?xml version=\"1.0\"?>", "XML or HTML"),
        ];
        for (head, want) in cases {
            let got = foreign(head).unwrap_or_default();
            assert!(got.contains(want), "{head:?}: {got}");
        }
        for json in [
            &b"{\"id\": 1}"[..],
            b"[{\"a\":1}]",
            b"\xEF\xBB\xBF{\"x\":1}",
            b"",
            b"\"Human: hi\"",
        ] {
            assert_eq!(foreign(json), None, "{json:?}");
        }
    }

    #[test]
    fn containers_are_recognised_from_their_bytes() {
        let mut tar = vec![0u8; 1024];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(
            sniff_reader(&tar[..]).unwrap(),
            Container::Tar(Compression::None)
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            sniff_reader(&gz[..]).unwrap(),
            Container::Tar(Compression::Gzip)
        );
        let zst = zstd::encode_all(&tar[..], 1).unwrap();
        assert_eq!(
            sniff_reader(&zst[..]).unwrap(),
            Container::Tar(Compression::Zstd)
        );
        assert_eq!(
            sniff_reader(&b"PK\x03\x04rest"[..]).unwrap(),
            Container::Zip
        );
        assert_eq!(sniff_reader(&b"PAR1...."[..]).unwrap(), Container::Parquet);
        let json = zstd::encode_all(&b"{\"messages\": []}\n"[..], 1).unwrap();
        assert_eq!(sniff_reader(&json[..]).unwrap(), Container::Stream);
        assert_eq!(sniff_reader(&b""[..]).unwrap(), Container::Stream);
    }
}
