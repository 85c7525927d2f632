//! The schema of the conversation index: one tantivy document per conversation.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analyzer::KEYWORD_ANALYZER;

/// Version of the index layout; recorded in the matter and checked on open.
pub const INDEX_VERSION: u32 = 1;

/// Handles of every field, resolved once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// The conversation id: exact (raw), stored, fast.
    pub id: tantivy::schema::Field,
    /// Sequential ordinal assigned at import; stable across segment merges, unlike doc ids.
    pub ord: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub user: tantivy::schema::Field,
    pub assistant: tantivy::schema::Field,
    pub system: tantivy::schema::Field,
    pub tool: tantivy::schema::Field,
    pub model: tantivy::schema::Field,
    pub language: tantivy::schema::Field,
    pub created: tantivy::schema::Field,
    pub turns: tantivy::schema::Field,
    pub messages: tantivy::schema::Field,
    pub n_user: tantivy::schema::Field,
    pub n_assistant: tantivy::schema::Field,
    pub n_system: tantivy::schema::Field,
    pub n_tool: tantivy::schema::Field,
    pub text_bytes: tantivy::schema::Field,
    /// Hash of the source's own id (before any `#2` suffix), for duplicate detection.
    pub id_hash: tantivy::schema::Field,
    /// Hash of the conversation's content, for telling exact duplicates from clashes.
    pub content_hash: tantivy::schema::Field,
    /// Hash of the final id (after any `#2`): review and finding filters test set membership
    /// on it, one column read per document, instead of looking ids up one by one.
    pub id_key: tantivy::schema::Field,
    /// The whole conversation as JSON (the doc store is compressed).
    pub transcript: tantivy::schema::Field,
    /// The conversation's family (`family:`), absent from indexes built before families.
    pub family: Option<tantivy::schema::Field>,
}

/// Names of the fields that hold message and title text, in the order unscoped words search.
pub const TEXT_FIELDS: [&str; 5] = ["user", "assistant", "title", "system", "tool"];

pub fn build() -> (Schema, Fields) {
    build_with(super::analyzer::TextMode::Standard)
}

/// The schema of an index whose text is analysed as `mode`.
pub fn build_with(mode: super::analyzer::TextMode) -> (Schema, Fields) {
    build_named(mode.analyzer())
}

/// The schema with text fields analysed by the analyzer registered as `analyzer` (an older
/// one too: the benchmarks measure what a newer analyzer costs against it).
pub fn build_named(analyzer: &str) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored()
        .set_fast(KEYWORD_ANALYZER);
    let number = || INDEXED | FAST | STORED;
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED | FAST),
        ord: b.add_u64_field("ord", number()),
        title: b.add_text_field("title", text.clone()),
        user: b.add_text_field("user", text.clone()),
        assistant: b.add_text_field("assistant", text.clone()),
        system: b.add_text_field("system", text.clone()),
        tool: b.add_text_field("tool", text),
        model: b.add_text_field("model", keyword.clone()),
        language: b.add_text_field("language", keyword),
        created: b.add_date_field(
            "created",
            DateOptions::from(INDEXED)
                .set_stored()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        ),
        turns: b.add_u64_field("turns", number()),
        messages: b.add_u64_field("messages", FAST),
        n_user: b.add_u64_field("n_user", FAST),
        n_assistant: b.add_u64_field("n_assistant", FAST),
        n_system: b.add_u64_field("n_system", FAST),
        n_tool: b.add_u64_field("n_tool", FAST),
        text_bytes: b.add_u64_field("text_bytes", FAST),
        id_hash: b.add_u64_field("id_hash", FAST),
        content_hash: b.add_u64_field("content_hash", FAST),
        id_key: b.add_u64_field("id_key", FAST),
        transcript: b.add_text_field("transcript", STORED),
        family: Some(b.add_text_field("family", STRING)),
    };
    (b.build(), fields)
}

impl Fields {
    /// Resolves the handles from an existing index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: f("id")?,
            ord: f("ord")?,
            title: f("title")?,
            user: f("user")?,
            assistant: f("assistant")?,
            system: f("system")?,
            tool: f("tool")?,
            model: f("model")?,
            language: f("language")?,
            created: f("created")?,
            turns: f("turns")?,
            messages: f("messages")?,
            n_user: f("n_user")?,
            n_assistant: f("n_assistant")?,
            n_system: f("n_system")?,
            n_tool: f("n_tool")?,
            text_bytes: f("text_bytes")?,
            id_hash: f("id_hash")?,
            content_hash: f("content_hash")?,
            id_key: f("id_key")?,
            transcript: f("transcript")?,
            // Indexes built before families were recorded have none.
            family: f("family").ok(),
        })
    }

    pub fn text_field(&self, name: &str) -> Option<tantivy::schema::Field> {
        Some(match name {
            "user" => self.user,
            "assistant" => self.assistant,
            "title" => self.title,
            "system" => self.system,
            "tool" => self.tool,
            _ => return None,
        })
    }

    pub fn all_text(&self) -> [tantivy::schema::Field; 5] {
        [
            self.user,
            self.assistant,
            self.title,
            self.system,
            self.tool,
        ]
    }
}
