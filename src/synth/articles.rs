//! The synthetic news corpus: articles built from the news grammar, with a global check that no
//! two articles share a run of `SHINGLE` words except inside a pool quote.

use std::collections::HashSet;

use anyhow::Result;
use chrono::{Datelike, Duration, NaiveDate};

use super::grammar::{Ctx, Grammar, RuleId, VarId};
use super::news::{NEWS, PEOPLE, SECTIONS, STRICT, VARS};
use super::quotes::FamousQuote;
use super::rng::{Rng, derive};
use super::text::{Bloom, SHINGLE, count_words, ngram_hash, shingle_at, token_hash};
use super::vocab::{CITIES, FIRST_NAMES, LAST_NAMES, ORG_STEMS, list};

/// A person named in an article, for paraphrases.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub desc: String,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub url: String,
    pub published: NaiveDate,
    pub section: &'static str,
    pub text: String,
    /// Facts the paraphrase case restates in other words.
    pub people: [Person; 3],
    pub org: String,
    pub city: String,
    pub topic: String,
    pub core: String,
    /// A pool quote in this article: (pool index, byte range of the line in `text`).
    pub quote: Option<(usize, usize, usize)>,
}

/// Compiled news grammar with the rule and variable handles the generator uses.
pub struct NewsKit {
    g: Grammar,
    r: Rules,
    v: Vars,
    firsts: Vec<&'static str>,
    lasts: Vec<&'static str>,
    cities: Vec<(&'static str, &'static str)>,
    stems: Vec<&'static str>,
}

struct Rules {
    quote_open: RuleId,
    quote_more: RuleId,
    quote_counter: RuleId,
    quote_expert: RuleId,
    figures: RuleId,
    critics_line: RuleId,
    no_comment: RuleId,
    closer: RuleId,
    lead_any: RuleId,
    gen_quote: RuleId,
    voice: RuleId,
    background: RuleId,
    claim_line: RuleId,
    mascot: RuleId,
    weekday: RuleId,
    month: RuleId,
}

struct Vars {
    dateline: VarId,
    city: VarId,
    p: [(VarId, VarId, VarId); 3],
    org: VarId,
    org2: VarId,
    orgs: VarId,
    topic: VarId,
    thing: VarId,
    region: VarId,
    team1: VarId,
    team2: VarId,
    month: VarId,
    weekday: VarId,
    n1: VarId,
    core: VarId,
}

/// Section shares of the corpus (politics, business, technology, sport, health, science,
/// world, culture).
const SECTION_WEIGHTS: [u32; 8] = [18, 18, 14, 14, 10, 8, 10, 8];

impl NewsKit {
    pub fn new() -> Result<NewsKit> {
        let g = Grammar::compile(&[NEWS, PEOPLE], &SECTIONS, &VARS, &STRICT)?;
        let rule = |n: &str| g.id(n);
        let r = Rules {
            quote_open: rule("quote_open")?,
            quote_more: rule("quote_more")?,
            quote_counter: rule("quote_counter")?,
            quote_expert: rule("quote_expert")?,
            figures: rule("figures")?,
            critics_line: rule("critics_line")?,
            no_comment: rule("no_comment")?,
            closer: rule("closer")?,
            lead_any: rule("lead_any")?,
            gen_quote: rule("gen_quote")?,
            voice: rule("voice")?,
            background: rule("background")?,
            claim_line: rule("claim_line")?,
            mascot: rule("mascot")?,
            weekday: rule("weekday")?,
            month: rule("month")?,
        };
        let var = |n: &str| g.var(n);
        let v = Vars {
            dateline: var("dateline")?,
            city: var("city")?,
            p: [
                (var("p1")?, var("p1l")?, var("p1d")?),
                (var("p2")?, var("p2l")?, var("p2d")?),
                (var("p3")?, var("p3l")?, var("p3d")?),
            ],
            org: var("org")?,
            org2: var("org2")?,
            orgs: var("orgs")?,
            topic: var("topic")?,
            thing: var("thing")?,
            region: var("region")?,
            team1: var("team1")?,
            team2: var("team2")?,
            month: var("month")?,
            weekday: var("weekday")?,
            n1: var("n1")?,
            core: var("core")?,
        };
        let cities = list(CITIES)
            .into_iter()
            .filter_map(|c| c.split_once(';'))
            .collect();
        Ok(NewsKit {
            g,
            r,
            v,
            firsts: list(FIRST_NAMES),
            lasts: list(LAST_NAMES),
            cities,
            stems: list(ORG_STEMS),
        })
    }

    /// A rule of one section, by its base name.
    fn sec(&self, base: &str, section: usize) -> Result<RuleId> {
        self.g.id(&format!("{}.{base}", SECTIONS[section]))
    }
}

/// Generates articles one by one, keeping the shingle filter that makes them distinct.
pub struct ArticleMaker<'a> {
    kit: &'a NewsKit,
    pool: &'a [FamousQuote],
    /// How many pool lines are in use: small corpora use fewer so each line still appears in
    /// several articles.
    active_quotes: usize,
    bloom: Bloom,
    seed: u64,
    urls: HashSet<String>,
    sec_rules: Vec<SecRules>,
    /// Sentences redrawn because they would have repeated another article's words.
    pub redraws: u64,
    /// Sentences redrawn because they would have repeated words of the same article.
    pub local_redraws: u64,
}

#[derive(Clone, Copy)]
struct SecRules {
    orgname: RuleId,
    org2name: RuleId,
    desc: [RuleId; 3],
    topic: RuleId,
    thing: RuleId,
    core: RuleId,
    lead: RuleId,
    detail: RuleId,
    headline: RuleId,
}

/// A paragraph or sentence kind in an article plan.
#[derive(Clone, Copy)]
enum Part {
    Lead,
    Rule(RuleId),
    Famous,
}

impl<'a> ArticleMaker<'a> {
    pub fn new(
        kit: &'a NewsKit,
        pool: &'a [FamousQuote],
        seed: u64,
        articles: u64,
    ) -> Result<Self> {
        let mut sec_rules = Vec::new();
        for s in 0..SECTIONS.len() {
            let get = |b: &str| kit.sec(b, s);
            sec_rules.push(SecRules {
                orgname: get("orgname")?,
                org2name: get("org2name")?,
                desc: [get("desc1")?, get("desc2")?, get("desc3")?],
                topic: get("topic")?,
                thing: get("thing")?,
                core: get("core")?,
                lead: get("lead")?,
                detail: get("detail")?,
                headline: get("headline")?,
            });
        }
        // About 30% of articles quote the pool; aim for each line in use to appear ~4 times.
        let active_quotes = (articles as usize * 3 / 10 / 4).max(8).min(pool.len());
        Ok(ArticleMaker {
            kit,
            pool,
            active_quotes,
            bloom: Bloom::new(articles as usize * 700),
            seed,
            urls: HashSet::new(),
            sec_rules,
            redraws: 0,
            local_redraws: 0,
        })
    }

    pub fn make(&mut self, index: u64) -> Article {
        let kit = self.kit;
        let g = &kit.g;
        let mut rng = Rng::new(derive(self.seed, 0xA27, index));
        let section = rng.weighted(&SECTION_WEIGHTS);
        let sr = self.sec_rules[section];
        let sr = &sr;
        let mut ctx = Ctx::new(g);
        ctx.domain = section;
        ctx.avoid_repeats = true;
        let v = &kit.v;

        let &(dateline, city) = rng.pick(&kit.cities);
        ctx.set(v.dateline, dateline);
        ctx.set(v.city, city);
        let us = dateline.contains(", ") && dateline.ends_with('.')
            || !dateline.contains(',') && is_us_city(city);
        let region = format!(
            "{} {}",
            rng.pick(&kit.stems),
            if us { "County" } else { "Province" }
        );
        ctx.set(v.region, region);
        let mascot1 = g.make(kit.r.mascot, &ctx, &mut rng);
        let mut mascot2 = g.make(kit.r.mascot, &ctx, &mut rng);
        while mascot2 == mascot1 {
            mascot2 = g.make(kit.r.mascot, &ctx, &mut rng);
        }
        let &(_, city2) = rng.pick(&kit.cities);
        ctx.set(v.team1, format!("{city} {mascot1}"));
        ctx.set(
            v.team2,
            if city2 == city {
                format!("{} {mascot2}", rng.pick(&kit.stems))
            } else {
                format!("{city2} {mascot2}")
            },
        );
        let wd = g.make(kit.r.weekday, &ctx, &mut rng);
        ctx.set(v.weekday, wd);
        let m = g.make(kit.r.month, &ctx, &mut rng);
        ctx.set(v.month, m);
        ctx.set(v.n1, rng.range(3, 900).to_string());
        // Order matters: later values may mention earlier ones.
        let org2 = g.make(sr.org2name, &ctx, &mut rng);
        ctx.set(v.org2, org2);
        let core = g.make(sr.core, &ctx, &mut rng);
        ctx.set(v.core, core.clone());
        let org = g.make(sr.orgname, &ctx, &mut rng);
        ctx.set(v.orgs, org.strip_prefix("the ").unwrap_or(&org).to_string());
        ctx.set(v.org, org.clone());

        let mut used_last = Vec::new();
        let mut people: Vec<Person> = Vec::with_capacity(3);
        for (i, &(full, last, desc)) in v.p.iter().enumerate() {
            let mut l = *rng.pick(&kit.lasts);
            while used_last.contains(&l) {
                l = *rng.pick(&kit.lasts);
            }
            used_last.push(l);
            let f = *rng.pick(&kit.firsts);
            let name = if rng.chance(0.08) {
                let initial = (b'A' + rng.below(26) as u8) as char;
                format!("{f} {initial}. {l}")
            } else {
                format!("{f} {l}")
            };
            ctx.set(full, name.clone());
            ctx.set(last, l);
            let d = g.make(sr.desc[i], &ctx, &mut rng);
            ctx.set(desc, d.clone());
            people.push(Person { name, desc: d });
        }
        let topic = g.make(sr.topic, &ctx, &mut rng);
        ctx.set(v.topic, topic.clone());
        let thing = g.make(sr.thing, &ctx, &mut rng);
        ctx.set(v.thing, thing);

        let mut title = String::new();
        g.sentence(sr.headline, &ctx, &mut rng, &mut title);

        // The plan: lead, then a mix of detail, quotes, figures and reactions, then a closer.
        let target = rng.bucket(&[
            (150, 299, 14),
            (300, 800, 66),
            (801, 1200, 15),
            (1201, 1450, 5),
        ]) as usize;
        let r = &kit.r;
        let famous =
            (rng.chance(0.3) && self.active_quotes > 0).then(|| rng.below(self.active_quotes));
        let mut body = Body::new();
        let mut paragraphs_done = 0usize;
        let mut famous_done = famous.is_none();
        let opening = [
            vec![Part::Lead],
            vec![Part::Rule(sr.detail), Part::Rule(sr.detail)],
            vec![Part::Rule(r.quote_open), Part::Rule(r.quote_more)],
            vec![Part::Rule(r.figures)],
            vec![Part::Rule(r.quote_counter)],
            vec![Part::Rule(r.quote_expert)],
        ];
        let middle: [&[Part]; 12] = [
            &[Part::Rule(r.gen_quote)],
            &[Part::Rule(r.gen_quote), Part::Rule(r.gen_quote)],
            &[Part::Rule(r.figures), Part::Rule(r.gen_quote)],
            &[Part::Rule(r.voice), Part::Rule(r.voice)],
            &[Part::Rule(r.background), Part::Rule(r.background)],
            &[Part::Rule(sr.detail), Part::Rule(r.figures)],
            &[Part::Rule(r.quote_more)],
            &[Part::Rule(r.critics_line), Part::Rule(r.no_comment)],
            &[Part::Rule(r.quote_counter)],
            &[Part::Rule(r.figures), Part::Rule(sr.detail)],
            &[Part::Rule(r.quote_expert)],
            &[Part::Rule(r.claim_line), Part::Rule(r.critics_line)],
        ];
        let mut guard = 0;
        while guard < 80 {
            guard += 1;
            let parts: Vec<Part> = if paragraphs_done < opening.len() {
                opening[paragraphs_done].clone()
            } else if !famous_done && rng.chance(0.4) {
                famous_done = true;
                vec![Part::Famous]
            } else {
                let mut p = rng.pick(&middle).to_vec();
                // Paragraph length varies: sometimes just the first sentence.
                if p.len() > 1 && rng.chance(0.35) {
                    p.truncate(1);
                }
                p
            };
            // Short articles skip some of the opening paragraphs.
            if paragraphs_done >= 2 && body.words + 60 > target {
                break;
            }
            paragraphs_done += 1;
            self.paragraph(&mut body, &parts, &ctx, &mut rng, sr, famous);
        }
        if famous.is_some() && !famous_done {
            self.paragraph(&mut body, &[Part::Famous], &ctx, &mut rng, sr, famous);
        }
        self.paragraph(
            &mut body,
            &[Part::Rule(r.closer)],
            &ctx,
            &mut rng,
            sr,
            famous,
        );
        // Very rarely redraws leave a short article; pad with detail until it is long enough.
        let mut pad = 0;
        while body.words < 150 && pad < 40 {
            pad += 1;
            self.paragraph(
                &mut body,
                &[Part::Rule(r.gen_quote)],
                &ctx,
                &mut rng,
                sr,
                famous,
            );
        }

        for e in SHINGLE..=body.toks.len() {
            if !body.exempt(e) {
                self.bloom.insert(shingle_at(&body.toks, e));
            }
        }

        let published = random_date(&mut rng);
        let url = self.url(section, published, &title);
        let quote = body.quote;
        Article {
            id: format!("art-{:06}", index + 1),
            title,
            url,
            published,
            section: SECTIONS[section],
            text: body.text,
            people: [people[0].clone(), people[1].clone(), people[2].clone()],
            org,
            city: city.to_string(),
            topic,
            core,
            quote,
        }
    }

    fn paragraph(
        &mut self,
        body: &mut Body,
        parts: &[Part],
        ctx: &Ctx,
        rng: &mut Rng,
        sr: &SecRules,
        famous: Option<usize>,
    ) {
        let kit = self.kit;
        let mut para = String::new();
        let mut quote_in_para: Option<(usize, usize, usize)> = None;
        for part in parts {
            // The lead is what makes a story read as news, so it gets many more tries, and a
            // high-variety fallback for the second half of them.
            let attempts = if matches!(part, Part::Lead) { 60 } else { 16 };
            for attempt in 0..attempts {
                ctx.clear_exhausted();
                let mut s = String::new();
                let mut qrange = None;
                // Whatever opens the article carries the dateline (even when no lead fits).
                if body.text.is_empty() && para.is_empty() {
                    s.push_str(ctx.get(kit.v.dateline));
                    s.push_str(" — ");
                }
                match *part {
                    Part::Lead => {
                        let rule = if attempt < 30 {
                            sr.lead
                        } else {
                            kit.r.lead_any
                        };
                        kit.g.sentence(rule, ctx, rng, &mut s);
                    }
                    Part::Rule(id) => {
                        let at = s.len();
                        kit.g.sentence(id, ctx, rng, &mut s);
                        if at > 0 {
                            // After a dateline the sentence is not at the start of the string.
                            super::grammar::capitalize_first(&mut s, at);
                        }
                    }
                    Part::Famous => {
                        let Some(qi) = famous else { break };
                        let (frame, (qs, qe)) = famous_sentence(&self.pool[qi], ctx, kit, rng);
                        let off = s.len();
                        s.push_str(&frame);
                        qrange = Some((qi, off + qs, off + qe));
                    }
                }
                if ctx.exhausted() {
                    // Nothing new left to say in this kind of sentence.
                    break;
                }
                // Tokens of the candidate; those of the pool line are exempt from the check.
                let base = body.toks.len();
                let mut cand: Vec<u64> = Vec::with_capacity(64);
                let mut exempt: Option<(usize, usize)> = None;
                for w in s.split_whitespace() {
                    let Some(h) = token_hash(w) else { continue };
                    let off = w.as_ptr() as usize - s.as_ptr() as usize;
                    if let Some((_, qs, qe)) = qrange
                        && off < qe
                        && off + w.len() > qs
                    {
                        let t = base + cand.len();
                        exempt = Some(exempt.map_or((t, t + 1), |(a, _)| (a, t + 1)));
                    }
                    cand.push(h);
                }
                if !self.fits(body, &cand, exempt) {
                    self.redraws += 1;
                    continue;
                }
                if !body.fresh(&cand) {
                    self.local_redraws += 1;
                    continue;
                }
                if !para.is_empty() {
                    para.push(' ');
                }
                let at = para.len();
                para.push_str(&s);
                if let Some((qi, qs, qe)) = qrange {
                    quote_in_para = Some((qi, at + qs, at + qe));
                }
                if let Some(ex) = exempt {
                    body.exempt_ranges.push(ex);
                }
                body.toks.extend_from_slice(&cand);
                body.remember_local(cand.len());
                break;
            }
        }
        if para.is_empty() {
            return;
        }
        if !body.text.is_empty() {
            body.text.push_str("\n\n");
        }
        let at = body.text.len();
        body.text.push_str(&para);
        if let Some((qi, s, e)) = quote_in_para {
            body.quote = Some((qi, at + s, at + e));
        }
        body.words += count_words(&para);
    }

    /// Whether appending `cand` to the article makes no window of `SHINGLE` tokens that
    /// another article already has (windows inside a pool quote are allowed to repeat).
    fn fits(&self, body: &Body, cand: &[u64], cand_exempt: Option<(usize, usize)>) -> bool {
        let have = body.toks.len();
        let take = have.min(SHINGLE - 1);
        let offset = have - take;
        let mut window: Vec<u64> = Vec::with_capacity(take + cand.len());
        window.extend_from_slice(&body.toks[offset..]);
        window.extend_from_slice(cand);
        for end in SHINGLE.max(take + 1)..=window.len() {
            let abs_end = offset + end;
            let abs_start = abs_end - SHINGLE;
            let in_new_quote = cand_exempt.is_some_and(|(a, b)| abs_start >= a && abs_end <= b);
            if in_new_quote || body.exempt_span(abs_start, abs_end) {
                continue;
            }
            if self.bloom.contains(shingle_at(&window, end)) {
                return false;
            }
        }
        true
    }

    fn url(&mut self, section: usize, d: NaiveDate, title: &str) -> String {
        let slug: Vec<String> = title
            .split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .flat_map(|c| c.to_lowercase())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .take(9)
            .collect();
        let base = format!(
            "https://news.example/{}/{:02}/{:02}/{}/{}",
            d.year(),
            d.month(),
            d.day(),
            SECTIONS[section],
            slug.join("-")
        );
        let mut url = format!("{base}.html");
        let mut n = 2;
        while !self.urls.insert(url.clone()) {
            url = format!("{base}-{n}.html");
            n += 1;
        }
        url
    }
}

/// Text and token state of an article being written.
struct Body {
    text: String,
    toks: Vec<u64>,
    /// Token ranges `[a, b)` that are pool quotes: windows inside them may repeat elsewhere.
    exempt_ranges: Vec<(usize, usize)>,
    words: usize,
    quote: Option<(usize, usize, usize)>,
    /// Runs of `LOCAL` words already used in this article: a sentence that repeats one reads
    /// like a template, so it is redrawn.
    local: HashSet<u64>,
}

/// Length of the runs an article may not repeat within itself.
const LOCAL: usize = 6;

impl Body {
    fn new() -> Body {
        Body {
            text: String::new(),
            toks: Vec::new(),
            exempt_ranges: Vec::new(),
            words: 0,
            quote: None,
            local: HashSet::new(),
        }
    }

    /// Whether `cand`, appended, repeats no run of `LOCAL` words of this article (or of itself).
    fn fresh(&self, cand: &[u64]) -> bool {
        let have = self.toks.len();
        let take = have.min(LOCAL - 1);
        let mut w: Vec<u64> = self.toks[have - take..].to_vec();
        w.extend_from_slice(cand);
        let mut own = HashSet::new();
        for end in LOCAL.max(take + 1)..=w.len() {
            let h = ngram_hash(&w[end - LOCAL..end]);
            if self.local.contains(&h) || !own.insert(h) {
                return false;
            }
        }
        true
    }

    /// Records the runs ending in the last `added` tokens.
    fn remember_local(&mut self, added: usize) {
        let n = self.toks.len();
        for end in (n - added).max(LOCAL)..=n {
            self.local.insert(ngram_hash(&self.toks[end - LOCAL..end]));
        }
    }

    fn exempt_span(&self, a: usize, b: usize) -> bool {
        self.exempt_ranges.iter().any(|&(x, y)| a >= x && b <= y)
    }

    /// Whether the window ending at token `end` lies inside a quote.
    fn exempt(&self, end: usize) -> bool {
        self.exempt_span(end - SHINGLE, end)
    }
}

/// A sentence quoting a pool line, framed so that the words next to the line belong to this
/// article (a person's name, an organisation), never to the line's fixed attribution.
/// Returns the sentence and the byte range of the line inside it.
fn famous_sentence(
    q: &FamousQuote,
    ctx: &Ctx,
    kit: &NewsKit,
    rng: &mut Rng,
) -> (String, (usize, usize)) {
    let v = &kit.v;
    let p1 = ctx.get(v.p[0].0);
    let p1l = ctx.get(v.p[0].1);
    let p2 = ctx.get(v.p[1].0);
    let org = ctx.get(v.org);
    let mut s = String::from("“");
    let start = s.len();
    s.push_str(&q.text);
    let end = s.len();
    let rest = match rng.below(6) {
        0 => format!(",” {p1} said, quoting {}.", q.who),
        1 => format!(",” {p1l} said, borrowing a line from {}.", q.who),
        2 => format!(
            ".” {p1l} said the words, from {}, summed up the mood in {org}.",
            q.who
        ),
        3 => format!(",” {p2} said, citing {}.", q.who),
        4 => format!(
            ".” {p1l} has the line, from {}, pinned above a desk at {org}.",
            q.who
        ),
        _ => format!(
            ",” {p1l} told the audience, recalling a line from {}.",
            q.who
        ),
    };
    s.push_str(&rest);
    (s, (start, end))
}

fn is_us_city(city: &str) -> bool {
    matches!(
        city,
        "Boston"
            | "Chicago"
            | "Denver"
            | "Detroit"
            | "Houston"
            | "Miami"
            | "Philadelphia"
            | "Seattle"
            | "Atlanta"
            | "Baltimore"
            | "Cleveland"
            | "Dallas"
            | "Milwaukee"
            | "Minneapolis"
            | "Pittsburgh"
            | "Phoenix"
            | "San Diego"
            | "San Francisco"
            | "Los Angeles"
            | "New Orleans"
            | "Salt Lake City"
            | "Honolulu"
    )
}

fn random_date(rng: &mut Rng) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(2024, 10, 31).unwrap_or_default();
    let days = (end - start).num_days().max(0) as u64;
    start + Duration::days(rng.range(0, days) as i64)
}
