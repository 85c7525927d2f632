//! Assembles one conversation: its metadata (model, time, language), its turns, the planted
//! case if any, and a regenerated reply for the ChatGPT export shape.

use chrono::{TimeZone, Utc};

use super::SynthFormat;
use super::cases::{Case, Planter};
use super::prose::ChatKit;
use super::rng::{Rng, derive};
use super::text::count_words;
use crate::model::Role;

/// Conversations never grow past this many words (a long 40-turn chat is about this size).
const MAX_WORDS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Msg {
    pub role: Role,
    pub text: String,
    /// Epoch seconds, with a fraction.
    pub time: f64,
    /// OpenAI shape only: write `content` as a list of parts.
    pub parts: bool,
}

#[derive(Debug, Clone)]
pub struct Span {
    pub message: usize,
    pub start: usize,
    pub end: usize,
    pub article_start: usize,
    pub article_end: usize,
    pub label: &'static str,
}

#[derive(Debug, Clone)]
pub struct Conv {
    pub id: String,
    pub model: &'static str,
    /// The ChatGPT export's name for the model.
    pub slug: &'static str,
    pub created: f64,
    pub updated: f64,
    pub language: &'static str,
    pub title: String,
    /// The messages an importer shows, in order (for ChatGPT: the visible path only).
    pub messages: Vec<Msg>,
    pub case: Case,
    pub article: Option<usize>,
    pub words: usize,
    /// How the planted copy was elicited (cases that copy article text).
    pub elicitation: Option<&'static str>,
    pub spans: Vec<Span>,
    /// ChatGPT shape: an off-path regenerated answer to the user message before
    /// `messages[i]`: (i, text, time).
    pub regen: Option<(usize, String, f64)>,
    /// Seed for the export's node ids, so ids do not depend on the text.
    pub node_seed: u64,
}

/// Everything needed to build conversations, shared across them.
pub struct ConvMaker<'a> {
    pub kit: &'a ChatKit,
    pub planter: &'a Planter<'a>,
    pub seed: u64,
    pub format: SynthFormat,
    pub plant_rate: f64,
    news: usize,
}

const SYSTEM_PROMPTS: [&str; 6] = [
    "You are a helpful assistant.",
    "You are ChatGPT, a large language model. Answer as concisely as possible.",
    "You are a helpful assistant. Be accurate and cite sources when you can.",
    "You are a friendly tutor who explains things step by step.",
    "You are an expert software engineer. Give working code.",
    "Respond in a clear, professional tone.",
];

/// Start of the production window and its length in seconds (2022-12-01 to 2024-11-30).
const WINDOW_START: i64 = 1_669_852_800;
const WINDOW_SECS: u64 = 730 * 86_400;

/// Release dates (epoch seconds) of the models that appear.
const GPT4: i64 = 1_678_752_000; // 2023-03-14
const GPT4_TURBO: i64 = 1_699_228_800; // 2023-11-06
const GPT4O: i64 = 1_715_558_400; // 2024-05-13
const GPT4O_MINI: i64 = 1_721_260_800; // 2024-07-18

impl<'a> ConvMaker<'a> {
    pub fn new(
        kit: &'a ChatKit,
        planter: &'a Planter<'a>,
        seed: u64,
        format: SynthFormat,
        plant_rate: f64,
    ) -> Self {
        ConvMaker {
            kit,
            planter,
            seed,
            format,
            plant_rate,
            news: kit.english("news"),
        }
    }

    pub fn make(&self, index: u64) -> Conv {
        let kit = self.kit;
        let mut rng = Rng::new(derive(self.seed, 0xC0, index));
        let mut case = if rng.chance(self.plant_rate) {
            Case::draw(&mut rng)
        } else {
            Case::None
        };
        if self.planter.articles.is_empty() {
            case = Case::None;
        }
        // About 5% of all conversations are not in English; planted ones always are, so the
        // share among the others is raised to keep the overall rate.
        let foreign_share = (0.05 / (1.0 - self.plant_rate).max(0.05)).min(1.0);
        let domain = if case != Case::None {
            self.news
        } else if rng.chance(foreign_share) {
            kit.random_foreign(&mut rng)
        } else {
            kit.random_english(&mut rng)
        };
        let mut ctx = kit.context(domain, &mut rng);
        let language = kit.domains[domain].language.unwrap_or("English");

        let created_secs = WINDOW_START + rng.range(0, WINDOW_SECS - 1) as i64;
        let (model, slug) = pick_model(created_secs, &mut rng);
        let mut t = created_secs as f64 + rng.range(0, 999_999) as f64 / 1e6;
        let created = t;

        let turns = rng.bucket(&[
            (1, 1, 45),
            (2, 2, 22),
            (3, 4, 18),
            (5, 10, 11),
            (11, 25, 3),
            (26, 40, 1),
        ]) as usize;
        let mut messages: Vec<Msg> = Vec::with_capacity(turns * 2 + 1);
        let system_share = match self.format {
            SynthFormat::OpenAi => 0.2,
            SynthFormat::ShareGpt => 0.05,
            SynthFormat::ChatGpt => 0.0,
        };
        if rng.chance(system_share) {
            messages.push(Msg {
                role: Role::System,
                text: rng.pick(&SYSTEM_PROMPTS).to_string(),
                time: t,
                parts: false,
            });
        }
        let planted_turn = (case != Case::None).then(|| {
            if turns == 1 || rng.chance(0.6) {
                0
            } else {
                rng.below(turns)
            }
        });
        let mut spans = Vec::new();
        let mut article = None;
        let mut words_involved = 0;
        let mut elicitation = None;
        let mut total_words = 0usize;
        let mut title = String::new();
        for turn in 0..turns {
            let (user, assistant) = if planted_turn == Some(turn) {
                let planted = self.planter.plant(case, &mut ctx, &mut rng).or_else(|| {
                    // A corpus without pool quotes cannot host the famous-quote case.
                    case = Case::Verbatim;
                    self.planter.plant(case, &mut ctx, &mut rng)
                });
                match planted {
                    Some(p) => {
                        let at = messages.len() + 1;
                        for s in &p.spans {
                            spans.push(Span {
                                message: at,
                                start: s.start,
                                end: s.end,
                                article_start: s.article_start,
                                article_end: s.article_end,
                                label: s.label,
                            });
                        }
                        article = Some(p.article);
                        words_involved = p.words;
                        elicitation = p.elicitation;
                        (p.user, p.assistant)
                    }
                    None => {
                        case = Case::None;
                        self.ordinary_turn(&ctx, &mut rng, turn)
                    }
                }
            } else {
                self.ordinary_turn(&ctx, &mut rng, turn)
            };
            if turn == 0 {
                title = kit.title(&user);
            }
            t += rng.range(5, 240) as f64 + rng.unit();
            total_words += count_words(&user) + count_words(&assistant);
            messages.push(Msg {
                role: Role::User,
                text: user,
                time: t,
                parts: false,
            });
            t += rng.range(2, 45) as f64 + rng.unit();
            messages.push(Msg {
                role: Role::Assistant,
                text: assistant,
                time: t,
                parts: false,
            });
            // Stop at the size cap, but never before the planted turn.
            if total_words > MAX_WORDS && planted_turn.is_none_or(|p| p <= turn) {
                break;
            }
        }
        if self.format == SynthFormat::OpenAi && rng.chance(0.1) {
            for m in &mut messages {
                m.parts = rng.chance(0.5);
            }
        }
        let regen = (self.format == SynthFormat::ChatGpt && rng.chance(0.1)).then(|| {
            let assistants: Vec<usize> = (0..messages.len())
                .filter(|&i| messages[i].role == Role::Assistant)
                .collect();
            let i = *rng.pick(&assistants);
            let alt = kit.alternative_reply(&ctx, &mut rng, &messages[i].text);
            (
                i,
                alt,
                messages[i].time + 5.0 + rng.range(0, 55) as f64 + rng.unit(),
            )
        });
        let id = match self.format {
            SynthFormat::ChatGpt => uuid(&mut Rng::new(derive(self.seed, 0x1D, index))),
            _ => format!("conv-{:07}", index + 1),
        };
        Conv {
            id,
            model,
            slug,
            created,
            updated: t,
            language,
            title,
            messages,
            case,
            article,
            words: words_involved,
            elicitation,
            spans,
            regen,
            node_seed: derive(self.seed, 0x0DE, index),
        }
    }

    fn ordinary_turn(
        &self,
        ctx: &super::grammar::Ctx,
        rng: &mut Rng,
        turn: usize,
    ) -> (String, String) {
        let kit = self.kit;
        let user = if turn == 0 {
            kit.user_open(ctx, rng)
        } else {
            kit.user_follow(ctx, rng)
        };
        // Now and then a thank-you gets a one-line answer.
        if turn > 0 && rng.chance(0.06) {
            return (user, kit.ack(ctx, rng));
        }
        let target = kit.reply_target(rng, turn > 0);
        (user, kit.assistant_reply(ctx, rng, target))
    }
}

/// Model by date: only models released by then, with shares that shift as newer ones arrive.
/// Returns (API model name, ChatGPT export slug).
fn pick_model(t: i64, rng: &mut Rng) -> (&'static str, &'static str) {
    let mut options: Vec<(&'static str, &'static str, u32)> = Vec::with_capacity(5);
    let gpt35 = if t < GPT4O {
        60
    } else if t < GPT4O_MINI {
        20
    } else {
        5
    };
    options.push(("gpt-3.5-turbo", "text-davinci-002-render-sha", gpt35));
    if t >= GPT4 {
        let w = if t < GPT4_TURBO {
            30
        } else if t < GPT4O {
            12
        } else {
            4
        };
        options.push(("gpt-4", "gpt-4", w));
    }
    if t >= GPT4_TURBO {
        options.push(("gpt-4-turbo", "gpt-4", if t < GPT4O { 30 } else { 8 }));
    }
    if t >= GPT4O {
        options.push(("gpt-4o", "gpt-4o", 45));
    }
    if t >= GPT4O_MINI {
        options.push(("gpt-4o-mini", "gpt-4o-mini", 40));
    }
    let weights: Vec<u32> = options.iter().map(|o| o.2).collect();
    let o = options[rng.weighted(&weights)];
    (o.0, o.1)
}

/// A random version-4-style UUID from the stream.
pub fn uuid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        ["8", "9", "a", "b"][(b >> 60) as usize & 3],
        &hex[17..20],
        &hex[20..32]
    )
}

/// RFC 3339 UTC time with seconds, as the JSONL shapes carry it.
pub fn iso(secs: f64) -> String {
    Utc.timestamp_opt(secs.floor() as i64, 0)
        .single()
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
