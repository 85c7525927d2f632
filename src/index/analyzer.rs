//! The text analyzers, registered under versioned names on every open: tantivy does not save
//! custom analyzers with the index, and a changed analyzer must never silently read an index
//! built with another.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
};

use super::sentences;

/// Name of the analyzer of the message and title fields. Bump the version when its output
/// changes; an index records the name in its schema. v4 adds common grams to v3.
pub const TEXT_ANALYZER: &str = "verbatim_text_v4";
/// The analyzer of indexes built before common grams (see [`super::common_grams`]).
pub const TEXT_ANALYZER_V3: &str = "verbatim_text_v3";
/// The analyzer of a matter imported with `--compat relativity` (see [`TextMode`]).
pub const RELATIVITY_ANALYZER: &str = "verbatim_text_relativity_v1";
/// The analyzer of indexes built before sentence and paragraph boundaries were indexed.
pub const TEXT_ANALYZER_V2: &str = "verbatim_text_v2";
/// The analyzer of indexes built before CJK segmentation (long tokens dropped, CJK runs whole):
/// still registered so that such an index reads as it was built.
const TEXT_ANALYZER_V1: &str = "verbatim_text_v1";
/// Name of the analyzer of keyword fields (model, language): the whole value, lower-cased.
pub const KEYWORD_ANALYZER: &str = "verbatim_keyword_v1";

/// Tokens longer than this many bytes (base64 blobs, minified code) are indexed as pieces of
/// at most this size, at consecutive positions, so nothing is left unsearchable.
pub const MAX_TOKEN_BYTES: usize = 100;

/// Positions left empty before each message, so that no phrase or proximity query can match
/// across two messages. Proximity distances are limited below this.
pub const MESSAGE_GAP: usize = 1000;

/// Boundary marks: terms indexed beside the words, which no text can produce (the tokenizers
/// only emit letters, digits and `_`), so that the position matcher can tell sentences,
/// paragraphs and messages apart. A sentence or paragraph mark shares the position of the
/// sentence's first word; the first- and last-word marks are virtual words just before the
/// first word and just after the last (dtSearch's `xfirstword` / `xlastword`). Patterns never
/// expand to them.
pub const MARK: char = '\u{1}';
pub const SENTENCE_MARK: &str = "\u{1}s";
pub const PARAGRAPH_MARK: &str = "\u{1}p";
pub const FIRST_MARK: &str = "\u{1}f";
pub const LAST_MARK: &str = "\u{1}l";

/// Relativity's dtSearch indexes at most this many characters of a word.
pub const RELATIVITY_WORD_CHARS: usize = 32;

/// How a matter's text is indexed, chosen when it is created (`import --compat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextMode {
    /// Every word indexed, `_` breaks words, long tokens kept in pieces.
    #[default]
    Standard,
    /// Counts as Relativity's dtSearch index reports them: noise words not indexed (their
    /// positions kept, so they count toward `w/N`), words cut to 32 characters, `_` part of a
    /// word.
    Relativity,
}

impl TextMode {
    pub fn name(self) -> &'static str {
        match self {
            TextMode::Standard => "standard",
            TextMode::Relativity => "relativity",
        }
    }

    pub fn parse(s: &str) -> Option<TextMode> {
        match s.to_ascii_lowercase().as_str() {
            "standard" | "none" | "default" => Some(TextMode::Standard),
            "relativity" => Some(TextMode::Relativity),
            _ => None,
        }
    }

    /// The analyzer name an index of this mode records in its schema.
    pub fn analyzer(self) -> &'static str {
        match self {
            TextMode::Standard => TEXT_ANALYZER,
            TextMode::Relativity => RELATIVITY_ANALYZER,
        }
    }

    /// The mode of an index whose text fields use `analyzer`, and whether that index holds
    /// boundary marks.
    pub fn of_analyzer(analyzer: &str) -> (TextMode, bool) {
        match analyzer {
            RELATIVITY_ANALYZER => (TextMode::Relativity, true),
            TEXT_ANALYZER | TEXT_ANALYZER_V3 => (TextMode::Standard, true),
            _ => (TextMode::Standard, false),
        }
    }
}

/// The default noise words of Relativity's dtSearch indexes (Relativity's documentation,
/// "Making the dtSearch noise word and alphabet list searchable"; the same list since
/// Relativity 7.5): not indexed in [`TextMode::Relativity`], nor is any one-character word
/// (single letters and digits are noise there too). Sorted.
pub const NOISE_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "an",
    "and",
    "another",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "came",
    "can",
    "come",
    "could",
    "did",
    "do",
    "each",
    "even",
    "for",
    "from",
    "further",
    "furthermore",
    "get",
    "got",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "hi",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "indeed",
    "into",
    "is",
    "it",
    "its",
    "just",
    "like",
    "made",
    "many",
    "me",
    "might",
    "more",
    "moreover",
    "most",
    "much",
    "must",
    "my",
    "never",
    "not",
    "now",
    "of",
    "on",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "said",
    "same",
    "see",
    "she",
    "should",
    "since",
    "some",
    "still",
    "such",
    "take",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "up",
    "very",
    "was",
    "way",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "will",
    "with",
    "would",
    "you",
    "your",
];

/// Whether a normalised word is noise in [`TextMode::Relativity`]: one of [`NOISE_WORDS`] or
/// a single character.
pub fn is_noise(word: &str) -> bool {
    // Called for every word of a Relativity-compatible matter: the list is looked up as
    // integers (each word's bytes packed into a u128), not by string comparison.
    static KEYS: std::sync::LazyLock<Vec<u128>> = std::sync::LazyLock::new(|| {
        let mut k: Vec<u128> = NOISE_WORDS.iter().filter_map(|w| noise_key(w)).collect();
        k.sort_unstable();
        k
    });
    let mut cs = word.chars();
    let single = cs.next().is_some_and(|c| !is_cjk(c)) && cs.next().is_none();
    single || noise_key(word).is_some_and(|k| KEYS.binary_search(&k).is_ok())
}

/// A word of at most 15 bytes as one integer (its length in the top byte).
fn noise_key(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    if b.len() > 15 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..b.len()].copy_from_slice(b);
    buf[15] = b.len() as u8;
    Some(u128::from_le_bytes(buf))
}

/// The analyzer used on the query side: the same normalisation as indexing, without the gap,
/// and CJK runs as bigrams only (see [`Segment`]).
pub fn query_analyzer() -> TextAnalyzer {
    query_analyzer_for(TextMode::Standard)
}

/// The query side of a mode (no noise-word removal: the parser names noise words itself).
pub fn query_analyzer_for(mode: TextMode) -> TextAnalyzer {
    match mode {
        TextMode::Standard => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Segment { index: false })
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
        TextMode::Relativity => TextAnalyzer::builder(WordTokenizer::default())
            .filter(Truncate(RELATIVITY_WORD_CHARS))
            .filter(Segment { index: false })
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// The analyzer of message fields (v3: CJK bigrams, long tokens split, the message gap,
/// boundary marks).
pub fn index_analyzer() -> TextAnalyzer {
    index_analyzer_for(TextMode::Standard)
}

/// The index analyzer of a mode.
pub fn index_analyzer_for(mode: TextMode) -> TextAnalyzer {
    match mode {
        TextMode::Standard => standard_words().build(),
        TextMode::Relativity => TextAnalyzer::builder(WordTokenizer::default())
            .filter(Truncate(RELATIVITY_WORD_CHARS))
            .filter(Segment { index: true })
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Layout {
                gap: MESSAGE_GAP,
                noise: true,
            })
            .build(),
    }
}

/// What the index of a standard matter records: the v3 analysis with the pairs of common words
/// ([`TEXT_ANALYZER`]). The highlighter reads the words alone ([`index_analyzer`]): the
/// positions are the same.
pub fn index_analyzer_with_grams() -> TextAnalyzer {
    standard_words()
        .filter(super::common_grams::CommonGrams)
        .build()
}

/// The words of a standard matter's message, laid out as the index has them (v3).
fn standard_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(Segment { index: true })
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Layout {
            gap: MESSAGE_GAP,
            noise: false,
        })
}

/// Whether an index whose text fields use `analyzer` holds common grams.
pub fn has_common_grams(analyzer: &str) -> bool {
    analyzer == TEXT_ANALYZER
}

/// The analyzer of indexes built before v3 (no boundary marks).
pub fn index_analyzer_v2() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(Segment { index: true })
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(PositionGap(MESSAGE_GAP))
        .build()
}

/// The analyzer of indexes built before v2 (for reading them, and as the benchmarks' baseline).
pub fn index_analyzer_v1() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(PositionGap(MESSAGE_GAP))
        .build()
}

/// Scripts written without spaces between words (Chinese, Japanese, Thai) and Korean, whose
/// words carry attached particles: indexed as overlapping character bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F      // Thai
        | 0x1100..=0x11FF    // Hangul Jamo
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FFFF) // CJK extensions B and later
}

/// Splits tokens: a run of CJK characters becomes overlapping bigrams (`中华人民` → 中华 华人
/// 人民), so a word inside a sentence is found; text around it stays whole; an over-long token
/// becomes pieces of at most [`MAX_TOKEN_BYTES`]. On the index side a run also ends with its
/// last character alone, so that every character starts a token and a one-character query
/// (read as `X*`) finds it anywhere. Positions stay consecutive, so phrases and proximity
/// work within CJK text as they do between words.
#[derive(Clone, Copy)]
pub struct Segment {
    pub index: bool,
}

impl TokenFilter for Segment {
    type Tokenizer<T: Tokenizer> = SegmentFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        SegmentFilter {
            inner: tokenizer,
            index: self.index,
        }
    }
}

#[derive(Clone)]
pub struct SegmentFilter<T> {
    inner: T,
    index: bool,
}

impl<T: Tokenizer> Tokenizer for SegmentFilter<T> {
    type TokenStream<'a> = SegmentStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SegmentStream {
            text,
            tail: self.inner.token_stream(text),
            index: self.index,
            pending: std::collections::VecDeque::new(),
            current: Token::default(),
            shift: 0,
            from_tail: false,
        }
    }
}

pub struct SegmentStream<'a, T> {
    text: &'a str,
    tail: T,
    index: bool,
    pending: std::collections::VecDeque<Token>,
    current: Token,
    /// Positions added by earlier splits.
    shift: usize,
    /// The current token is the inner stream's own (nothing split so far: no copy needed).
    from_tail: bool,
}

/// Copies a token into another, reusing the text buffer (a token is copied for every word
/// indexed: an allocation each would dominate indexing).
fn copy_token(dst: &mut Token, src: &Token) {
    dst.offset_from = src.offset_from;
    dst.offset_to = src.offset_to;
    dst.position = src.position;
    dst.position_length = src.position_length;
    dst.text.clone_from(&src.text);
}

/// The pieces of one token: (byte range in the token).
pub fn segment_pieces(word: &str, index: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map(|c| c.0).unwrap_or(word.len());
    let mut i = 0;
    while i < chars.len() {
        let cjk = is_cjk(chars[i].1);
        let mut j = i;
        while j < chars.len() && is_cjk(chars[j].1) == cjk {
            j += 1;
        }
        if cjk {
            if j - i == 1 {
                out.push(chars[i].0..end_of(i));
            } else {
                for (k, c) in chars.iter().enumerate().take(j - 1).skip(i) {
                    out.push(c.0..end_of(k + 1));
                }
                if index {
                    out.push(chars[j - 1].0..end_of(j - 1));
                }
            }
        } else {
            // Other text whole, or in pieces of at most MAX_TOKEN_BYTES at char boundaries.
            let (mut a, b) = (chars[i].0, end_of(j - 1));
            while b - a > MAX_TOKEN_BYTES {
                let mut cut = a + MAX_TOKEN_BYTES;
                while !word.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.push(a..cut);
                a = cut;
            }
            out.push(a..b);
        }
        i = j;
    }
    out
}

impl<T: TokenStream> TokenStream for SegmentStream<'_, T> {
    fn advance(&mut self) -> bool {
        self.from_tail = false;
        if let Some(t) = self.pending.pop_front() {
            self.current = t;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let t = self.tail.token();
        // ASCII text (most of it) has no CJK character to look for.
        let simple =
            t.text.len() <= MAX_TOKEN_BYTES && (t.text.is_ascii() || !t.text.chars().any(is_cjk));
        if simple && self.shift == 0 {
            // Most text: the inner token as it is.
            self.from_tail = true;
            return true;
        }
        if simple {
            copy_token(&mut self.current, t);
            self.current.position += self.shift;
            return true;
        }
        let word = &self.text[t.offset_from..t.offset_to];
        let pieces = segment_pieces(word, self.index);
        let base = t.position + self.shift;
        for (k, r) in pieces.iter().enumerate() {
            self.pending.push_back(Token {
                offset_from: t.offset_from + r.start,
                offset_to: t.offset_from + r.end,
                position: base + k,
                text: word[r.clone()].to_string(),
                position_length: 1,
            });
        }
        self.shift += pieces.len().saturating_sub(1);
        match self.pending.pop_front() {
            Some(first) => {
                self.current = first;
                true
            }
            None => self.advance(),
        }
    }

    fn token(&self) -> &Token {
        if self.from_tail {
            self.tail.token()
        } else {
            &self.current
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.from_tail {
            self.tail.token_mut()
        } else {
            &mut self.current
        }
    }
}

fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzers on an opened or created index.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    manager.register(TEXT_ANALYZER, index_analyzer_with_grams());
    manager.register(TEXT_ANALYZER_V3, index_analyzer());
    manager.register(
        RELATIVITY_ANALYZER,
        index_analyzer_for(TextMode::Relativity),
    );
    manager.register(TEXT_ANALYZER_V2, index_analyzer_v2());
    manager.register(TEXT_ANALYZER_V1, index_analyzer_v1());
    manager.register(KEYWORD_ANALYZER, keyword_analyzer());
    // Fast-field values are normalised by a separate manager.
    index
        .fast_field_tokenizer()
        .register(KEYWORD_ANALYZER, keyword_analyzer());
}

/// The analyzers for tantivy's own query parser (`search --syntax lucene`): under each index
/// analyzer's name, its query side (no gap, no boundary marks), so that a query word is not
/// read as a whole message.
pub fn query_tokenizers() -> tantivy::tokenizer::TokenizerManager {
    let manager = tantivy::tokenizer::TokenizerManager::default();
    manager.register(TEXT_ANALYZER, query_analyzer());
    manager.register(TEXT_ANALYZER_V3, query_analyzer());
    manager.register(TEXT_ANALYZER_V2, query_analyzer());
    manager.register(TEXT_ANALYZER_V1, query_analyzer());
    manager.register(
        RELATIVITY_ANALYZER,
        query_analyzer_for(TextMode::Relativity),
    );
    manager.register(KEYWORD_ANALYZER, keyword_analyzer());
    manager
}

/// Normalises a keyword value the way the keyword analyzer does.
pub fn normalize_keyword(value: &str) -> String {
    value.to_lowercase()
}

/// Tokenises `text` with the query analyzer: (normalised term, byte range) per word.
pub fn tokenize(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    tokenize_query(text)
        .into_iter()
        .map(|(t, r, _)| (t, r))
        .collect()
}

/// The index's tokens of `text` (one message), boundary marks included, with the position
/// each has in the index (after the message gap): what the highlighter marks.
pub fn tokenize_with_positions(
    text: &str,
    mode: TextMode,
) -> Vec<(String, std::ops::Range<usize>, u32)> {
    collect(index_analyzer_for(mode), text)
}

/// Query-side tokens of a mode.
pub fn tokenize_query_for(
    text: &str,
    mode: TextMode,
) -> Vec<(String, std::ops::Range<usize>, u32)> {
    collect(query_analyzer_for(mode), text)
}

/// Query-side tokens with positions: CJK runs as bigrams only.
pub fn tokenize_query(text: &str) -> Vec<(String, std::ops::Range<usize>, u32)> {
    collect(query_analyzer(), text)
}

fn collect(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, std::ops::Range<usize>, u32)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(tok) = stream.next() {
        out.push((
            tok.text.clone(),
            tok.offset_from..tok.offset_to,
            tok.position as u32,
        ));
    }
    out
}

/// Shifts every token of a value by a fixed number of positions. tantivy places each value of
/// a multi-valued field right after the previous one; this filter turns that into a gap.
#[derive(Clone)]
struct PositionGap(usize);

impl TokenFilter for PositionGap {
    type Tokenizer<T: Tokenizer> = PositionGapFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        PositionGapFilter {
            inner: tokenizer,
            gap: self.0,
        }
    }
}

#[derive(Clone)]
pub struct PositionGapFilter<T> {
    inner: T,
    gap: usize,
}

impl<T: Tokenizer> Tokenizer for PositionGapFilter<T> {
    type TokenStream<'a> = PositionGapStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PositionGapStream {
            tail: self.inner.token_stream(text),
            gap: self.gap,
            current: Token::default(),
        }
    }
}

/// Each token is copied with its position moved by the gap (the stream below is never
/// mutated, so this holds whatever filters sit under it).
pub struct PositionGapStream<T> {
    tail: T,
    gap: usize,
    current: Token,
}

impl<T: TokenStream> TokenStream for PositionGapStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        copy_token(&mut self.current, self.tail.token());
        self.current.position += self.gap;
        true
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Words of letters, digits and `_` (Relativity's dtSearch alphabet: `_` is a letter there).
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: &'a mut Token,
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((from, c)) = self.chars.next() {
            if word_char(c) {
                let to = self
                    .chars
                    .find(|(_, c)| !word_char(*c))
                    .map(|(o, _)| o)
                    .unwrap_or(self.text.len());
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.text.push_str(&self.text[from..to]);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Cuts words without CJK characters to their first N characters (the offsets still cover the
/// whole word, so a highlight marks all of it).
#[derive(Clone, Copy)]
pub struct Truncate(pub usize);

impl TokenFilter for Truncate {
    type Tokenizer<T: Tokenizer> = TruncateFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> TruncateFilter<T> {
        TruncateFilter {
            inner: tokenizer,
            chars: self.0,
        }
    }
}

#[derive(Clone)]
pub struct TruncateFilter<T> {
    inner: T,
    chars: usize,
}

impl<T: Tokenizer> Tokenizer for TruncateFilter<T> {
    type TokenStream<'a> = TruncateStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        TruncateStream {
            tail: self.inner.token_stream(text),
            chars: self.chars,
        }
    }
}

pub struct TruncateStream<T> {
    tail: T,
    chars: usize,
}

impl<T: TokenStream> TokenStream for TruncateStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let t = self.tail.token_mut();
        if t.text.len() > self.chars
            && !t.text.chars().any(is_cjk)
            && let Some((cut, _)) = t.text.char_indices().nth(self.chars)
        {
            t.text.truncate(cut);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The last filter of a message's analysis: moves every token past the message gap, adds the
/// boundary marks ([`SENTENCE_MARK`], [`PARAGRAPH_MARK`] at a sentence's first word,
/// [`FIRST_MARK`] and [`LAST_MARK`] around the message) and, for [`TextMode::Relativity`],
/// leaves noise words out while their positions stay taken.
#[derive(Clone, Copy)]
struct Layout {
    gap: usize,
    noise: bool,
}

impl TokenFilter for Layout {
    type Tokenizer<T: Tokenizer> = LayoutFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LayoutFilter<T> {
        LayoutFilter {
            inner: tokenizer,
            layout: self,
        }
    }
}

#[derive(Clone)]
pub struct LayoutFilter<T> {
    inner: T,
    layout: Layout,
}

impl<T: Tokenizer> Tokenizer for LayoutFilter<T> {
    type TokenStream<'a> = LayoutStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LayoutStream {
            tail: self.inner.token_stream(text),
            layout: self.layout,
            bounds: sentences::boundaries(text),
            next: 0,
            marks: [("", 0, 0); 3],
            marks_len: 0,
            marks_at: 0,
            held: Token::default(),
            holding: false,
            current: Token::default(),
            last: None,
            done: false,
        }
    }
}

pub struct LayoutStream<T> {
    tail: T,
    layout: Layout,
    bounds: sentences::Boundaries,
    /// The next boundary not yet marked.
    next: usize,
    /// Marks to emit before the held word: (mark, position, offset).
    marks: [(&'static str, usize, usize); 3],
    marks_len: usize,
    marks_at: usize,
    /// The word that follows the marks (its buffer is reused, like `current`'s).
    held: Token,
    holding: bool,
    current: Token,
    /// Position and end offset of the last word seen (noise words too).
    last: Option<(usize, usize)>,
    done: bool,
}

impl<T> LayoutStream<T> {
    /// Makes `current` a mark, reusing its text buffer.
    fn emit_mark(&mut self, mark: &str, position: usize, offset: usize) {
        let t = &mut self.current;
        t.text.clear();
        t.text.push_str(mark);
        t.position = position;
        t.offset_from = offset;
        t.offset_to = offset;
        t.position_length = 1;
    }
}

impl<T: TokenStream> TokenStream for LayoutStream<T> {
    fn advance(&mut self) -> bool {
        if self.marks_at < self.marks_len {
            let (m, p, o) = self.marks[self.marks_at];
            self.marks_at += 1;
            self.emit_mark(m, p, o);
            return true;
        }
        if self.holding {
            self.holding = false;
            std::mem::swap(&mut self.current, &mut self.held);
            return true;
        }
        while !self.done {
            if !self.tail.advance() {
                self.done = true;
                if let Some((pos, end)) = self.last {
                    self.emit_mark(LAST_MARK, pos + 1, end);
                    return true;
                }
                return false;
            }
            let t = self.tail.token();
            let pos = t.position + self.layout.gap;
            self.marks_len = 0;
            self.marks_at = 0;
            if self.last.is_none() {
                self.marks[0] = (FIRST_MARK, pos.saturating_sub(1), t.offset_from);
                self.marks_len = 1;
            }
            let (mut sentence, mut paragraph) = (false, false);
            while self.next < self.bounds.starts.len()
                && self.bounds.starts[self.next] <= t.offset_from
            {
                sentence = true;
                paragraph |= self.bounds.paragraph[self.next];
                self.next += 1;
            }
            if sentence {
                self.marks[self.marks_len] = (SENTENCE_MARK, pos, t.offset_from);
                self.marks_len += 1;
            }
            if paragraph {
                self.marks[self.marks_len] = (PARAGRAPH_MARK, pos, t.offset_from);
                self.marks_len += 1;
            }
            self.last = Some((pos, t.offset_to));
            let keep = !(self.layout.noise && is_noise(&t.text));
            if self.marks_len == 0 {
                if keep {
                    copy_token(&mut self.current, t);
                    self.current.position = pos;
                    return true;
                }
                continue;
            }
            if keep {
                copy_token(&mut self.held, t);
                self.held.position = pos;
                self.holding = true;
            }
            let (m, p, o) = self.marks[0];
            self.marks_at = 1;
            self.emit_mark(m, p, o);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents_and_splits_long_tokens() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        let ok = "y".repeat(MAX_TOKEN_BYTES);
        let toks = tokenize(&format!("Café NAÏVE {long} {ok} don't"));
        let terms: Vec<&str> = toks.iter().map(|t| t.0.as_str()).collect();
        let x100 = "x".repeat(MAX_TOKEN_BYTES);
        assert_eq!(
            terms,
            vec!["cafe", "naive", x100.as_str(), "x", ok.as_str(), "don", "t"]
        );
        assert_eq!(toks[0].1, 0..5);
        let positions: Vec<u32> = tokenize_query(&format!("a {long} b"))
            .iter()
            .map(|t| t.2)
            .collect();
        assert_eq!(positions, [0, 1, 2, 3], "pieces take consecutive positions");
    }

    #[test]
    fn cjk_runs_are_bigrams_with_offsets_and_positions() {
        let text = "我爱北京天安门。iPhone15坏了";
        let idx: Vec<_> = tokenize_with_positions(text, TextMode::Standard)
            .into_iter()
            .filter(|t| !t.0.starts_with(MARK))
            .map(|(t, r, p)| (t, r, p - MESSAGE_GAP as u32))
            .collect();
        let terms: Vec<&str> = idx.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            terms,
            [
                "我爱", "爱北", "北京", "京天", "天安", "安门", "门", "iphone15", "坏了", "了"
            ]
        );
        for (t, r, _) in &idx {
            assert_eq!(text[r.clone()].to_lowercase(), *t);
        }
        let pos: Vec<u32> = idx.iter().map(|t| t.2).collect();
        assert_eq!(pos, (0..10).collect::<Vec<u32>>());
        // The query side: bigrams only, so a phrase lines up inside a longer run.
        let q: Vec<String> = tokenize_query("北京天安")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(q, ["北京", "京天", "天安"]);
        let k: Vec<String> = tokenize_query("서울에서")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(k, ["서울", "울에", "에서"]);
    }

    #[test]
    fn index_analyzer_leaves_a_gap() {
        for mut a in [index_analyzer_v2(), index_analyzer_v1()] {
            let mut s = a.token_stream("a b 中华人 c");
            let mut positions = Vec::new();
            while let Some(t) = s.next() {
                positions.push(t.position);
            }
            let n = positions.len();
            let want: Vec<usize> = (MESSAGE_GAP..MESSAGE_GAP + n).collect();
            assert_eq!(positions, want);
        }
    }

    fn layout(text: &str, mode: TextMode) -> Vec<(String, u32)> {
        tokenize_with_positions(text, mode)
            .into_iter()
            .map(|(t, _, p)| (t.replace(MARK, "#"), p + 1 - MESSAGE_GAP as u32))
            .collect()
    }

    #[test]
    fn marks_sentences_paragraphs_and_the_message_ends() {
        let got = layout("Mr. Smith left. He won.\n\nNew one", TextMode::Standard);
        let want: Vec<(String, u32)> = [
            ("#f", 0),
            ("#s", 1),
            ("#p", 1),
            ("mr", 1),
            ("smith", 2),
            ("left", 3),
            ("#s", 4),
            ("he", 4),
            ("won", 5),
            ("#s", 6),
            ("#p", 6),
            ("new", 6),
            ("one", 7),
            ("#l", 8),
        ]
        .iter()
        .map(|(t, p)| (t.to_string(), *p))
        .collect();
        assert_eq!(got, want);
        assert!(layout("  ... ", TextMode::Standard).is_empty());
    }

    #[test]
    fn relativity_mode_drops_noise_keeps_positions_cuts_long_words_keeps_underscores() {
        let long = "x".repeat(40);
        let got = layout(
            &format!("The cat_box is on {long} of it"),
            TextMode::Relativity,
        );
        let want: Vec<(String, u32)> = [
            ("#f", 0),
            ("#s", 1),
            ("#p", 1),
            ("cat_box", 2),
            (&"x".repeat(32), 5),
            ("#l", 8),
        ]
        .iter()
        .map(|(t, p)| (t.to_string(), *p))
        .collect();
        assert_eq!(got, want);
        let q: Vec<String> = tokenize_query_for("Cat_Box", TextMode::Relativity)
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(q, ["cat_box"]);
        assert!(NOISE_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
