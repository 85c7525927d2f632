//! Ordinary chat prose: user prompts (with the typos, lower case and stray personal data of
//! real prompts) and chatbot answers (paragraphs, lists, headings, code blocks, long drafts).

use anyhow::Result;

use super::cases::CASE_RULES;
use super::chat::{CHAT, TOPIC_WEIGHTS, TOPICS, VARS as CHAT_VARS};
use super::grammar::{Ctx, Grammar, RuleId, VarId};
use super::intl::{INTL, INTL_TOPICS, LANGUAGES};
use super::rng::Rng;
use super::text::count_words;
use super::vocab::{EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREETS, list};

/// Variables used by the case prompts (facts of the article a case is about).
pub const CASE_VARS: [&str; 11] = [
    "aorg", "atopic", "acity", "aperson", "adesc", "aperson2", "asection", "adate", "acore",
    "qwho", "qkw",
];

/// Rules every domain must have for a conversation to be generated in it.
const DOMAIN_RULES: [&str; 9] = [
    "ask",
    "follow",
    "follow_generic",
    "open",
    "close",
    "point",
    "item",
    "itemt",
    "head",
];

/// Handles of one domain (an English topic, or a language and topic).
pub struct Domain {
    /// `None` for English.
    pub language: Option<&'static str>,
    pub topic: &'static str,
    pub var_rules: Vec<(VarId, RuleId)>,
    pub r: [RuleId; 9],
}

pub struct ChatKit {
    pub g: Grammar,
    pub domains: Vec<Domain>,
    firsts: Vec<&'static str>,
    lasts: Vec<&'static str>,
    streets: Vec<&'static str>,
    email_domains: Vec<&'static str>,
    story: RuleId,
    letter: RuleId,
    ack: RuleId,
    sname: RuleId,
    lang: VarId,
}

const ASK: usize = 0;
const FOLLOW: usize = 1;
const FOLLOW_GENERIC: usize = 2;
const OPEN: usize = 3;
const CLOSE: usize = 4;
const POINT: usize = 5;
const ITEM: usize = 6;
const HEAD: usize = 8;

impl ChatKit {
    pub fn new() -> Result<ChatKit> {
        let mut names: Vec<String> = TOPICS.iter().map(|t| t.to_string()).collect();
        for (code, _) in LANGUAGES {
            for t in INTL_TOPICS {
                names.push(format!("{code}.{t}"));
            }
        }
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut vars: Vec<&'static str> = CHAT_VARS.to_vec();
        vars.extend_from_slice(&CASE_VARS);
        let g = Grammar::compile(
            &[CHAT, CASE_RULES, INTL],
            &name_refs,
            &vars,
            &["point", "head"],
        )?;
        let mut domains = Vec::new();
        for name in &names {
            let (language, topic) = match name.split_once('.') {
                Some((code, t)) => (
                    LANGUAGES.iter().find(|l| l.0 == code).map(|l| l.1),
                    INTL_TOPICS
                        .iter()
                        .copied()
                        .find(|x| *x == t)
                        .unwrap_or("travel"),
                ),
                None => (
                    None,
                    TOPICS
                        .iter()
                        .copied()
                        .find(|x| x == name)
                        .unwrap_or("smalltalk"),
                ),
            };
            let mut var_rules = Vec::new();
            for v in CHAT_VARS {
                if let Some(r) = g.resolve_id(name, &format!("v_{v}")) {
                    var_rules.push((g.var(v)?, r));
                }
            }
            let mut r = Vec::with_capacity(DOMAIN_RULES.len());
            for base in DOMAIN_RULES {
                // English topics share the generic follow-ups; other languages have their own.
                let id = g
                    .resolve_id(name, base)
                    .ok_or_else(|| anyhow::anyhow!("chat grammar lacks {base} for {name}"))?;
                r.push(id);
            }
            let r: [RuleId; 9] = r
                .try_into()
                .map_err(|_| anyhow::anyhow!("domain rule count"))?;
            domains.push(Domain {
                language,
                topic,
                var_rules,
                r,
            });
        }
        Ok(ChatKit {
            story: g.id("story")?,
            letter: g.id("letter")?,
            ack: g.id("ack")?,
            sname: g.id("sname")?,
            lang: g.var("lang")?,
            g,
            domains,
            firsts: list(FIRST_NAMES),
            lasts: list(LAST_NAMES),
            streets: list(STREETS),
            email_domains: list(EMAIL_DOMAINS),
        })
    }

    /// Index of the English domain for `topic`.
    pub fn english(&self, topic: &str) -> usize {
        self.domains
            .iter()
            .position(|d| d.language.is_none() && d.topic == topic)
            .unwrap_or(0)
    }

    /// A random English topic by the usual shares.
    pub fn random_english(&self, rng: &mut Rng) -> usize {
        self.english(TOPICS[rng.weighted(&TOPIC_WEIGHTS)])
    }

    /// A random domain of a language other than English.
    pub fn random_foreign(&self, rng: &mut Rng) -> usize {
        let foreign: Vec<usize> = (0..self.domains.len())
            .filter(|&i| self.domains[i].language.is_some())
            .collect();
        *rng.pick(&foreign)
    }

    /// A context for one conversation in domain `d`, with its variables drawn.
    pub fn context(&self, d: usize, rng: &mut Rng) -> Ctx {
        let mut ctx = Ctx::new(&self.g);
        ctx.domain = d;
        ctx.avoid_repeats = true;
        for &(v, r) in &self.domains[d].var_rules {
            let value = self.g.make(r, &ctx, rng);
            ctx.set(v, value);
        }
        ctx
    }

    fn rule(&self, ctx: &Ctx, k: usize) -> RuleId {
        self.domains[ctx.domain].r[k]
    }

    /// The first prompt of a conversation.
    pub fn user_open(&self, ctx: &Ctx, rng: &mut Rng) -> String {
        let mut s = String::new();
        self.g.phrase(self.rule(ctx, ASK), ctx, rng, &mut s);
        self.roughen(ctx, rng, s)
    }

    /// A later prompt in the same conversation.
    pub fn user_follow(&self, ctx: &Ctx, rng: &mut Rng) -> String {
        let mut s = String::new();
        let k = if rng.chance(0.55) {
            FOLLOW
        } else {
            FOLLOW_GENERIC
        };
        self.g.phrase(self.rule(ctx, k), ctx, rng, &mut s);
        self.roughen(ctx, rng, s)
    }

    /// Typing habits of real prompts: sentence case or not, missing question marks, typos,
    /// and now and then a piece of personal data.
    fn roughen(&self, ctx: &Ctx, rng: &mut Rng, mut s: String) -> String {
        let english = self.domains[ctx.domain].language.is_none();
        let roll = rng.unit();
        if roll < 0.35 {
            super::grammar::capitalize_first(&mut s, 0);
        } else if roll < 0.45 && english {
            s = s.to_lowercase();
        }
        if rng.chance(0.15) && (s.ends_with('?') || s.ends_with('.')) {
            s.pop();
        }
        if english && rng.chance(0.07) {
            add_typo(&mut s, rng);
        }
        if rng.chance(0.03) {
            self.add_personal_data(&mut s, rng);
        }
        s
    }

    /// Appends contact details the way people paste them into prompts.
    pub fn add_personal_data(&self, s: &mut String, rng: &mut Rng) {
        let first = *rng.pick(&self.firsts);
        let last = *rng.pick(&self.lasts);
        let email = format!(
            "{}{}{}@{}",
            first.to_lowercase(),
            if rng.chance(0.5) { "." } else { "" },
            if rng.chance(0.5) {
                format!("{}{}", last.to_lowercase(), rng.range(1, 99))
            } else {
                last.to_lowercase()
            },
            rng.pick(&self.email_domains)
        );
        let phone = phone_number(rng);
        let addition = match rng.below(7) {
            0 => format!(" my email is {email} if you need it"),
            1 => format!("\n\nYou can reach me at {phone}."),
            2 => format!(" (contact: {first} {last}, {email}, {phone})"),
            3 if s.ends_with(['.', '?', '!']) => format!(" btw my number is {phone}"),
            3 => format!(". btw my number is {phone}"),
            4 => format!("\n\nMy details: {first} {last}, {}", self.address(rng)),
            5 => format!(" - send it to {email} please"),
            _ => format!("\n\nSigned, {first} {last}\n{phone}\n{email}"),
        };
        s.push_str(&addition);
    }

    fn address(&self, rng: &mut Rng) -> String {
        const PLACES: [&str; 8] = [
            "Springfield, IL 62704",
            "Columbus, OH 43215",
            "Austin, TX 78704",
            "Portland, OR 97214",
            "Madison, WI 53703",
            "Raleigh, NC 27601",
            "Tucson, AZ 85719",
            "Albany, NY 12210",
        ];
        format!(
            "{} {}, {}",
            rng.range(12, 9876),
            rng.pick(&self.streets),
            rng.pick(&PLACES)
        )
    }

    /// How long an answer should be, in words: mostly short to medium, with a long tail.
    pub fn reply_target(&self, rng: &mut Rng, later_turn: bool) -> usize {
        if later_turn {
            rng.bucket(&[(8, 40, 35), (40, 140, 45), (140, 400, 18), (400, 900, 2)]) as usize
        } else {
            rng.bucket(&[
                (15, 60, 22),
                (60, 180, 45),
                (180, 400, 25),
                (400, 900, 6),
                (900, 2200, 2),
            ]) as usize
        }
    }

    /// A chatbot answer of about `target` words.
    pub fn assistant_reply(&self, ctx: &Ctx, rng: &mut Rng, target: usize) -> String {
        let d = &self.domains[ctx.domain];
        let g = &self.g;
        // Within one answer each point and heading is used once; when they run out, the
        // answer is as long as this topic can make it.
        ctx.reset_used();
        let mut out = String::with_capacity(target * 7);
        g.sentence(self.rule(ctx, OPEN), ctx, rng, &mut out);
        if target < 25 {
            out.push(' ');
            g.sentence(self.rule(ctx, POINT), ctx, rng, &mut out);
            return out;
        }
        let english = d.language.is_none();
        let style = match d.topic {
            "coding" if english => rng.weighted(&[25, 20, 10, 15, 60]),
            "writing" if english => rng.weighted(&[20, 10, 5, 5, 0, 35, 25]),
            _ if english => rng.weighted(&[35, 30, 20, 15]),
            _ => rng.weighted(&[40, 35, 25]),
        };
        let mut words = count_words(&out);
        let mut guard = 0;
        let mut section = 0;
        while words < target && guard < 200 {
            guard += 1;
            let start = out.len();
            ctx.clear_exhausted();
            out.push_str("\n\n");
            match style {
                // Paragraphs of points.
                0 => {
                    let n = rng.range_usize(2, 4);
                    for i in 0..n {
                        if i > 0 {
                            out.push(' ');
                        }
                        g.sentence(self.rule(ctx, POINT), ctx, rng, &mut out);
                    }
                }
                // A numbered list.
                1 => {
                    let n = rng.range_usize(3, 7);
                    for i in 0..n {
                        if i > 0 {
                            out.push('\n');
                        }
                        out.push_str(&format!("{}. ", i + 1));
                        g.sentence(self.rule(ctx, ITEM), ctx, rng, &mut out);
                    }
                }
                // Bullets.
                2 => {
                    let n = rng.range_usize(3, 6);
                    for i in 0..n {
                        if i > 0 {
                            out.push('\n');
                        }
                        out.push_str("- ");
                        g.sentence(self.rule(ctx, ITEM), ctx, rng, &mut out);
                    }
                }
                // Headed sections.
                3 => {
                    section += 1;
                    out.push_str(if rng.chance(0.7) { "## " } else { "### " });
                    g.sentence(self.rule(ctx, HEAD), ctx, rng, &mut out);
                    out.push_str("\n\n");
                    if section % 2 == 0 {
                        for i in 0..rng.range_usize(2, 4) {
                            if i > 0 {
                                out.push('\n');
                            }
                            out.push_str("- ");
                            g.sentence(self.rule(ctx, ITEM), ctx, rng, &mut out);
                        }
                    } else {
                        for i in 0..rng.range_usize(1, 3) {
                            if i > 0 {
                                out.push(' ');
                            }
                            g.sentence(self.rule(ctx, POINT), ctx, rng, &mut out);
                        }
                    }
                }
                // Code with a short explanation.
                4 => {
                    let lang = ctx.get(self.lang);
                    let (tag, code) = code_block(lang, rng);
                    out.push_str("```");
                    out.push_str(tag);
                    out.push('\n');
                    out.push_str(&code);
                    out.push_str("\n```\n\n");
                    g.sentence(self.rule(ctx, POINT), ctx, rng, &mut out);
                }
                // A story or poem-like draft.
                5 => {
                    let n = rng.range_usize(3, 6);
                    for i in 0..n {
                        if i > 0 {
                            out.push(' ');
                        }
                        g.sentence(self.story, ctx, rng, &mut out);
                    }
                }
                // A letter.
                _ => {
                    out.push_str("Dear ");
                    out.push_str(&g.make(self.sname, ctx, rng));
                    out.push_str(",\n\n");
                    for i in 0..rng.range_usize(3, 5) {
                        if i > 0 {
                            out.push(' ');
                        }
                        g.sentence(self.letter, ctx, rng, &mut out);
                    }
                    out.push_str("\n\nBest regards,\n[Your Name]");
                }
            }
            if ctx.exhausted() {
                out.truncate(start);
                break;
            }
            words += count_words(&out[start..]);
        }
        if rng.chance(0.55) {
            out.push_str("\n\n");
            g.sentence(self.rule(ctx, CLOSE), ctx, rng, &mut out);
        }
        out
    }

    /// A short acknowledgement ("You're welcome!").
    pub fn ack(&self, ctx: &Ctx, rng: &mut Rng) -> String {
        if self.domains[ctx.domain].language.is_some() {
            let mut s = String::new();
            self.g.sentence(self.rule(ctx, CLOSE), ctx, rng, &mut s);
            return s;
        }
        self.g.make(self.ack, ctx, rng)
    }

    /// A different answer to the same prompt (a regenerated reply).
    pub fn alternative_reply(&self, ctx: &Ctx, rng: &mut Rng, not: &str) -> String {
        for _ in 0..8 {
            let t = self.reply_target(rng, true).max(20);
            let s = self.assistant_reply(ctx, rng, t);
            if s != not {
                return s;
            }
        }
        format!("{not}\n\n(Regenerated.)")
    }

    /// A short title for the conversation, from its first prompt.
    pub fn title(&self, first_prompt: &str) -> String {
        let words: Vec<String> = first_prompt
            .split_whitespace()
            .take(6)
            .map(|w| {
                let w: String = w
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '-')
                    .collect();
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            })
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            "New chat".to_string()
        } else {
            words.join(" ")
        }
    }
}

/// Swaps two neighbouring letters of one longer word, as fast typists do.
fn add_typo(s: &mut String, rng: &mut Rng) {
    let words: Vec<(usize, usize)> = super::text::word_spans(s)
        .into_iter()
        .filter(|&(a, b)| b - a >= 5 && s[a..b].is_ascii())
        .collect();
    if words.is_empty() {
        return;
    }
    let (a, b) = *rng.pick(&words);
    let i = a + rng.range_usize(1, b - a - 3);
    let mut bytes = s.as_bytes()[a..b].to_vec();
    let j = i - a;
    if bytes[j].is_ascii_alphabetic() && bytes[j + 1].is_ascii_alphabetic() {
        bytes.swap(j, j + 1);
        if let Ok(w) = String::from_utf8(bytes) {
            s.replace_range(a..b, &w);
        }
    }
}

/// A phone number in one of the formats people type: North American (using the 555-01xx
/// range set aside for fiction) or international (using ranges reserved for drama where they
/// exist).
pub fn phone_number(rng: &mut Rng) -> String {
    let area = [212, 305, 312, 415, 503, 617, 646, 702, 713, 818, 919, 206];
    let a = *rng.pick(&area);
    let n = rng.range(0, 99);
    match rng.below(8) {
        0 => format!("({a}) 555-01{n:02}"),
        1 => format!("{a}-555-01{n:02}"),
        2 => format!("+1 {a} 555 01{n:02}"),
        3 => format!("{a}.555.01{n:02}"),
        4 => format!("+44 20 7946 0{:03}", rng.range(0, 999)),
        5 => format!("+44 7700 900{:03}", rng.range(0, 999)),
        6 => format!("+61 2 5550 {:04}", rng.range(0, 9999)),
        _ => format!(
            "+33 1 99 00 {:02} {:02}",
            rng.range(0, 99),
            rng.range(0, 99)
        ),
    }
}

/// A code block for `lang`: (fence tag, code).
fn code_block(lang: &str, rng: &mut Rng) -> (&'static str, String) {
    const NAMES: [&str; 10] = [
        "items", "records", "rows", "values", "data", "entries", "orders", "users", "lines",
        "events",
    ];
    const FNS: [&str; 8] = [
        "process",
        "load_data",
        "parse_items",
        "summarize",
        "clean",
        "fetch_all",
        "run",
        "merge",
    ];
    let v = *rng.pick(&NAMES);
    let f = *rng.pick(&FNS);
    let n = rng.range(2, 50);
    let camel: String = {
        let mut out = String::new();
        let mut up = false;
        for c in f.chars() {
            if c == '_' {
                up = true;
            } else if up {
                out.extend(c.to_uppercase());
                up = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    let (tag, templates): (&'static str, &[&str]) = match lang {
        "Python" => ("python", PY),
        "JavaScript" => ("javascript", JS),
        "TypeScript" => ("typescript", TS),
        "Rust" => ("rust", RS),
        "Go" => ("go", GO),
        "Java" | "Kotlin" => ("java", JAVA),
        "C#" => ("csharp", CS),
        "SQL" => ("sql", SQL),
        "Bash" => ("bash", BASH),
        "PHP" => ("php", PHP),
        _ => ("python", PY),
    };
    let t = *rng.pick(templates);
    let code = t
        .replace("@v@", v)
        .replace("@f@", f)
        .replace("@F@", &camel)
        .replace("@n@", &n.to_string());
    (tag, code)
}

const PY: &[&str] = &[
    "import csv\n\ndef @f@(path):\n    total = 0\n    with open(path, newline=\"\") as fh:\n        for row in csv.DictReader(fh):\n            total += float(row[\"amount\"] or 0)\n    return total\n\nprint(@f@(\"@v@.csv\"))",
    "def @f@(@v@):\n    seen = set()\n    result = []\n    for item in @v@:\n        if item not in seen:\n            seen.add(item)\n            result.append(item)\n    return result",
    "import requests\nimport time\n\ndef @f@(url, retries=@n@):\n    for attempt in range(retries):\n        try:\n            resp = requests.get(url, timeout=10)\n            resp.raise_for_status()\n            return resp.json()\n        except requests.RequestException:\n            time.sleep(2 ** attempt)\n    raise RuntimeError(\"giving up after retries\")",
    "from collections import Counter\n\ndef @f@(path):\n    with open(path, encoding=\"utf-8\") as fh:\n        words = fh.read().lower().split()\n    return Counter(words).most_common(@n@)",
    "@v@ = sorted(@v@, key=lambda r: r[\"date\"], reverse=True)\nfor r in @v@[:@n@]:\n    print(r[\"date\"], r[\"name\"])",
];
const JS: &[&str] = &[
    "function @F@(@v@) {\n  return [...new Set(@v@)];\n}\n\nconsole.log(@F@([1, 2, 2, 3]));",
    "async function @F@(url) {\n  const res = await fetch(url);\n  if (!res.ok) {\n    throw new Error(`Request failed: ${res.status}`);\n  }\n  const @v@ = await res.json();\n  return @v@.filter((x) => x != null);\n}",
    "function debounce(fn, ms = @n@0) {\n  let timer;\n  return (...args) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), ms);\n  };\n}",
];
const TS: &[&str] = &[
    "interface Item {\n  id: number;\n  name: string;\n}\n\nexport function @F@(@v@: Item[]): Item[] {\n  return @v@.filter((i) => i.name.trim().length > 0);\n}",
];
const RS: &[&str] = &[
    "use std::collections::HashMap;\n\nfn @f@(text: &str) -> HashMap<&str, usize> {\n    let mut counts = HashMap::new();\n    for word in text.split_whitespace() {\n        *counts.entry(word).or_insert(0) += 1;\n    }\n    counts\n}",
    "fn @f@(@v@: &[i64]) -> Option<i64> {\n    @v@.iter().copied().max()\n}\n\nfn main() {\n    let @v@ = vec![@n@, 7, 3];\n    println!(\"{:?}\", @f@(&@v@));\n}",
];
const GO: &[&str] = &[
    "func @F@(@v@ []string) []string {\n\tseen := make(map[string]bool)\n\tout := []string{}\n\tfor _, v := range @v@ {\n\t\tif !seen[v] {\n\t\t\tseen[v] = true\n\t\t\tout = append(out, v)\n\t\t}\n\t}\n\treturn out\n}",
];
const JAVA: &[&str] = &[
    "public static List<String> @F@(List<String> @v@) {\n    return @v@.stream()\n        .filter(s -> s != null && !s.isBlank())\n        .distinct()\n        .collect(Collectors.toList());\n}",
];
const CS: &[&str] = &[
    "public static IEnumerable<int> @F@(IEnumerable<int> @v@)\n{\n    return @v@.Where(x => x > @n@).OrderBy(x => x);\n}",
];
const SQL: &[&str] = &[
    "SELECT customer_id, COUNT(*) AS orders, SUM(total) AS revenue\nFROM orders\nWHERE created_at >= NOW() - INTERVAL '@n@ days'\nGROUP BY customer_id\nORDER BY revenue DESC\nLIMIT 10;",
    "SELECT u.id, u.email, p.title\nFROM users u\nLEFT JOIN posts p ON p.user_id = u.id\nWHERE u.active = true;",
];
const BASH: &[&str] = &[
    "#!/usr/bin/env bash\nset -euo pipefail\n\nfor f in ./@v@/*.log; do\n  gzip -9 \"$f\"\ndone",
    "find . -name \"*.tmp\" -mtime +@n@ -print -delete",
];
const PHP: &[&str] =
    &["<?php\nfunction @F@(array $@v@): array {\n    return array_values(array_unique($@v@));\n}"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_renders() {
        let kit = ChatKit::new().unwrap();
        let mut rng = Rng::new(5);
        for d in 0..kit.domains.len() {
            let ctx = kit.context(d, &mut rng);
            let q = kit.user_open(&ctx, &mut rng);
            let a = kit.assistant_reply(&ctx, &mut rng, 120);
            assert!(!q.trim().is_empty() && !a.trim().is_empty());
            assert!(!q.contains('{') && !a.contains("{$"), "{q} / {a}");
        }
    }
}
