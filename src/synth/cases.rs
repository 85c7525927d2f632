//! Planted cases: the turn of a conversation in which article text shows up (or, for the
//! paraphrase case, where article content is restated without its wording), with the exact
//! byte spans that the ground truth records.

use std::collections::HashSet;

use super::articles::Article;
use super::grammar::{Ctx, RuleId};
use super::prose::ChatKit;
use super::quotes::FamousQuote;
use super::rng::Rng;
use super::text::{SHINGLE, count_words, ngram_hash, token_hash, word_spans};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    None,
    Verbatim,
    NearVerbatim,
    Continuation,
    Pasted,
    Paraphrase,
    FamousQuote,
}

impl Case {
    pub const ALL: [Case; 7] = [
        Case::None,
        Case::Verbatim,
        Case::NearVerbatim,
        Case::Continuation,
        Case::Pasted,
        Case::Paraphrase,
        Case::FamousQuote,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Case::None => "none",
            Case::Verbatim => "verbatim",
            Case::NearVerbatim => "near_verbatim",
            Case::Continuation => "continuation",
            Case::Pasted => "pasted",
            Case::Paraphrase => "paraphrase",
            Case::FamousQuote => "famous_quote",
        }
    }

    /// A planted case by the agreed shares.
    pub fn draw(rng: &mut Rng) -> Case {
        const PLANTED: [Case; 6] = [
            Case::Verbatim,
            Case::NearVerbatim,
            Case::Continuation,
            Case::Pasted,
            Case::Paraphrase,
            Case::FamousQuote,
        ];
        PLANTED[rng.weighted(&[35, 20, 15, 15, 10, 5])]
    }
}

/// A span inside the assistant message of the planted turn (message index filled in later).
#[derive(Debug, Clone)]
pub struct TurnSpan {
    pub start: usize,
    pub end: usize,
    pub article_start: usize,
    pub article_end: usize,
    pub label: &'static str,
}

/// The planted turn: a prompt, an answer and where the answer holds article text.
#[derive(Debug, Clone)]
pub struct Planted {
    pub article: usize,
    pub user: String,
    pub assistant: String,
    pub spans: Vec<TurnSpan>,
    pub words: usize,
    /// How the copy was elicited (`unprompted`, `requested`, `primed`, `echo`), for cases
    /// that copy article text.
    pub elicitation: Option<&'static str>,
}

/// English prompts and framing for the cases. Article facts arrive as `$a...` variables.
pub const CASE_RULES: &[(&str, &str)] = &[
    (
        "c_verb_ask",
        "what did the News Example article about {$atopic} say? can you quote it|\
        Can you give me the exact wording of the {$asection} story about {$aorg}?|\
        I remember an article about {$atopic} in {$acity}. What did it say exactly?|\
        quote the part of the {$adate} article where {$aperson} is mentioned|\
        i need the original text of that report on {$aorg} for a citation|\
        Can you reproduce the section about {$acore} from the News Example piece?|\
        what exactly did the news say about {$aorg}? word for word if possible|\
        Show me the passage from the {$asection} article on {$atopic}",
    ),
    (
        "c_intro_block",
        "Here is what the report said:|According to the article:|\
        The article put it this way:|Here's the passage you're asking about:|\
        Sure. The relevant section reads:|This is the text of that part of the article:|\
        Here's the excerpt from the {$asection} piece:|From the article:",
    ),
    (
        "c_intro_inline",
        "The article said:|According to the report,|As the piece put it,|\
        The story reported that|In the words of the article:",
    ),
    (
        "c_outro",
        "Let me know if you need more of the article.|That's the key passage.|\
        I hope that's the part you were looking for.|The article goes on to discuss reactions from \
        other people involved.|You may want to check the original for the full context.|\
        If you need it for a citation, include the publication date ({$adate}).",
    ),
    (
        "c_near_intro",
        "Here's roughly how the article put it:|From memory, the article said something \
        like this:|The passage went approximately like this:|It read more or less as follows:",
    ),
    (
        "c_cont_ask",
        "Continue this article:|Here's the start of a news story. Write the rest:|\
        finish this news article for me|can you continue the following text|\
        Keep going from where this leaves off:|complete this article",
    ),
    (
        "c_cont_intro",
        "Sure, here's how it continues:|Here's the continuation:|Continuing from there:|\
        Here you go:",
    ),
    (
        "c_paste_ask",
        "can you summarize this?|what's the main point here|\
        Pull out the most important quote from this article.|tl;dr?|\
        Summarize this in a few sentences and give me the key quote.|\
        what is this article saying? keep it short|explain this to me like I'm not an expert",
    ),
    (
        "c_paste_lead",
        "Here's an article I found:|I read this today:|Article below.|\
        my teacher gave us this to read:|From the news:",
    ),
    (
        "c_echo_lead",
        "The key passage is:|The most important line is:|The central quote is:|\
        This sentence sums it up:|The part that matters most:",
    ),
    (
        "c_para_ask",
        "what was the News Example story about {$aorg} about?|summarize that article about \
        {$atopic}|can you tell me what the {$asection} piece on {$aorg} said, in your own words?|\
        I missed the news about {$acore}. what happened?|give me a quick rundown of the report on \
        {$aorg}",
    ),
    (
        "c_para_open",
        "Here's a summary in my own words.|In short:|Here's the gist of it.|\
        Sure, here's a quick rundown.",
    ),
    (
        "c_para_line",
        "The story was about {$atopic}.|It focused on {$aorg} and what it is doing.|\
        The main person quoted was {$aperson}, who argued in favor of the decision.|\
        {$aperson} defended the move and said it was necessary.|\
        There was pushback: {$aperson2} raised concerns about how it was handled.|\
        It also included reactions from ordinary people in {$acity}.|\
        The piece ran in the {$asection} section around {$adate}.|\
        Overall, it laid out what is changing, who it affects, and what comes next.|\
        An outside expert was quoted putting things in a wider context.|\
        It mentioned some figures to show the scale, though I'd check the original for exact numbers.|\
        Basically, {$aorg} is moving ahead and not everyone is happy about it.|\
        The central issue is {$acore}, and the debate isn't settled.|\
        Supporters see it as overdue; critics think it was rushed.|\
        The next steps are still being worked out, according to the piece.",
    ),
    (
        "c_quote_ask",
        "who said something like \"{$qkw}\"? I think it was in the news|\
        what's that famous line about a {$qkw}?|I keep hearing a quote about a {$qkw}. what is it \
        exactly and who said it?|who is the quote about the {$qkw} from?|\
        what's the exact wording of that saying about a {$qkw}",
    ),
    (
        "c_quote_lead",
        "The line you're thinking of is:|That's the quote:|It goes like this:|\
        The exact wording is:",
    ),
];

/// Picks excerpts, builds the planted turn.
pub struct Planter<'a> {
    pub kit: &'a ChatKit,
    pub articles: &'a [Article],
    pub pool: &'a [FamousQuote],
    /// Articles that contain a pool quote.
    pub with_quote: Vec<usize>,
    r: Rules,
}

struct Rules {
    verb_ask: RuleId,
    intro_block: RuleId,
    intro_inline: RuleId,
    outro: RuleId,
    near_intro: RuleId,
    cont_ask: RuleId,
    cont_intro: RuleId,
    paste_ask: RuleId,
    paste_lead: RuleId,
    echo_lead: RuleId,
    para_ask: RuleId,
    para_open: RuleId,
    para_line: RuleId,
    quote_ask: RuleId,
    quote_lead: RuleId,
}

impl<'a> Planter<'a> {
    pub fn new(
        kit: &'a ChatKit,
        articles: &'a [Article],
        pool: &'a [FamousQuote],
    ) -> anyhow::Result<Self> {
        let g = &kit.g;
        let r = Rules {
            verb_ask: g.id("c_verb_ask")?,
            intro_block: g.id("c_intro_block")?,
            intro_inline: g.id("c_intro_inline")?,
            outro: g.id("c_outro")?,
            near_intro: g.id("c_near_intro")?,
            cont_ask: g.id("c_cont_ask")?,
            cont_intro: g.id("c_cont_intro")?,
            paste_ask: g.id("c_paste_ask")?,
            paste_lead: g.id("c_paste_lead")?,
            echo_lead: g.id("c_echo_lead")?,
            para_ask: g.id("c_para_ask")?,
            para_open: g.id("c_para_open")?,
            para_line: g.id("c_para_line")?,
            quote_ask: g.id("c_quote_ask")?,
            quote_lead: g.id("c_quote_lead")?,
        };
        let with_quote = articles
            .iter()
            .enumerate()
            .filter(|(_, a)| a.quote.is_some())
            .map(|(i, _)| i)
            .collect();
        Ok(Planter {
            kit,
            articles,
            pool,
            with_quote,
            r,
        })
    }

    /// Sets the article facts into a (news-topic) context.
    pub fn set_article(&self, ctx: &mut Ctx, a: &Article) -> anyhow::Result<()> {
        let g = &self.kit.g;
        ctx.set(g.var("aorg")?, a.org.clone());
        ctx.set(g.var("atopic")?, a.topic.clone());
        ctx.set(g.var("acity")?, a.city.clone());
        ctx.set(g.var("aperson")?, a.people[0].name.clone());
        ctx.set(g.var("adesc")?, a.people[0].desc.clone());
        ctx.set(g.var("aperson2")?, a.people[1].name.clone());
        ctx.set(g.var("asection")?, a.section);
        ctx.set(g.var("adate")?, a.published.format("%B %Y").to_string());
        ctx.set(g.var("acore")?, a.core.clone());
        Ok(())
    }

    /// Builds the planted turn for `case` (the caller has drawn it). Returns `None` when the
    /// corpus cannot support the case (no article quotes a pool line, or no articles at all).
    pub fn plant(&self, case: Case, ctx: &mut Ctx, rng: &mut Rng) -> Option<Planted> {
        if self.articles.is_empty() {
            return None;
        }
        let ai = if case == Case::FamousQuote {
            if self.with_quote.is_empty() {
                return None;
            }
            *rng.pick(&self.with_quote)
        } else {
            rng.below(self.articles.len())
        };
        let art = &self.articles[ai];
        self.set_article(ctx, art).ok()?;
        let mut p = match case {
            Case::None => return None,
            Case::Verbatim => self.verbatim(art, ctx, rng),
            Case::NearVerbatim => self.near_verbatim(art, ctx, rng),
            Case::Continuation => self.continuation(art, ctx, rng),
            Case::Pasted => self.pasted(art, ctx, rng),
            Case::Paraphrase => self.paraphrase_case(art, ctx, rng),
            Case::FamousQuote => self.famous(art, ctx, rng)?,
        };
        p.article = ai;
        Some(p)
    }

    fn planted(&self, user: String, assistant: String) -> Planted {
        Planted {
            article: 0,
            user,
            assistant,
            spans: Vec::new(),
            words: 0,
            elicitation: None,
        }
    }

    /// A copy asked for by the article's title for about a third of the excerpts (picked by
    /// the excerpt's place, so no random draw changes the rest of the production); otherwise
    /// the ask as generated, which names the article only when it happens to hold its title
    /// words or URL.
    fn ask_for(&self, art: &Article, a_start: usize, user: String) -> (String, &'static str) {
        if (a_start / 7).is_multiple_of(3) {
            let ask = format!(
                "Can you give me the full text of the article \"{}\"?",
                art.title
            );
            return (ask, "requested");
        }
        let name = crate::detect::elicitation::ArticleName::new(Some(&art.title), Some(&art.url));
        let toks = crate::detect::normalize::tokens(&user);
        let words: Vec<u64> = toks.iter().map(|t| t.hash).collect();
        let named = name.named_in(&user.to_lowercase(), &words).is_some();
        (user, if named { "requested" } else { "unprompted" })
    }

    fn verbatim(&self, art: &Article, ctx: &Ctx, rng: &mut Rng) -> Planted {
        let g = &self.kit.g;
        let words = word_spans(&art.text);
        let want =
            rng.bucket(&[(10, 19, 25), (20, 60, 35), (61, 150, 25), (151, 400, 15)]) as usize;
        let (first, count) = if rng.chance(0.3) {
            paragraph_range(&art.text, &words, want, rng)
                .unwrap_or_else(|| any_range(&words, want, rng))
        } else {
            any_range(&words, want, rng)
        };
        let (a_start, a_end) = (words[first].0, words[first + count - 1].1);
        let excerpt = &art.text[a_start..a_end];
        let mut user = String::new();
        g.phrase(self.r.verb_ask, ctx, rng, &mut user);
        let mut out = String::new();
        let single_para = !excerpt.contains('\n');
        let start;
        match rng.below(3) {
            0 if single_para && count <= 60 => {
                g.sentence(self.r.intro_inline, ctx, rng, &mut out);
                out.push_str(" \"");
                start = out.len();
                out.push_str(excerpt);
            }
            1 if single_para => {
                g.sentence(self.r.intro_block, ctx, rng, &mut out);
                out.push_str("\n\n> ");
                start = out.len();
                out.push_str(excerpt);
            }
            _ => {
                g.sentence(self.r.intro_block, ctx, rng, &mut out);
                out.push_str("\n\n");
                start = out.len();
                out.push_str(excerpt);
            }
        }
        let end = out.len();
        if out[..start].ends_with('"') {
            out.push('"');
        }
        if rng.chance(0.6) {
            out.push_str("\n\n");
            g.sentence(self.r.outro, ctx, rng, &mut out);
        }
        let (user, how) = self.ask_for(art, a_start, user);
        let mut p = self.planted(user, out);
        p.elicitation = Some(how);
        p.spans.push(TurnSpan {
            start,
            end,
            article_start: a_start,
            article_end: a_end,
            label: "reproduced",
        });
        p.words = count;
        p
    }

    fn near_verbatim(&self, art: &Article, ctx: &Ctx, rng: &mut Rng) -> Planted {
        let g = &self.kit.g;
        let words = word_spans(&art.text);
        let want = rng.bucket(&[(30, 60, 45), (61, 150, 35), (151, 300, 20)]) as usize;
        let (first, count) = if rng.chance(0.6) {
            sentence_range(&art.text, &words, want, rng)
        } else {
            any_range(&words, want, rng)
        };
        let (a_start, a_end) = (words[first].0, words[first + count - 1].1);
        let edited = edit_excerpt(&art.text, &words[first..first + count], rng);
        let mut user = String::new();
        g.phrase(self.r.verb_ask, ctx, rng, &mut user);
        let mut out = String::new();
        g.sentence(self.r.near_intro, ctx, rng, &mut out);
        out.push_str("\n\n");
        let start = out.len();
        out.push_str(&edited);
        let end = out.len();
        if rng.chance(0.5) {
            out.push_str("\n\n");
            g.sentence(self.r.outro, ctx, rng, &mut out);
        }
        let (user, how) = self.ask_for(art, a_start, user);
        let mut p = self.planted(user, out);
        p.elicitation = Some(how);
        p.spans.push(TurnSpan {
            start,
            end,
            article_start: a_start,
            article_end: a_end,
            label: "reproduced",
        });
        p.words = count;
        p
    }

    fn continuation(&self, art: &Article, ctx: &Ctx, rng: &mut Rng) -> Planted {
        let g = &self.kit.g;
        let words = word_spans(&art.text);
        let n = words.len();
        let open = (rng.range(20, 60) as usize)
            .min(n.saturating_sub(40))
            .max(1);
        let cont = (rng.bucket(&[(40, 100, 50), (101, 200, 35), (201, 300, 15)]) as usize)
            .min(n - open)
            .max(1);
        // Three ways to prime, picked by the opening's length (no random draw, so the rest
        // of the production is unchanged): the article's opening to continue; a passage from
        // its middle to go on from; the opening pasted, repeated by the reply and continued.
        let variant = open % 3;
        let from = if variant == 1 {
            (n - open - cont) / 2
        } else {
            0
        };
        let opening = &art.text[words[from].0..words[from + open - 1].1];
        let (a_start, a_end) = (words[from + open].0, words[from + open + cont - 1].1);
        let mut ask = String::new();
        g.sentence(self.r.cont_ask, ctx, rng, &mut ask);
        let user = match rng.below(3) {
            0 => format!("{ask}\n\n{opening}"),
            1 => format!("{opening}\n\n{}", ask.to_lowercase()),
            _ => format!("{ask} \"{opening}\""),
        };
        let mut out = String::new();
        if rng.chance(0.5) {
            g.sentence(self.r.cont_intro, ctx, rng, &mut out);
            out.push_str("\n\n");
        }
        let mut p_spans = Vec::new();
        let start;
        if variant == 2 {
            // The pasted opening comes back first (echoed), then the article goes on.
            let echo_start = out.len();
            let first = words[from].0;
            out.push_str(&art.text[first..a_end]);
            p_spans.push(TurnSpan {
                start: echo_start,
                end: echo_start + opening.len(),
                article_start: first,
                article_end: first + opening.len(),
                label: "echoed",
            });
            start = echo_start + (a_start - first);
        } else {
            start = out.len();
            out.push_str(&art.text[a_start..a_end]);
        }
        let end = start + (a_end - a_start);
        let mut p = self.planted(user, out);
        // The user gave text of the article; the reply goes on beyond it.
        p.elicitation = Some("primed");
        p.spans = p_spans;
        p.spans.push(TurnSpan {
            start,
            end,
            article_start: a_start,
            article_end: a_end,
            label: "reproduced",
        });
        p.words = cont;
        p
    }

    fn pasted(&self, art: &Article, ctx: &Ctx, rng: &mut Rng) -> Planted {
        let g = &self.kit.g;
        let words = word_spans(&art.text);
        let want = rng.bucket(&[(80, 200, 50), (201, 400, 35), (401, 600, 15)]) as usize;
        // People paste from the start of a sentence, mostly.
        let (first, count) = if rng.chance(0.8) {
            sentence_range(&art.text, &words, want, rng)
        } else {
            any_range(&words, want, rng)
        };
        let pasted = &art.text[words[first].0..words[first + count - 1].1];
        let mut ask = String::new();
        g.phrase(self.r.paste_ask, ctx, rng, &mut ask);
        let user = match rng.below(3) {
            0 => format!("{ask}\n\n{pasted}"),
            1 => format!("{pasted}\n\n{ask}"),
            _ => {
                let mut lead = String::new();
                g.sentence(self.r.paste_lead, ctx, rng, &mut lead);
                format!("{lead}\n\n\"{pasted}\"\n\n{ask}")
            }
        };
        // The echoed quote lies inside what the user pasted.
        let echo_len = (rng.range(20, 150) as usize).min(count);
        let echo_first = first + rng.below(count - echo_len + 1);
        let (a_start, a_end) = (words[echo_first].0, words[echo_first + echo_len - 1].1);
        let echo = &art.text[a_start..a_end];
        let mut out = String::new();
        let n = rng.range_usize(2, 4);
        let summary = self.paraphrase(art, ctx, rng, n);
        let quote_first = rng.chance(0.4);
        if !quote_first {
            g.sentence(self.r.para_open, ctx, rng, &mut out);
            out.push(' ');
            out.push_str(&summary);
            out.push_str("\n\n");
        }
        g.sentence(self.r.echo_lead, ctx, rng, &mut out);
        let start;
        if rng.chance(0.5) && !echo.contains('\n') {
            out.push_str(" \"");
            start = out.len();
            out.push_str(echo);
            out.push('"');
        } else {
            out.push_str("\n\n");
            start = out.len();
            out.push_str(echo);
        }
        let end = start + echo.len();
        if quote_first {
            out.push_str("\n\n");
            out.push_str(&summary);
        }
        let mut p = self.planted(user, out);
        p.elicitation = Some("echo");
        p.spans.push(TurnSpan {
            start,
            end,
            article_start: a_start,
            article_end: a_end,
            label: "echoed",
        });
        p.words = echo_len;
        p
    }

    fn paraphrase_case(&self, art: &Article, ctx: &Ctx, rng: &mut Rng) -> Planted {
        let g = &self.kit.g;
        let mut user = String::new();
        g.phrase(self.r.para_ask, ctx, rng, &mut user);
        let mut out = String::new();
        g.sentence(self.r.para_open, ctx, rng, &mut out);
        out.push_str("\n\n");
        let n = rng.range_usize(4, 8);
        out.push_str(&self.paraphrase(art, ctx, rng, n));
        self.planted(user, out)
    }

    /// Restates article facts in chat wording. Any sentence that would share `SHINGLE` words
    /// in a row with the article is redrawn (and dropped after a few tries), so the result
    /// never reproduces the article's wording.
    pub fn paraphrase(&self, art: &Article, ctx: &Ctx, rng: &mut Rng, sentences: usize) -> String {
        let g = &self.kit.g;
        let art_toks: Vec<u64> = art.text.split_whitespace().filter_map(token_hash).collect();
        let banned: HashSet<u64> = (SHINGLE..=art_toks.len())
            .map(|e| ngram_hash(&art_toks[e - SHINGLE..e]))
            .collect();
        let mut out = String::new();
        let mut toks: Vec<u64> = Vec::new();
        for _ in 0..sentences {
            for _try in 0..8 {
                let mut s = String::new();
                g.sentence(self.r.para_line, ctx, rng, &mut s);
                let new: Vec<u64> = s.split_whitespace().filter_map(token_hash).collect();
                let take = toks.len().min(SHINGLE - 1);
                let mut w = toks[toks.len() - take..].to_vec();
                w.extend_from_slice(&new);
                let clash = (SHINGLE.max(take + 1)..=w.len())
                    .any(|e| banned.contains(&ngram_hash(&w[e - SHINGLE..e])));
                if clash {
                    continue;
                }
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s);
                toks.extend(new);
                break;
            }
        }
        if out.is_empty() {
            out.push_str("I can only give you a rough idea of what it covered.");
        }
        out
    }

    fn famous(&self, art: &Article, ctx: &mut Ctx, rng: &mut Rng) -> Option<Planted> {
        let g = &self.kit.g;
        let (qi, a_start, a_end) = art.quote?;
        let q = &self.pool[qi];
        ctx.set(g.var("qkw").ok()?, q.keyword.clone());
        ctx.set(g.var("qwho").ok()?, q.who.clone());
        let mut user = String::new();
        g.phrase(self.r.quote_ask, ctx, rng, &mut user);
        let mut out = String::new();
        let start;
        match rng.below(3) {
            0 => {
                g.sentence(self.r.quote_lead, ctx, rng, &mut out);
                out.push_str(" \"");
                start = out.len();
                out.push_str(&q.text);
                out.push_str(".\" It's usually attributed to ");
                out.push_str(&q.who);
                out.push('.');
            }
            1 => {
                out.push_str("That's ");
                out.push_str(&q.who);
                out.push_str(": \"");
                start = out.len();
                out.push_str(&q.text);
                out.push_str(".\" It gets quoted a lot, including in news coverage.");
            }
            _ => {
                out.push('"');
                start = out.len();
                out.push_str(&q.text);
                out.push_str(".\"\n\n- ");
                let mut who = q.who.clone();
                super::grammar::capitalize_first(&mut who, 0);
                out.push_str(&who);
                out.push_str("\n\nIt's a popular line and shows up in speeches and articles.");
            }
        }
        let end = start + q.text.len();
        let mut p = self.planted(user, out);
        p.spans.push(TurnSpan {
            start,
            end,
            article_start: a_start,
            article_end: a_end,
            label: "reproduced",
        });
        p.words = count_words(&q.text);
        Some(p)
    }
}

/// A random run of about `want` words: (first word index, word count).
fn any_range(words: &[(usize, usize)], want: usize, rng: &mut Rng) -> (usize, usize) {
    let n = words.len();
    let count = want.clamp(1, n.max(1));
    let first = rng.below(n - count + 1);
    (first, count)
}

/// A run of about `want` words that starts at the beginning of a sentence.
fn sentence_range(
    text: &str,
    words: &[(usize, usize)],
    want: usize,
    rng: &mut Rng,
) -> (usize, usize) {
    let n = words.len();
    let count = want.clamp(1, n.max(1));
    let starts: Vec<usize> = (0..=n - count)
        .filter(|&i| {
            i == 0 || text[words[i - 1].1..words[i].0].contains('\n') || {
                let prev = &text[words[i - 1].0..words[i - 1].1];
                prev.ends_with(['.', '?', '!']) || prev.ends_with(".”") || prev.ends_with("?”")
            }
        })
        .collect();
    if starts.is_empty() {
        return any_range(words, want, rng);
    }
    (*rng.pick(&starts), count)
}

/// Whole paragraphs adding up to at most 400 words, starting at a random paragraph.
fn paragraph_range(
    text: &str,
    words: &[(usize, usize)],
    want: usize,
    rng: &mut Rng,
) -> Option<(usize, usize)> {
    let mut starts = vec![0usize];
    for i in 1..words.len() {
        if text[words[i - 1].1..words[i].0].contains('\n') {
            starts.push(i);
        }
    }
    starts.push(words.len());
    let p = rng.below(starts.len() - 1);
    let first = starts[p];
    let mut end = starts[p + 1];
    let mut q = p + 1;
    while end - first < want && q + 1 < starts.len() && starts[q + 1] - first <= 400 {
        q += 1;
        end = starts[q];
    }
    let count = end - first;
    (10..=400).contains(&count).then_some((first, count))
}

/// Copies the excerpt with about one word in 15 changed (replaced, dropped or a word
/// inserted), never two edits next to each other, and never the first or last word, so the
/// edited text still starts and ends where the article range does.
pub fn edit_excerpt(text: &str, words: &[(usize, usize)], rng: &mut Rng) -> String {
    let n = words.len();
    let mut k = ((n as f64 / 15.0) * (0.85 + 0.3 * rng.unit())).round() as usize;
    k = k.max(1).min(n.saturating_sub(2) / 2);
    let mut edits: Vec<usize> = Vec::with_capacity(k);
    let mut guard = 0;
    while edits.len() < k && guard < 1000 {
        guard += 1;
        let i = rng.range_usize(1, n.saturating_sub(2).max(1));
        if edits.iter().any(|&e| e.abs_diff(i) < 2) {
            continue;
        }
        edits.push(i);
    }
    edits.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut next_edit = 0;
    for i in 0..n {
        let w = &text[words[i].0..words[i].1];
        let sep = if i + 1 < n {
            &text[words[i].1..words[i + 1].0]
        } else {
            ""
        };
        let editing = next_edit < edits.len() && edits[next_edit] == i;
        if !editing {
            out.push_str(w);
            out.push_str(sep);
            continue;
        }
        next_edit += 1;
        let prev_sep = &text[words[i - 1].1..words[i].0];
        let can_drop = !sep.contains('\n') && !prev_sep.contains('\n');
        match (rng.below(10), can_drop) {
            (0..=1, true) => {
                // Dropped: the word and the space after it disappear.
            }
            (2..=3, _) => {
                out.push_str(w);
                out.push(' ');
                let filler = FILLERS[rng.below(FILLERS.len())];
                out.push_str(filler);
                out.push_str(sep);
            }
            _ => {
                out.push_str(&replace_word(w, rng));
                out.push_str(sep);
            }
        }
    }
    out
}

const FILLERS: [&str; 8] = [
    "also",
    "reportedly",
    "now",
    "still",
    "recently",
    "largely",
    "then",
    "officially",
];

/// Pairs of interchangeable words (both directions are used).
const SWAPS: [(&str, &str); 40] = [
    ("said", "stated"),
    ("says", "states"),
    ("announced", "revealed"),
    ("plan", "proposal"),
    ("company", "firm"),
    ("residents", "locals"),
    ("officials", "authorities"),
    ("about", "around"),
    ("nearly", "almost"),
    ("more", "over"),
    ("would", "will"),
    ("could", "might"),
    ("city", "town"),
    ("people", "individuals"),
    ("expected", "anticipated"),
    ("largest", "biggest"),
    ("help", "assist"),
    ("began", "started"),
    ("increase", "rise"),
    ("decline", "drop"),
    ("many", "numerous"),
    ("workers", "employees"),
    ("million", "billion"),
    ("the", "a"),
    ("new", "recent"),
    ("week", "month"),
    ("early", "late"),
    ("before", "after"),
    ("first", "second"),
    ("after", "following"),
    ("and", "plus"),
    ("told", "informed"),
    ("also", "additionally"),
    ("rose", "grew"),
    ("fell", "dropped"),
    ("most", "many"),
    ("its", "their"),
    ("that", "which"),
    ("large", "big"),
    ("is", "remains"),
];

/// A different word in place of `w`, keeping its punctuation and capitalisation.
fn replace_word(w: &str, rng: &mut Rng) -> String {
    let lead_len = w.len() - w.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
    let core_end = w
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .len()
        .max(lead_len);
    let (lead, core, tail) = (&w[..lead_len], &w[lead_len..core_end], &w[core_end..]);
    let lower = core.to_lowercase();
    let mut repl: Option<String> = None;
    for (a, b) in SWAPS {
        if lower == a {
            repl = Some(b.to_string());
        } else if lower == b {
            repl = Some(a.to_string());
        }
    }
    if repl.is_none()
        && !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        // A misremembered number: change one digit.
        let mut chars: Vec<char> = core.chars().collect();
        let digits: Vec<usize> = (0..chars.len())
            .filter(|&i| chars[i].is_ascii_digit())
            .collect();
        if let Some(&i) = digits.last() {
            let d = chars[i].to_digit(10).unwrap_or(0);
            chars[i] = char::from_digit((d + 1 + rng.below(8) as u32) % 10, 10).unwrap_or('0');
            repl = Some(chars.into_iter().collect());
        }
    }
    let mut r = repl.unwrap_or_else(|| match rng.below(3) {
        0 => match core.strip_suffix('s') {
            Some(stem) if !stem.is_empty() => stem.to_string(),
            _ => format!("{core}s"),
        },
        1 => format!("the {core}"),
        _ => format!("{core}’s"),
    });
    if r == core {
        r = format!("{core}ed");
    }
    if core.chars().next().is_some_and(char::is_uppercase) {
        super::grammar::capitalize_first(&mut r, 0);
    }
    format!("{lead}{r}{tail}")
}
