//! The text analyzers, registered under versioned names on every open: tantivy does not save
//! custom analyzers with the index, and a changed analyzer must never silently read an index
//! built with another.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name of the analyzer of the message and title fields. Bump the version when its output
/// changes; an index records the name in its schema.
pub const TEXT_ANALYZER: &str = "verbatim_text_v1";
/// Name of the analyzer of keyword fields (model, language): the whole value, lower-cased.
pub const KEYWORD_ANALYZER: &str = "verbatim_keyword_v1";

/// Tokens longer than this many bytes (base64 blobs, minified code) are not indexed.
pub const MAX_TOKEN_BYTES: usize = 100;

/// Positions left empty before each message, so that no phrase or proximity query can match
/// across two messages. Proximity distances are limited below this.
pub const MESSAGE_GAP: usize = 1000;

/// The analyzer used on the query side: the same normalisation as indexing, without the gap.
pub fn query_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(PositionGap(MESSAGE_GAP))
        .build()
}

fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzers on an opened or created index.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    manager.register(TEXT_ANALYZER, index_analyzer());
    manager.register(KEYWORD_ANALYZER, keyword_analyzer());
    // Fast-field values are normalised by a separate manager.
    index
        .fast_field_tokenizer()
        .register(KEYWORD_ANALYZER, keyword_analyzer());
}

/// Normalises a keyword value the way the keyword analyzer does.
pub fn normalize_keyword(value: &str) -> String {
    value.to_lowercase()
}

/// Tokenises `text` with the query analyzer: (normalised term, byte range) per word.
pub fn tokenize(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    tokenize_with_positions(text)
        .into_iter()
        .map(|(t, r, _)| (t, r))
        .collect()
}

/// Like [`tokenize`], with each token's position as the index numbers it (a dropped over-long
/// token leaves a hole, exactly as in the index).
pub fn tokenize_with_positions(text: &str) -> Vec<(String, std::ops::Range<usize>, u32)> {
    let mut analyzer = query_analyzer();
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
            first: true,
        }
    }
}

pub struct PositionGapStream<T> {
    tail: T,
    gap: usize,
    first: bool,
}

impl<T: TokenStream> TokenStream for PositionGapStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        // The tokenizer numbers each token from the previous one, so shifting the first
        // token shifts the whole value.
        if self.first {
            self.tail.token_mut().position += self.gap;
            self.first = false;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents_and_drops_long_tokens() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        let ok = "y".repeat(MAX_TOKEN_BYTES);
        let toks = tokenize(&format!("Café NAÏVE {long} {ok} don't"));
        let terms: Vec<&str> = toks.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(terms, vec!["cafe", "naive", ok.as_str(), "don", "t"]);
        assert_eq!(toks[0].1, 0..5);
    }

    #[test]
    fn index_analyzer_leaves_a_gap() {
        let mut a = index_analyzer();
        let mut s = a.token_stream("a b c");
        let mut positions = Vec::new();
        while let Some(t) = s.next() {
            positions.push(t.position);
        }
        assert_eq!(
            positions,
            vec![MESSAGE_GAP, MESSAGE_GAP + 1, MESSAGE_GAP + 2]
        );
    }
}
