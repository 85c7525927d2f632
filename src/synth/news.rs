//! The news grammar: rules for headlines, leads, quotes, background and closing paragraphs,
//! by section. Every sentence mixes fixed wording with several random slots (names, numbers,
//! places, wording choices), so two articles almost never share eight words in a row; the
//! generator checks that and redraws the rare sentence that still would.

pub const SECTIONS: [&str; 8] = [
    "politics",
    "business",
    "technology",
    "sport",
    "health",
    "science",
    "world",
    "culture",
];

pub const VARS: [&str; 24] = [
    "dateline", "city", "p1", "p1l", "p1d", "p2", "p2l", "p2d", "p3", "p3l", "p3d", "org", "org2",
    "topic", "thing", "region", "team1", "team2", "month", "weekday", "n1", "core", "orgs", "q",
];

/// Sentence-level rules whose alternatives are used at most once per article.
pub const STRICT: [&str; 12] = [
    "detail",
    "speech",
    "counter",
    "claim",
    "claimneg",
    "doubt",
    "analysis",
    "expertsays",
    "figure",
    "next",
    "voice",
    "background",
];

/// Name lists as grammar rules, for the people who appear only once in an article.
pub const PEOPLE: &[(&str, &str)] = &[
    ("first", super::vocab::FIRST_NAMES),
    ("last", super::vocab::LAST_NAMES),
];

pub const NEWS: &[(&str, &str)] = &[
    // ---------- voices of residents and background, shared by all sections ----------
    (
        "voice",
        "{first} {last}, {resident}, said {voiceline}.|\
        “{voicequote},” said {first} {last}, {resident}.|\
        For {first} {last}, {resident}, {voicefeel}.|\
        {first} {last}, {resident}, put it more bluntly: “{voicequote}.”|\
        Outside {spot} {when}, {first} {last}, {resident}, said {voiceline}.|\
        {first} {last}, {resident}, said {voiceline}, adding, “{voicequote}.”|\
        “{voicequote},” {first} {last}, {resident}, said {when}.",
    ),
    (
        "resident",
        "who has lived in {$city} for {#c:3:50} years|{an} {#c:19:84}-year-old {job} from {$city}|\
        a retired {job}|the owner of {an} {shop} in {$city}|{an} {job} who lives near the {$orgs} offices|\
        {an} {job} and mother of {#c:2:4}|{an} {job} and father of {#c:2:4}|{an} {job} who moved to {$city} in \
        {#n:1985:2021}|a longtime volunteer with {stem} {group}",
    ),
    (
        "job",
        "teacher|nurse|bus driver|electrician|accountant|software developer|pharmacist|carpenter|\
        graduate student|restaurant manager|chef|firefighter|social worker|librarian|truck driver|dentist|\
        landscaper|bank teller|mechanic|photographer|paralegal|home health aide|baker|plumber|architect",
    ),
    (
        "shop",
        "coffee shop|bookstore|bike repair shop|hair salon|bakery|hardware store|florist|\
        laundromat|corner grocery|taco stand|tailoring business|record store",
    ),
    (
        "group",
        "Neighbors|Food Pantry|Youth League|Garden Club|Mutual Aid Network|Tenants Council",
    ),
    (
        "spot",
        "a grocery store on the east side of {$city}|a packed community center|the public library|\
        a coffee shop near the {$orgs} offices|a bus stop downtown|a farmers market",
    ),
    (
        "voiceline",
        "the news about {$topic} had been the talk of {$city} for {#c:2:9} days|\
        nobody had explained what {$topic} would mean for people on fixed incomes|\
        friends had been arguing about {$topic} since {month}|the details of {$topic} were hard to follow|\
        people in the neighborhood wanted answers before {month}|\
        {#c:2:9} neighbors had asked for a meeting with {$orgs}|\
        it was the first time in {#c:3:30} years that {$orgs} had asked residents what they thought|\
        local businesses had already felt the effects|\
        the last time something like this happened, in {#n:1990:2018}, it took years to recover",
    ),
    (
        "voicequote",
        "I have been here {#c:5:40} years and I have never seen people this worked up|\
        We just want someone to tell us the truth about what happens next|\
        It is hard to plan anything when the rules keep changing|Honestly, I think most people are tired|\
        My kids ask me about it every night|I went to {#c:2:7} meetings and still do not understand the plan|\
        It could be good for {$city}, if they get it right|Nobody from {$orgs} has ever knocked on my door|\
        We will see. People here are patient, up to a point",
    ),
    (
        "voicefeel",
        "the news was a reminder of how much can change in {#c:2:12} months|\
        the past {#c:2:6} weeks have been a blur of meetings and phone calls|the decision came as a relief|\
        it was hard not to feel left out of the conversation|the timing could hardly have been worse",
    ),
    (
        "background",
        "{$city} has {bgverb} {bgthing} for {#c:2:30} years.|The debate over {$topic} is not new: {$orgs} first weighed {$core} changes in \
        {#n:1995:2019}, when {bgpast}.|{$region} has seen {#c:2:9} {dispute_kind} since \
        {#n:2001:2020}, most of them settled {settle}.|{$orgs} last made {an} {change_size} change in \
        {#n:1988:2018}, when {bgpast}.|Much of the pressure on {$orgs} in {$city} comes from {bgpressure}.|\
        Records show that {$orgs} has changed leaders {#c:2:6} times since {#n:1995:2015}.|\
        The {regiontype} around {$city} has grown by {#pct} since {#n:2000:2015}, according to {data_source}.",
    ),
    (
        "dispute_kind",
        "similar disputes|fights over {$core}|court cases|public battles|rounds of talks",
    ),
    ("change_size", "comparable|major|sweeping|modest|contested"),
    (
        "bgverb",
        "struggled with|argued about|invested heavily in|depended on|quietly debated",
    ),
    (
        "bgthing",
        "the cost of housing|its aging infrastructure|a shrinking tax base|traffic and parking|\
        the future of its downtown|a shortage of skilled workers",
    ),
    (
        "bgpast",
        "{#c:2:9} members resigned over the issue|a court ordered a review of the rules|\
        voters rejected a smaller version of the plan|a fire destroyed the old building|\
        a similar plan collapsed after {#c:2:8} months",
    ),
    (
        "settle",
        "out of court|after long negotiations|only after a change in leadership|by compromise",
    ),
    (
        "bgpressure",
        "rising costs and a shrinking budget|residents who have organized online|\
        a state audit released in {month}|competition from neighboring cities",
    ),
    (
        "regiontype",
        "metropolitan area|farming region|industrial corridor|coastal region",
    ),
    // ---------- shared vocabulary ----------
    (
        "weekday",
        "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
    ),
    (
        "month",
        "January|February|March|April|May|June|July|August|September|October|November|December",
    ),
    (
        "when",
        "on {$weekday}|on {$weekday}|late on {$weekday}|on {$weekday} morning|on {$weekday} afternoon|\
        on {$weekday} evening|earlier this week|this week",
    ),
    (
        "later",
        "by the end of {month}|before {month}|in the coming weeks|within {#c:2:18} months|\
        early next year|by late {month}|over the next {#c:2:9} years|before the summer|by the fall|\
        at a meeting scheduled for {month} {#n:2:28}",
    ),
    (
        "said",
        "said|said|said|told reporters|said in a statement|said in an interview|wrote in an email|\
        said at a news conference|told a small group of reporters|said in a phone interview",
    ),
    (
        "hedge",
        "roughly|about|nearly|more than|almost|at least|just under|just over|some",
    ),
    // Generic quotes and reported claims, built from small pieces so they almost never repeat.
    (
        "gq",
        "{gq_open?} {gq_we} {gq_modal} {gq_verb} {gq_obj} {gq_time}|\
        {gq_open?} {gq_subj} {gq_is} {gq_adj}, {gq_but} {gq_clause}|\
        {gq_open?} {gq_people} {gq_want} {gq_want_obj} {gq_time}|\
        I {gq_think} {gq_clause}|{gq_open?} {gq_clause}|\
        {gq_open?} nobody {gq_here} {gq_expected} {gq_obj} to {gq_happen} {gq_time}",
    ),
    (
        "gq_think",
        "think|believe|suspect|am confident|would argue|keep saying",
    ),
    (
        "gq_open",
        "Look, |Honestly, |To be clear, |In the end, |Frankly, |Right now, |For us, |\
        The way I see it, |If you ask me, |Again, |Put simply, |At this point, ",
    ),
    (
        "gq_we",
        "we|my colleagues and I|all of us|the people in this building|we as a team",
    ),
    (
        "gq_modal",
        "need to|have to|are going to|want to|cannot afford to|intend to|are trying to|\
        will|must|plan to",
    ),
    (
        "gq_verb",
        "get|finish|fix|explain|protect|deliver|rethink|review|defend|slow down|speed up|\
        pay for|rebuild|measure|simplify",
    ),
    (
        "gq_obj",
        "{$thing}|the {$core} work|this {$core} effort|what we started in {month}|the details|\
        the next phase|every part of this|the promises we made in {$city}|the schedule|the budget|\
        the {#c:2:9} open questions|the hard parts",
    ),
    (
        "gq_time",
        "by {month}|before {month}|this year|in the next {#c:2:12} months|as soon as we can|\
        without cutting corners|the right way|for {$city}|alongside {$orgs}|step by step|\
        before {$weekday}|within {#c:2:30} days",
    ),
    (
        "gq_subj",
        "the {$core} question|this plan|the timeline|the money|{$thing}|the first phase|\
        the public reaction|the {month} deadline|what happened in {$city}",
    ),
    (
        "gq_is",
        "is|was|has been|remains|still looks|might be|feels",
    ),
    (
        "gq_adj",
        "complicated|harder than it looks|overdue|fragile|encouraging|unfinished|\
        expensive|messy|promising|manageable|personal for {#c:2:90} families in {$city}",
    ),
    ("gq_but", "but|and|yet|so|and honestly"),
    (
        "gq_clause",
        "{gq_people} {gq_deserve} {gq_deserve_obj}|the {$core} numbers {gq_will} look \
        different by {month}|{#c:2:9} months {is_not_long} for {$core} work in {$city}|\
        nobody in {$city} should expect {an} {gq_quick} fix|{$city} has been through worse|\
        we {gq_owe} {gq_people} {gq_deserve_obj}|the next {#c:2:12} weeks {gq_matter}|\
        {gq_people} {gq_noticed} {gq_change_obj}|this {gq_is} only {gq_stage}",
    ),
    (
        "gq_people",
        "people in {$city}|families here|our neighbors|the people we serve|\
        residents of {$region}|the {#c:2:900} people affected|taxpayers|the staff|\
        folks who live near {$orgs}|the people who rely on {$orgs}",
    ),
    (
        "gq_deserve",
        "deserve|need|are owed|are asking for|have earned|want",
    ),
    (
        "gq_deserve_obj",
        "straight answers|a clear timeline|better than this|a seat at the table|\
        the full numbers|some certainty|real results|a plan they can trust|an honest update",
    ),
    ("gq_will", "will|could|should|might|are going to"),
    ("gq_quick", "quick|easy|painless|overnight|cheap|simple"),
    ("gq_owe", "owe|promised|have to give|need to show"),
    (
        "gq_matter",
        "matter more than anything|will decide this|are critical|will tell {$orgs} a lot|\
        are where the {$core} work is",
    ),
    (
        "gq_noticed",
        "have noticed|are watching|will feel|have already seen|keep asking about",
    ),
    (
        "gq_change_obj",
        "the changes|what is happening with {$core}|the delays|the difference|\
        the cost|every step we take",
    ),
    (
        "gq_stage",
        "the first step|the beginning|one piece of it|a start|part of the answer|\
        round one",
    ),
    (
        "gq_here",
        "here|in {$city}|on the board|in this office|at {$orgs}|I know",
    ),
    (
        "gq_expected",
        "expected|wanted|planned for|asked for|imagined",
    ),
    (
        "gq_happen",
        "happen|move this fast|take this long|get this attention|cost this much|\
        stall",
    ),
    (
        "gq_want",
        "want|need|expect|are asking for|are counting on|keep asking about",
    ),
    (
        "gq_want_obj",
        "{gq_deserve_obj}|progress on {$core}|a real decision|answers about {$thing}|\
        results they can see|less talk and more action",
    ),
    // Reported claims built the same way, for "X said ..." sentences.
    (
        "rq",
        "{rq_subj} {rq_would} {rq_verb} {rq_obj} {rq_time}|\
        {rq_subj} {gq_is} {gq_adj} but {rq_tail}|\
        {gq_people} {gq_deserve} {gq_deserve_obj}|{rq_subj} {rq_had} {rq_past}",
    ),
    (
        "rq_time",
        "by {month}|this year|within {#c:2:12} months|over {#c:2:5} years|before {month}|\
        by the end of {#n:2024:2027}|in its first year",
    ),
    (
        "rq_subj",
        "the {$core} effort|{$orgs}|the plan|the first phase|{$thing}|the work in {$city}|\
        the new timeline|the budget for {$core}|the team",
    ),
    (
        "rq_would",
        "would|could|should|was expected to|was likely to|might",
    ),
    (
        "rq_verb",
        "reach|cover|cost|affect|help|serve|involve|require",
    ),
    (
        "rq_obj",
        "{hedge} {#big:20:90000} people|{#money}|{#c:2:40} neighborhoods|every part of {$region}|\
        {#c:2:90} sites|{#c:2:15} separate teams|more than {#c:2:60} local groups",
    ),
    (
        "rq_tail",
        "worth the {rq_cost}|still on track|not yet settled|improving week by week|\
        likely to change by {month}",
    ),
    ("rq_cost", "cost|wait|trouble|risk|extra months"),
    ("rq_had", "had|has|had already|has quietly"),
    (
        "rq_past",
        "{rq_pverb} {#c:2:12} {rq_pobj} since {month}|{rq_pverb} {rq_pobj} in {$city} {prior}",
    ),
    (
        "rq_pverb",
        "added|lost|reviewed|approved|completed|rejected|reopened|postponed",
    ),
    (
        "rq_pobj",
        "contracts|applications|projects|staff positions|permits|complaints|proposals|sites",
    ),
    (
        "gen_quote",
        "“{gq}. {^}{gq},” {$p1l} said.|“{gq},” {$p1l} said {when}. “{^}{gq}.”|\
        “{gq},” said {$p2l}. “{^}{gq}.”|{$p1l} said {rq}. “{^}{gq},” {$p1l} added.|\
        {$p2l} said {rq}, and that {rq}.|“{gq},” {$p1l} said.|\
        Asked about {$thing}, {$p1l} said {rq}.|{$p1l} told News Example that {rq}.",
    ),
    ("rose", "rose|climbed|jumped|increased|grew|edged up"),
    ("fell", "fell|dropped|declined|slipped|shrank|dipped"),
    ("changed", "{rose}|{fell}"),
    ("risen", "risen|climbed|jumped|increased|grown|edged up"),
    ("fallen", "fallen|dropped|declined|slipped|shrunk|dipped"),
    ("changed_pp", "{risen}|{fallen}"),
    (
        "critics",
        "critics|opponents|skeptics|some residents|several advocacy groups|a coalition of local groups|\
        a handful of lawmakers|union leaders|neighborhood associations|independent analysts",
    ),
    (
        "supporters",
        "supporters|backers|proponents|allies of the plan|business groups|\
        several community organizations|advocates",
    ),
    (
        "worry",
        "worry|argue|warn|contend|have complained|point out|fear|say",
    ),
    (
        "concern_adj",
        "unclear|untested|expensive|rushed|overdue|lopsided|vague|ambitious|\
        premature|risky|costly|poorly explained",
    ),
    (
        "adv",
        "quietly|abruptly|formally|tentatively|publicly|unanimously|narrowly|finally|\
        reluctantly|swiftly",
    ),
    (
        "prior",
        "last year|two years ago|in {#n:2005:2021}|the previous spring|\
        during the pandemic|a decade ago|under the previous leadership",
    ),
    (
        "data_source",
        "figures released by {$org2}|a review by {$org2}|public records|records obtained by \
        News Example|documents reviewed by News Example|a report from {$org2}|budget documents|\
        filings with regulators|an internal memo|survey data collected by {$org2}",
    ),
    (
        "stance_pos",
        "welcomed the decision|praised the move|called it a step in the right direction|\
        said it was long overdue|described the outcome as encouraging|said the change would help|\
        expressed cautious support",
    ),
    (
        "stance_neg",
        "called the decision a mistake|said the plan falls short|criticized the timing|\
        questioned the cost|said the process was rushed|vowed to keep pushing for changes|\
        said too many questions remain",
    ),
    (
        "not_reply",
        "did not respond {when} to {msgs}|declined {when} to comment on {$topic}|\
        did not return {msgs} {when}|could not be reached {when}|\
        declined to discuss {$topic} {when}|referred questions {when} to {$orgs}",
    ),
    (
        "msgs",
        "a request for comment|messages left at its offices|emails from News Example|\
        phone calls|written questions|several messages",
    ),
    (
        "the_figure",
        "The figure|That number|The total|The estimate|The tally|The count",
    ),
    (
        "compare",
        "the highest since {#n:1998:2019}|the lowest in {#c:3:30} years|\
        well above the {avg_kind} average|roughly in line with {$orgs} forecasts|\
        below what {$p1l} had projected|{an} increase of {#pct} from {#n:2010:2022}|a drop of {#pct} from {#n:2010:2022}",
    ),
    ("avg_kind", "national|regional|statewide|five-year|10-year"),
    (
        "attrib_tail",
        "according to {data_source}|based on {data_source}|as shown in {data_source}",
    ),
    // ---------- article paragraphs shared by all sections ----------
    (
        "lead_any",
        "{$org} {lead_verb} {$topic} {when}, {lead_tail}.|\
        {lead_open}, {$org} {lead_verb} {$topic} {when}, {lead_tail}.|\
        {$p1}, {$p1d}, {lead_verb2} {$topic} {when}, {lead_tail}.",
    ),
    (
        "lead_verb",
        "moved ahead with|took a first step on|put new weight behind|changed course on|\
        drew fresh scrutiny over|faced growing questions about|won early backing for|hit a setback on",
    ),
    (
        "lead_verb2",
        "defended|outlined|promised changes to|answered questions about|laid out a timeline for",
    ),
    (
        "lead_open",
        "After {#c:2:14} weeks of {lead_wait}|In a move that surprised {S.people}|\
        Facing pressure from {S.people} in {$city}|Following {an} {lead_wait} that began in {month}",
    ),
    (
        "lead_wait",
        "talks|delays|debate|review|public meetings|negotiations|uncertainty",
    ),
    (
        "lead_tail",
        "{attrib_tail}|a shift that could affect {hedge} {#big:200:90000} {S.people}|\
        with {an} {#money} price tag attached|{#c:2:9} months after the idea first surfaced|\
        setting up a decision by {month}",
    ),
    ("reached", "reached|struck|secured|hammered out"),
    (
        "prelim",
        "preliminary|tentative|initial|partial|provisional",
    ),
    ("dealw", "deal|agreement|accord|understanding|framework"),
    ("talksw", "negotiations|talks|bargaining|meetings"),
    (
        "per_study",
        "according to a study published|according to research published|\
        according to findings released|researchers reported in a paper published|according to a paper out",
    ),
    ("stretched", "stretched|strained|overwhelmed|tested"),
    (
        "staffw",
        "staff to the limit|nurses and doctors|its emergency teams|clinics across {$region}",
    ),
    (
        "some_pat",
        "some patients|a few patients|many families|older patients",
    ),
    (
        "employer_kind",
        "major employer|large employer|longtime employer|key employer",
    ),
    (
        "latest_in",
        "the latest in a string of|the newest of several|one more in a series of|another in a run of",
    ),
    ("lapses", "lapses|failures|incidents|problems|stumbles"),
    (
        "hearing_kind",
        "public hearing|town hall|special session|marathon meeting",
    ),
    (
        "ran_late",
        "stretched past midnight|ran late into the night|drew {#big:80:900} speakers|grew heated at times",
    ),
    (
        "sent_back",
        "sending it back to a committee for revisions|returning it to staff for more work|\
        asking for a new draft by {month}|leaving its future unclear",
    ),
    ("reshape", "reshape|upend|shake up|redraw"),
    ("market_w", "market|business|sector|industry"),
    (
        "finding_w",
        "a finding|a result|a conclusion|an observation",
    ),
    ("change_w", "change|shift|alter|complicate"),
    ("sci_people", "scientists|researchers|ecologists|experts"),
    (
        "is_not_long",
        "is not a long time|is not much time|goes by fast|is a short window",
    ),
    (
        "quote_open",
        "“{S.speech},” {$p1}, {$p1d}, {said}.|“{S.speech},” said {$p1}, {$p1d}.|\
        {$p1}, {$p1d}, {said} that {S.claim}.|“{S.speech},” {$p1}, {$p1d}, said {when}.|\
        In {an} {#c:2:45}-minute interview, {$p1}, {$p1d}, said {S.claim}.",
    ),
    (
        "claim_line",
        "{$p1l} said {S.claim}.|{$p1l} noted that {S.claim}.|According to {$p1l}, {S.claim}.|\
        Officials said {S.claim}.|{$p1l} has said {S.claim}.|In a statement, {$org} said {S.claim}.",
    ),
    (
        "quote_more",
        "“{S.speech}.”|“{S.speech}. {S.speech}.”|\
        {$p1l} added that {S.claim}.|\
        {$p1l} acknowledged that {S.doubt}.|\
        Asked about {S.issue}, {$p1l} said {S.claim}.",
    ),
    (
        "quote_counter",
        "“{S.counter},” said {$p2}, {$p2d}.|\
        {$p2}, {$p2d}, said {S.claimneg}.|\
        {$p2}, {$p2d}, {stance_neg}.|\
        “{S.counter},” {$p2l} said. “{S.counter}.”|\
        Not everyone agreed. {$p2}, {$p2d}, said {S.claimneg}.",
    ),
    (
        "quote_expert",
        "{$p3}, {$p3d}, said {S.analysis}.|\
        “{S.expertsays},” said {$p3}, {$p3d}.|\
        {$p3}, {$p3d}, who has studied {S.issue} for {#c:4:30} years, said {S.analysis}.|\
        {$p3}, {$p3d}, said in {an} {#c:2:40}-minute interview that {S.analysis}.|\
        “{gq}. {^}{gq},” said {$p3}, {$p3d}.",
    ),
    (
        "figures",
        "{S.figure}, {attrib_tail}.|{S.figure}, {compare}.|\
        By {$org2}’s count, {S.figure}.|{S.figure}. {the_figure} was {compare}.",
    ),
    (
        "critics_line",
        "{critics} {worry} that {S.doubt}.|{supporters} say {S.claim}, while {critics} \
        {worry} that {S.doubt}.|{S.doubt}, {critics} {worry}.|\
        Some {S.people} {worry} that {S.doubt}.",
    ),
    (
        "no_comment",
        "{$p2l} {not_reply}.|A spokesperson for {$org2} {not_reply}.|\
        Representatives of {$org2} {not_reply} {when}.|{$org2} {not_reply}.",
    ),
    (
        "closer",
        "{S.next}.|{S.next}, {$p1l} said.|{S.next}. {$p1l} said {S.claim}.|\
        For now, {S.next}.|{S.next}, according to {$org2}.",
    ),
    // ---------- politics ----------
    (
        "politics.orgname",
        "the {$region} Board of Supervisors|the {$region} City Council|\
        the {$region} Transit Authority|the {$region} School Board|the {$region} Planning Commission|\
        the {$region} Housing Authority|the {$region} Water District|the state Senate Finance Committee|\
        the {$region} County Commission|the {$region} Elections Board",
    ),
    (
        "politics.org2name",
        "the {stem} Policy Institute|the {stem} Taxpayers Association|\
        the {stem} Budget Project|the League of {stem} Voters|the {stem} Civic Alliance|\
        the {stem} Center for Public Affairs|the {stem} Tenants Union|the {stem} Chamber of Commerce",
    ),
    (
        "politics.desc1",
        "the chair of {$org}|a member of {$org}|the mayor of {$city}|\
        the {ord_party} member of {$org} who drafted the measure|the president of {$org}|\
        the vice chair of {$org}|{an} {#c:2:4}-term member of {$org}",
    ),
    (
        "politics.desc2",
        "a member of {$org} who voted against the measure|the executive director of {$org2}|\
        a spokesperson for {$org2}|a former member of {$org}|an organizer with {$org2}|\
        the lone dissenting vote on {$org}|a candidate for {$org} in the {#n:2024:2026} election",
    ),
    (
        "politics.desc3",
        "a professor of political science at the University of {$city}|\
        a senior fellow at {$org2}|a former budget director for {$city}|\
        a lecturer in public policy at {stem} College|a research director at {$org2}",
    ),
    (
        "ord_party",
        "longest-serving|newest|youngest|most senior|first-term",
    ),
    ("politics.core", "{polthing}"),
    (
        "politics.topic",
        "the {$core} plan|a proposed {$core} levy|the {$core} ordinance|\
        a measure to overhaul {$core} rules|the long-delayed {$core} budget|\
        a ballot question on {$core} funding",
    ),
    (
        "polthing",
        "transit|housing|parking|stormwater|library|police oversight|school bus|\
        rent stabilization|bike lane|zoning|short-term rental|property tax|broadband|\
        road repair|park maintenance|homeless shelter|election security|noise",
    ),
    (
        "politics.thing",
        "the {#n:2:9}-year spending plan|the revised map of voting districts|\
        {an} {#money} bond measure|the new zoning code|the emergency housing fund|\
        the audit of {$org}’s contracts|a temporary cap on rent increases",
    ),
    (
        "politics.lead",
        "{$org} voted {#n:4:9}-{#n:1:4} {when} to approve {$topic}, ending {#c:2:14} months of \
        debate over how {$city} should {polgoal}.|\
        Members of {$org} {adv} backed {$topic} {when}, a decision that could {poleffect} for \
        {hedge} {#big:4000:250000} residents of {$city}.|\
        After {an} {#c:3:9}-hour {hearing_kind} that {ran_late}, {$org} {adv} rejected \
        {$topic} {when}, {sent_back}.|\
        {$p1}, {$p1d}, unveiled {$topic} {when}, promising it would {poleffect} without raising \
        taxes on {hedge} {#big:2000:90000} households.|\
        A divided {$org} delayed a vote on {$topic} {when}, after {$p1} asked for more time to \
        study how it would {poleffect}.",
    ),
    (
        "polgoal",
        "pay for {$core} upgrades|balance a budget shortfall of {#money}|\
        respond to a surge in {$core} complaints|replace aging {$core} infrastructure|\
        comply with {an} {#n:2015:2023} state law on {$core} services",
    ),
    (
        "poleffect",
        "reshape {$core} services|add {#money} to the {$core} budget|\
        change how {$core} permits are issued|cut wait times at {$core} offices by half|\
        redirect {#money} from {$core} programs|raise fees on {$core} permits",
    ),
    (
        "politics.detail",
        "The measure would take effect in {month} and would cost {hedge} {#money} over \
        {#c:2:10} years, according to {data_source}.|\
        Under the plan, {$city} would hire {#c:5:120} new staff members and open {#c:2:9} offices, \
        most of them in neighborhoods that had complained about {$core} delays.|\
        The vote came after {#big:120:4500} people signed a petition urging {$org} to {polgoal}.|\
        An earlier version of the proposal, rejected {prior}, would have relied on a \
        {#pct} increase in {$core} fees.|\
        {$org} last took up the question {prior}, when a similar proposal failed by \
        {#c:1:3} votes.",
    ),
    (
        "politics.speech",
        "This is about whether people in {$city} can count on {$core} services \
        that actually work|We listened to {#big:200:3000} residents before we wrote a single line of \
        this proposal|Nobody on this board wanted to raise fees, but the alternative was cutting \
        {#c:3:40} positions|I think we finally have a plan that matches what neighborhoods asked for|\
        We are not going to fix {#c:2:20} years of neglect in one budget cycle|The numbers in this \
        plan have been checked by {$org2} and by our own staff|If we wait another year, the cost \
        goes up by {hedge} {#money}",
    ),
    (
        "politics.counter",
        "This plan asks {$city} residents to pay more without any guarantee of \
        better {$core} service|We were given {#c:2:9} days to read {an} {#n:40:400}-page proposal|\
        The people most affected by this were barely consulted|I support the goal, but this is the \
        wrong way to get there|There is nothing in this plan that stops the costs from doubling",
    ),
    (
        "politics.claim",
        "the plan would {poleffect}|the city could not afford to wait another year|\
        {$org} had tried for {#c:2:12} years to {polgoal}|the vote reflected {#c:2:11} months of \
        negotiation|residents would see changes by {month}",
    ),
    (
        "politics.claimneg",
        "the measure would {poleffect} at the expense of smaller neighborhoods|\
        the cost estimate of {#money} was {concern_adj}|the plan was {concern_adj} and should have \
        gone to voters|the board ignored {#big:100:2500} written comments",
    ),
    (
        "politics.doubt",
        "the {$core} fee will climb again within {#c:2:6} years|the plan is \
        {concern_adj}|the savings promised by {$p1l} will not materialize|{$org} will need another \
        {#money} by {#n:2025:2029}",
    ),
    (
        "politics.issue",
        "{$core} funding|the {$core} backlog|municipal budgets|\
        local {$core} policy|how cities pay for {$core} services",
    ),
    (
        "politics.analysis",
        "votes like this one often hinge on a few {#c:2:9}-figure line items that \
        most residents never see|cities across the region face the same {$core} squeeze|\
        the measure was {concern_adj} but politically safer than a tax increase|\
        the real test would come when the first {$core} bills arrive in {month}",
    ),
    (
        "politics.expertsays",
        "Every city in the region is staring at the same {$core} problem|\
        The vote tells you a lot about how nervous local officials are about next year|\
        This is {an} {concern_adj} bet, but it is not a reckless one",
    ),
    (
        "politics.figure",
        "{$city} spent {#money} on {$core} programs {prior}|\
        complaints about {$core} services {changed} {#pct} over {#c:2:5} years|\
        {hedge} {#big:1000:80000} households applied for {$core} assistance {prior}|\
        the {$core} backlog stood at {#big:300:9000} cases in {month}",
    ),
    (
        "politics.people",
        "residents|homeowners|renters|small-business owners|parents|commuters",
    ),
    (
        "politics.next",
        "{$org} is expected to take a final vote {later}|the measure now goes to \
        {$p1l}’s desk for a signature, which is expected {later}|a public comment period on \
        the plan runs {later}|opponents said they would gather signatures to put the question \
        before voters {later}",
    ),
    (
        "politics.headline",
        "{$orgs} approves {$core} plan after long debate|\
        {$city} leaders split over {$core} measure|Vote on {$core} plan delayed as costs climb|\
        What the {$core} vote means for {$city} residents|{$orgs} backs {$core} overhaul in close vote",
    ),
    // ---------- business ----------
    (
        "business.orgname",
        "{stem} {bizsuffix}|{stem} {bizsuffix}|{stem} and {stem2} {bizsuffix}",
    ),
    (
        "bizsuffix",
        "Holdings|Foods|Logistics|Capital|Industries|Motors|Energy|Retail|Pharmaceuticals|\
        Group|Brands|Textiles|Freight|Manufacturing|Home Goods|Beverages|Paper Co.|Steel|Outfitters|Bank",
    ),
    (
        "business.org2name",
        "{stem} Research|{stem} Securities|the {stem} Workers Union|\
        {stem} Advisors|the {$region} Economic Development Council|{stem} Analytics",
    ),
    (
        "business.desc1",
        "the chief executive of {$org}|the chief financial officer of {$org}|\
        the president of {$org}|{$org}’s head of operations|a senior vice president at {$org}|\
        the founder and chairman of {$org}|the head of North American sales at {$org}",
    ),
    (
        "business.desc2",
        "the president of {$org2}|a shop steward at one of the affected plants|\
        a longtime supplier to {$org}|a former executive at {$org}|a spokesperson for {$org2}|\
        the owner of {an} {bizsmall} near the {$city} plant",
    ),
    (
        "bizsmall",
        "diner|hardware store|trucking company|print shop|day care center|auto repair shop|\
        family-owned bakery|machine shop",
    ),
    (
        "business.desc3",
        "an analyst at {$org2}|a retail analyst at {stem} Securities|\
        a professor of economics at {stem} University|the chief economist at {$org2}|\
        a portfolio manager at {stem} Capital",
    ),
    ("business.core", "{bizmove}"),
    (
        "business.topic",
        "the plan to {$core}|its decision to {$core}|an effort to {$core}|\
        a proposal to {$core}",
    ),
    (
        "bizmove",
        "close {#c:2:6} plants|cut {#big:120:4800} jobs|move its headquarters to {$city}|\
        sell its {bizunit} division|raise prices on {bizproduct}|merge with {$org2}|\
        open {#c:3:60} new stores|invest {#money} in a new factory|\
        bring {bizproduct} production back to {$region}|spin off its {bizunit} business",
    ),
    (
        "bizunit",
        "consumer|packaging|trucking|frozen food|wholesale|lending|specialty chemicals|\
        home improvement|pet supplies|regional airline",
    ),
    (
        "bizproduct",
        "its store-brand {bizgoods}|{bizgoods}|premium {bizgoods}|imported {bizgoods}",
    ),
    (
        "bizgoods",
        "coffee|cereal|paint|tires|work boots|kitchen appliances|office furniture|\
        bottled water|canned soup|pet food|diapers|solar panels",
    ),
    (
        "business.thing",
        "its {bizunit} unit|the {$city} plant|its flagship store|\
        its line of {bizgoods}|{an} {#money} credit facility",
    ),
    (
        "business.lead",
        "{$org} said {when} that it would {bizmove}, a move that {analysts_say} could \
        {reshape} the {bizunit} {market_w} in {$region}.|\
        {$org} {adv} announced {when} that it plans to {bizmove}, citing {#c:2:5} consecutive \
        quarters of {bizweak}.|\
        Shares of {$org} {changed} {#pct} {when} after the company said it would {bizmove} \
        by the end of {#n:2024:2027}.|\
        {$p1}, {$p1d}, told employees in a memo {when} that the company would {bizmove}, \
        affecting {hedge} {#big:150:6000} workers.|\
        {$org}, {an} {employer_kind} in {$city} with {hedge} {#big:300:9000} workers, will {bizmove}, {$p1} said {when}.",
    ),
    (
        "analysts_say",
        "analysts said|industry watchers said|people familiar with the matter said|\
        economists said|investors said",
    ),
    (
        "bizweak",
        "falling sales|shrinking margins|rising costs|weak demand|declining orders|\
        flat revenue",
    ),
    (
        "business.detail",
        "The company reported revenue of {#money} for the quarter that ended in \
        {month}, {compare}.|{$org} employs {hedge} {#big:800:60000} people, {hedge} \
        {#big:200:9000} of them in {$region}.|The decision follows {#c:2:5} quarters in which \
        {bizgoods} sales {fell} by {hedge} {#pct}.|Under the plan, {$org} expects to save \
        {#money} a year by {#n:2025:2028}.|{$org} said it would offer affected workers \
        severance of {#c:2:26} weeks’ pay and help finding new jobs.",
    ),
    (
        "business.speech",
        "We did not make this decision lightly, and we know what it means for \
        families in {$city}|Our customers have changed how they buy {bizgoods}, and we have to \
        change with them|This puts {$org} on a much stronger footing for the next {#c:3:10} years|\
        We expect the transition to be finished by {month} {#n:2024:2027}|Every affected employee \
        will be offered a role elsewhere in the company or a fair severance package|\
        The numbers simply did not work at {#c:2:6} of our sites",
    ),
    (
        "business.counter",
        "People gave {#c:10:35} years to that plant and found out from a memo|\
        The company made {#money} last year and still decided to do this|\
        This is going to hurt every business within {#c:2:20} miles of the plant|\
        We were told in {month} that our jobs were safe",
    ),
    (
        "business.claim",
        "the company would {bizmove} without cutting its dividend|demand for \
        {bizgoods} had {fallen} {#pct} since {#n:2019:2023}|the move would save {#money} a year|\
        {$org} had explored other options for {#c:2:18} months",
    ),
    (
        "business.claimneg",
        "the company had given workers only {#c:2:9} weeks of notice|\
        {$org} was putting short-term profits ahead of {$city}|the savings estimate of {#money} was \
        {concern_adj}",
    ),
    (
        "business.doubt",
        "{$org} will {bizmove} anyway if sales keep sliding|other employers in \
        {$region} will follow|prices for {bizgoods} will rise by {hedge} {#pct}|the plan is {concern_adj}",
    ),
    (
        "business.issue",
        "{bizgoods} pricing|the {bizunit} industry|corporate restructuring|\
        manufacturing in {$region}|retail margins",
    ),
    (
        "business.analysis",
        "the company had little choice given what has happened to {bizgoods} \
        prices|investors had been waiting for {$org} to {bizmove} for {#c:2:5} years|\
        the plan looked {concern_adj} on paper but could pay off by {#n:2026:2030}|\
        competitors would likely {bizmove} within a year",
    ),
    (
        "business.expertsays",
        "The market has been telling {$org} to do this for a long time|\
        This is a defensive move, not a growth story|I would want to see the next {#c:2:4} quarters \
        before calling it a success",
    ),
    (
        "business.figure",
        "{$org}’s shares have {changed_pp} {#pct} this year|sales of {bizgoods} \
        {changed} {#pct} in the {#ord:1:4} quarter|the company’s debt reached {#money} at the end \
        of {month}|{hedge} {#big:1000:40000} jobs in {$region} depend on the {bizunit} industry",
    ),
    (
        "business.people",
        "workers|investors|suppliers|customers|shareholders|store managers",
    ),
    (
        "business.next",
        "{$org} is scheduled to report its next quarterly results {later}|\
        the company said it expects to complete the change {later}|union representatives and \
        {$org} are expected to meet {later}|a shareholder vote on the deal is planned {later}",
    ),
    (
        "business.headline",
        "{$orgs} to {$core}|{$orgs} shares slide on plan to {$core}|\
        Why {$orgs} decided to {$core}|{$city} braces as {$orgs} moves to {$core}",
    ),
    // ---------- technology ----------
    (
        "technology.orgname",
        "{stem} {techsuffix}|{stem}{techtail}|{stem} {techsuffix}",
    ),
    (
        "techsuffix",
        "Labs|Systems|Data|Software|Networks|Robotics|Semiconductor|Cloud|Security|\
        Devices|Analytics|Interactive",
    ),
    (
        "techtail",
        "ly|io|ware|sense|stack|grid|mind|loop|base|works",
    ),
    (
        "technology.org2name",
        "the {stem} Digital Rights Center|{stem} Research|\
        the {stem} Institute of Technology|the Consumer Technology Council of {$region}|{stem} Insights",
    ),
    (
        "technology.desc1",
        "the chief executive of {$org}|a co-founder of {$org}|\
        the head of product at {$org}|{$org}’s chief technology officer|\
        the vice president of engineering at {$org}|the chief privacy officer at {$org}",
    ),
    (
        "technology.desc2",
        "a researcher at {$org2}|the policy director of {$org2}|\
        a former engineer at {$org}|a security researcher who studies {techfield}|\
        a lawyer who represents app developers",
    ),
    (
        "technology.desc3",
        "an analyst at {$org2}|a professor of computer science at {stem} University|\
        the director of {$org2}|a consultant who advises companies on {techfield}",
    ),
    (
        "techfield",
        "encryption|data privacy|chip design|machine learning|online safety|\
        cloud infrastructure|mobile payments|battery technology|satellite broadband",
    ),
    (
        "techproduct",
        "{an} {techadj} {techdevice}|its {techadj} {techdevice}|{an} {techadj} {techservice}",
    ),
    (
        "techadj",
        "subscription-based|low-cost|redesigned|AI-powered|long-delayed|\
        energy-efficient|foldable|privacy-focused|enterprise|open-source",
    ),
    (
        "techdevice",
        "smartphone|laptop|smart speaker|headset|fitness tracker|chip|home router|\
        electric scooter|drone|tablet",
    ),
    (
        "techservice",
        "messaging app|payments platform|cloud storage service|translation tool|\
        search feature|photo-editing app|home security service|coding assistant",
    ),
    ("technology.core", "{techproduct}"),
    (
        "technology.topic",
        "{$core}|the launch of {$core}|a data breach affecting \
        {#big:2000:900000} users|its {techfield} practices|a recall of {$core}",
    ),
    (
        "technology.thing",
        "{techproduct}|its {techfield} software|a new data center in {$region}|\
        the company’s {techservice}",
    ),
    (
        "technology.lead",
        "{$org} unveiled {$topic} {when}, betting that {techbet}.|\
        {$org} said {when} that {hedge} {#big:2000:900000} user accounts had been exposed in a \
        breach discovered in {month}, {latest_in} {techfield} {lapses}.|\
        Regulators in {$region} opened an inquiry {when} into {$org} over {$topic}, \
        according to {data_source}.|\
        {$p1}, {$p1d}, said {when} that the company would delay {$topic} until \
        {month}, citing problems with {techfield}.|\
        {$org}, {an} {#c:2:12}-year-old startup based in {$city}, has raised {#money} to expand \
        {$topic}, the company said {when}.",
    ),
    (
        "techbet",
        "customers will pay more for {techfield}|buyers are ready to replace devices they \
        bought {prior}|businesses want {techfield} tools they can run themselves|\
        it can win back users it lost {prior}",
    ),
    (
        "technology.detail",
        "The {techdevice} will sell for ${#big:99:1899} in {$region} starting in \
        {month}.|{$org} said the affected data included names, email addresses and, for \
        {hedge} {#big:100:40000} people, partial payment details.|The company has {hedge} \
        {#big:40:9000} employees and says its {techservice} is used by {#big:10000:9000000} people.|\
        {$org} said it had hired {stem} Security to investigate and had notified {#c:2:30} \
        regulators.|Early reviews of {$thing} praised its {techpraise} but questioned its price.",
    ),
    (
        "techpraise",
        "battery life|screen|speed|privacy settings|design|reliability|software",
    ),
    (
        "technology.speech",
        "We built this for people who are tired of paying for {techfield} they \
        never use|We take the trust of our {#c:2:90} million users seriously|Nothing we have seen \
        suggests that passwords were taken|This is the most significant update to {$thing} in \
        {#c:3:12} years|We would rather ship it in {month} than ship it broken",
    ),
    (
        "technology.counter",
        "Users were told about the breach {#c:3:11} weeks after the company \
        knew about it|The {techfield} claims in this launch are not backed by any outside testing|\
        People deserve to know exactly what data {$org} keeps and for how long",
    ),
    (
        "technology.claim",
        "the company had fixed the flaw within {#c:2:72} hours|{$thing} would \
        reach {#c:5:40} countries by {#n:2024:2026}|demand for {techfield} tools had {risen} \
        {#pct}|{$org} would spend {#money} on {techfield}",
    ),
    (
        "technology.claimneg",
        "{$org} should have disclosed the problem sooner|\
        the {techfield} promises were {concern_adj}|the company collected more data than it needed",
    ),
    (
        "technology.doubt",
        "the {techdevice} will be outdated within {#c:2:4} years|{$org} \
        underestimated the cost of {techfield}|the breach affected more than {#big:2000:900000} \
        people|the rollout is {concern_adj}",
    ),
    (
        "technology.issue",
        "{techfield}|consumer technology|data breaches|the {techdevice} market",
    ),
    (
        "technology.analysis",
        "the launch puts pressure on larger rivals to cut prices|\
        {techfield} has become a selling point rather than an afterthought|the company is \
        betting heavily on a market that grew only {#pct} {prior}|{$org} needed a hit after a \
        {concern_adj} year",
    ),
    (
        "technology.expertsays",
        "This is a smart product in a crowded market|Breaches like this \
        are rarely as small as the first estimate|The hardware is fine; the question is whether \
        anyone wants another subscription",
    ),
    (
        "technology.figure",
        "shipments of {techdevice}s {changed} {#pct} {prior}|{$org} reported \
        revenue of {#money} in its latest fiscal year|{hedge} {#big:10000:900000} people signed \
        up for the {techservice} in its first {#c:2:9} weeks|the company has spent {#money} on \
        research since {#n:2015:2021}",
    ),
    (
        "technology.people",
        "users|developers|customers|privacy advocates|engineers",
    ),
    (
        "technology.next",
        "{$org} said it would publish a full report on the incident {later}|\
        the {techdevice} goes on sale {later}|regulators are expected to decide {later} whether to \
        open a formal investigation|a software update addressing the problems is planned {later}",
    ),
    (
        "technology.headline",
        "{$orgs} unveils {$core}|{$orgs} data breach: what we know|\
        Inside the bet on {$core}|Regulators look at {$orgs} over {techfield}",
    ),
    // ---------- sport ----------
    ("sport.orgname", "the {$team1}"),
    (
        "sport.org2name",
        "the {stem} League|the {stem} Athletic Conference|the {stem} Football \
        Association|the {stem} Basketball League|{stem} Sports Network",
    ),
    (
        "sport.desc1",
        "the {$team1} coach|the {$team1} captain|{an} {#c:2:12}-year veteran of the \
        {$team1}|the {$team1} general manager|the {$team1} goalkeeper|the team’s leading scorer",
    ),
    (
        "sport.desc2",
        "the {$team2} coach|{an} {$team2} midfielder|the {$team2} captain|\
        a spokesperson for {$org2}|the {$team2} general manager",
    ),
    (
        "sport.desc3",
        "a former player who now works as an analyst for {$org2}|a sports economist at \
        {stem} University|a longtime scout for {$org2}|the author of a book about the {$team1}",
    ),
    (
        "mascot",
        "Gulls|Foxes|Rangers|Comets|Harriers|Rivermen|Otters|Falcons|Stallions|Miners|\
        Pilots|Wolves|Herons|Lancers|Mariners|Badgers|Hornets|Thunder|Tide|Bears|Anchors|Kestrels",
    ),
    ("sport.core", "{sportevent}"),
    (
        "sport.topic",
        "the {$core} against the {$team2}|the {$core}|{an} {#c:2:5}-game losing streak|\
        the {$core} at home|the race for a playoff place",
    ),
    (
        "sportevent",
        "conference final|season opener|cup semifinal|derby|playoff series|\
        championship game|title decider|quarterfinal",
    ),
    (
        "sport.thing",
        "the {$team1} defense|the {$team1} roster|the team’s new stadium|\
        the league’s salary cap",
    ),
    (
        "sport.lead",
        "{$p1} scored {#c:2:4} times in the second half as the {$team1} beat the {$team2} \
        {#n:2:7}-{#n:0:1} {when}, ending {$topic}.|The {$team1} came back from {#c:2:3} goals down \
        to draw with the {$team2} {when}, a result that left {$p1l} {sportmood}.|\
        The {$team2} beat the {$team1} {#n:80:128}-{#n:70:119} {when} in {$topic}, spoiling \
        the return of {$p1} after {#c:3:11} weeks out with {an} {injury} injury.|\
        {$p1}, {$p1d}, was suspended for {#c:2:6} games {when} after {$org2} reviewed an incident \
        in {$topic}.|The {$team1} fired their coach {when}, {#c:2:5} days after {an} {#n:3:6}-{#n:0:1} \
        loss to the {$team2} in {$topic}.",
    ),
    (
        "sportmood",
        "frustrated|upbeat|searching for answers|angry with the officiating|\
        relieved|quietly pleased",
    ),
    (
        "injury",
        "ankle|knee|hamstring|shoulder|wrist|groin|back|calf|concussion-related",
    ),
    (
        "sport.detail",
        "The crowd of {#big:8000:72000} was the largest at the stadium since \
        {#n:2008:2021}.|{$p1l} has {#c:5:31} goals in {#c:12:40} games this season, {compare}.|\
        The {$team1} are now {#ord:2:14} in the standings, {#c:2:16} points behind the leaders.|\
        The {$team2} played the final {#c:5:30} minutes with {#c:9:10} players after a red card \
        to their {position}.|The win was the {$team1}’s {#ord:3:9} in a row at home.",
    ),
    (
        "position",
        "captain|left back|center back|holding midfielder|winger|striker|goalkeeper",
    ),
    (
        "sport.speech",
        "We stopped doing the simple things after halftime and they punished us|\
        I am proud of how the group responded after the {#ord:2:5} goal|Nobody in that locker \
        room is panicking about {an} {#c:2:5}-game stretch|We have {#c:3:20} games left and every one \
        of them matters now|The medical staff told me {#c:2:6} weeks, and I came back in {#c:2:5}",
    ),
    (
        "sport.counter",
        "We deserved at least a point from that game|I have watched the replay \
        {#c:3:9} times and it is still not a foul|The {$team1} were better today, no excuses",
    ),
    (
        "sport.claim",
        "the team had trained for {#c:2:9} days on set pieces|the {$team1} would \
        appeal the decision|the squad was healthier than at any point since {month}|\
        the result would not change the plan",
    ),
    (
        "sport.claimneg",
        "the officiating had decided the game|the suspension was {concern_adj}|\
        the schedule had left the {$team2} with only {#c:2:3} days of rest",
    ),
    (
        "sport.doubt",
        "the {$team1} roster is too thin for a playoff run|{$p1l} has returned too \
        soon|the new coach will not have time to change much before {month}",
    ),
    (
        "sport.issue",
        "player workloads|the playoff format|officiating standards|\
        youth development at the {$team1}",
    ),
    (
        "sport.analysis",
        "the {$team1} had been living on narrow wins for {#c:2:8} weeks|\
        the result exposed the same defensive problems that cost the team {prior}|\
        the {$team2} had quietly become one of the best road teams in the league|\
        {$p1l} was playing the best soccer of {an} {#c:8:16}-year career",
    ),
    (
        "sport.expertsays",
        "You cannot give up chances like that and expect to win in this league|\
        The {$team1} have the talent, but the depth is a real worry|\
        That decision will be argued about for a while",
    ),
    (
        "sport.figure",
        "attendance at {$team1} home games has {changed_pp} {#pct} this season|\
        the {$team1} have won {#c:3:14} of their last {#c:15:20} games|\
        {$p1l} has played {#big:1000:3400} minutes this season|ticket prices {rose} {#pct} \
        this season",
    ),
    (
        "sport.people",
        "fans|players|season-ticket holders|coaches|scouts",
    ),
    (
        "sport.next",
        "the {$team1} play the {$team2} again {later}|{$p1l} is expected to return \
        {later}|the {$team1} host the {mascot} of {city_name} {later}|{$org2} will rule on the \
        appeal {later}",
    ),
    (
        "sport.headline",
        "{$team1} beat {$team2} in {$core}|{$team1} stunned at home by {$team2}|\
        {$p1l} leads {$team1} past {$team2}|{$team1} part ways with coach after {$core} loss",
    ),
    // ---------- health ----------
    (
        "health.orgname",
        "{stem} {hospsuffix}|{$city} {hospsuffix}|the {$region} Department of Health",
    ),
    (
        "hospsuffix",
        "General Hospital|Medical Center|Health System|Children’s Hospital|\
        Regional Medical Center|Community Clinics|Cancer Institute",
    ),
    (
        "health.org2name",
        "the {stem} Patients Alliance|the {$region} Nurses Association|\
        the {stem} Institute of Public Health|the {stem} Foundation for Health Research|\
        the {stem} Medical Society",
    ),
    (
        "health.desc1",
        "the chief medical officer at {$org}|an infectious disease specialist at \
        {$org}|the director of emergency medicine at {$org}|the president of {$org}|\
        a pediatrician at {$org}|the health commissioner for {$region}",
    ),
    (
        "health.desc2",
        "a nurse at {$org}|the executive director of {$org2}|a patient who was \
        treated at {$org}|a spokesperson for {$org2}|a family physician in {$city}",
    ),
    (
        "health.desc3",
        "an epidemiologist at {stem} University|a health economist at {$org2}|\
        a professor of medicine at {stem} University|a researcher at {$org2} who studies {$core}",
    ),
    (
        "condition",
        "asthma|diabetes|measles|heart disease|long COVID|influenza|Lyme disease|\
        depression|sepsis|hypertension|kidney disease|whooping cough|migraine",
    ),
    ("health.core", "{condition}"),
    (
        "health.topic",
        "a rise in {$core} cases|the closure of the {$orgs} {ward}|\
        a shortage of {drug}|a new {$core} screening program|wait times for {$core} care|\
        a trial of {an} {drugadj} {$core} treatment",
    ),
    (
        "ward",
        "maternity ward|urgent care clinic|pediatric unit|burn center|dialysis unit|\
        mental health wing|trauma center",
    ),
    (
        "drug",
        "amoxicillin|insulin pens|children’s fever medicine|asthma inhalers|\
        chemotherapy drugs|ADHD medication|blood pressure pills",
    ),
    (
        "drugadj",
        "experimental|once-weekly|low-cost|oral|long-acting|generic",
    ),
    (
        "health.thing",
        "the {ward}|the screening program|the {$core} trial|\
        the hospital’s {#money} expansion",
    ),
    (
        "health.lead",
        "Health officials in {$region} reported {#big:40:4000} new {$core} cases \
        {when}, {compare}, and urged {healthaudience} to {healthadvice}.|{$org} will close its \
        {ward} in {month}, {$p1d} said {when}, forcing patients to travel {hedge} {#c:12:90} \
        miles for care.|Patients in {$city} are facing {$topic}, with {hedge} {#big:200:30000} \
        people affected, according to {data_source}.|{$p1}, {$p1d}, said {when} that {$topic} \
        had {stretched} {$orgs} {staffw}, with {some_pat} waiting {#c:6:30} hours.|\
        Early results from {$topic} at {$org} suggest {healthresult}, researchers said {when}.",
    ),
    (
        "healthaudience",
        "parents|older residents|pregnant women|people with chronic illnesses|\
        travelers|schools",
    ),
    (
        "healthadvice",
        "check their vaccination records|stay home when sick|see a doctor if \
        symptoms last more than {#c:2:10} days|avoid crowded indoor events|keep an eye on \
        children under {#c:2:6}",
    ),
    (
        "healthresult",
        "it cut hospital stays by {hedge} {#pct}|patients recovered {#c:2:9} days \
        faster on average|side effects were milder than expected|benefits were smaller than hoped",
    ),
    (
        "health.detail",
        "{$org} treated {#big:2000:90000} patients {prior}, {hedge} {#pct} of them \
        from outside {$city}.|The trial enrolled {#big:80:4000} patients at {#c:3:30} sites.|\
        Staffing at {$org} has been short by {hedge} {#c:20:400} nurses since {month}.|\
        The {ward} opened in {#n:1968:2012} and was last renovated in {#n:1995:2019}.|\
        {$org2} has asked the state for {#money} to keep services running.",
    ),
    (
        "health.speech",
        "We are seeing families who waited far too long to come in|\
        Nobody wants to close the {ward}, but we cannot staff it safely|\
        The early numbers are encouraging, but they are early|We have enough supply for about \
        {#c:2:9} weeks|If you have symptoms, please do not wait",
    ),
    (
        "health.counter",
        "Patients in {$city} are going to drive {#c:20:90} miles to have a baby|\
        Nurses have been raising this for {#c:2:5} years|These cuts fall hardest on people who \
        already have the least access to care",
    ),
    (
        "health.claim",
        "the hospital had tried for {#c:2:18} months to recruit staff|\
        vaccination rates in {$region} had {fallen} to {#n:70:92} percent|the program would screen \
        {#big:2000:60000} people a year|supply would improve by {month}",
    ),
    (
        "health.claimneg",
        "the closure decision was {concern_adj}|the state had ignored warnings \
        about {$core} for years|patients were not told about the change until {month}",
    ),
    (
        "health.doubt",
        "the shortage will last into {month}|patients will delay care|\
        the trial results will not hold up in a larger study|the plan is {concern_adj}",
    ),
    (
        "health.issue",
        "{$core}|hospital staffing|rural health care|drug shortages",
    ),
    (
        "health.analysis",
        "{$core} cases usually peak {#c:2:8} weeks after schools reopen|\
        closures like this one have become common across {$region}|the findings were promising \
        but needed to be repeated in a larger group|the shortage reflected problems at a handful \
        of manufacturers",
    ),
    (
        "health.expertsays",
        "We have seen this pattern before, and it usually gets worse before it \
        gets better|The trial is small, and small trials can mislead|Access to care is the real \
        story here",
    ),
    (
        "health.figure",
        "emergency room visits for {$core} {changed} {#pct} over {#c:2:12} \
        months|{$org} has {#c:40:900} beds and {hedge} {#big:900:12000} employees|\
        the average wait for a specialist in {$region} is {#c:3:19} weeks|\
        {#big:1000:40000} children in {$region} missed routine checkups {prior}",
    ),
    (
        "health.people",
        "patients|nurses|doctors|parents|caregivers|pharmacists",
    ),
    (
        "health.next",
        "{$org} will hold a public meeting on the closure {later}|\
        researchers plan to publish full results {later}|state regulators are expected to review \
        the plan {later}|officials will update the case count {later}",
    ),
    (
        "health.headline",
        "{$orgs} to cut services as {$core} cases climb|{$core} cases climb in {$city}|\
        What to know about the {$core} surge|Patients wait as {$core} backlog grows",
    ),
    // ---------- science ----------
    (
        "science.orgname",
        "{stem} University|the University of {city_name}|the {stem} Institute for \
        {scifield}|the {stem} Observatory|the {stem} Marine Laboratory",
    ),
    (
        "scifield",
        "Climate Research|Earth Sciences|Astrophysics|Biodiversity|Genomics|\
        Ocean Studies|Materials Science|Neuroscience",
    ),
    (
        "science.org2name",
        "the {stem} Science Foundation|the journal {journal}|\
        the {stem} Geological Survey|the {stem} Natural History Museum",
    ),
    (
        "journal",
        "Field Ecology Letters|Coastal Science Review|Planetary Notes|Cell Systems Today|\
        Frontiers in Soil Research|Journal of Northern Climates",
    ),
    (
        "science.desc1",
        "a biologist at {$org} and the study’s lead author|a professor of {scitopic} \
        at {$org}|the director of {$org}|a postdoctoral researcher at {$org}|\
        an astronomer at {$org}|a geologist at {$org} who led the fieldwork",
    ),
    (
        "science.desc2",
        "a co-author of the study|an ecologist who was not involved in the research|\
        a researcher at {$org2}|a physicist at {stem} University|an editor at {$org2}",
    ),
    (
        "science.desc3",
        "a science historian at {stem} College|a senior scientist at {$org2}|\
        a statistician at {stem} University",
    ),
    (
        "scitopic",
        "ecology|astronomy|marine biology|geology|atmospheric science|genetics|\
        entomology|glaciology",
    ),
    ("science.core", "{critter}"),
    (
        "science.topic",
        "a study of {$core} in {habitat}|the discovery of {sciobject}|\
        new measurements of {sciobject} and {$core}|{an} {#c:3:40}-year record of {$core}",
    ),
    (
        "critter",
        "migrating songbirds|freshwater mussels|bumblebees|deep-sea corals|salamanders|\
        urban foxes|humpback whales|alpine plants|soil bacteria|monarch butterflies|bats",
    ),
    (
        "habitat",
        "the {stem} wetlands|mountain lakes|city parks|coastal marshes|old-growth forests|\
        farm fields|the {stem} river delta",
    ),
    (
        "sciobject",
        "a faint galaxy|an unusually fast-growing glacier|a previously unknown \
        fault line|a cluster of young stars|{an} {#c:2:90}-million-year-old fossil|\
        a rare mineral|a comet on a long orbit",
    ),
    (
        "science.thing",
        "the study|the new data|the fossil|the telescope images|the survey",
    ),
    (
        "science.lead",
        "Researchers at {$org} have found that {$core} in {habitat} {scifinding}, \
        {per_study} {when} in {journal}.|Astronomers at {$org} said {when} \
        that they had identified {sciobject} {#big:400:90000} light-years from Earth.|\
        A team led by {$p1}, {$p1d}, reported {when} that {$core} {scifinding}, {finding_w} that \
        could {change_w} how {sci_people} think about {scitopic}.|Scientists have described {sciobject} \
        found {#c:2:40} miles from {$city}, the first of its kind in {$region}.|\
        {$topic} by researchers at {$org} suggests that {$core} {scifinding}.",
    ),
    (
        "scifinding",
        "are declining {#c:2:5} times faster than previously estimated|have shifted \
        their range {#c:20:300} miles north|recover faster than expected after drought|\
        respond to artificial light in surprising ways|are more resilient than models predicted|\
        are arriving {#c:2:25} days earlier each spring",
    ),
    (
        "science.detail",
        "The team collected {#big:300:90000} samples over {#c:2:14} years.|\
        The work was funded by {an} {#money} grant from {$org2}.|The researchers used data from \
        {#c:3:80} monitoring stations across {$region}.|The findings were reviewed by {#c:2:5} \
        independent scientists before publication.|The study built on earlier work published \
        {prior}.",
    ),
    (
        "science.speech",
        "We expected to see a change, but not one this large|\
        This is the kind of result that makes you go back and check everything twice|\
        There is still a lot we do not understand about {$core}|The data from {#n:2009:2020} \
        alone would not have shown this",
    ),
    (
        "science.counter",
        "The sample size is too small to draw firm conclusions|\
        I would want to see this repeated in other regions before making policy on it|\
        It is a fascinating result, but the mechanism is still unclear",
    ),
    (
        "science.claim",
        "the team had spent {#c:2:9} years on the project|the result held up \
        across {#c:3:12} different sites|the finding could guide conservation plans in \
        {$region}|more fieldwork was planned for {month}",
    ),
    (
        "science.claimneg",
        "the conclusions went further than the data allowed|\
        the models used in the study were {concern_adj}",
    ),
    (
        "science.doubt",
        "the pattern will not hold elsewhere|the effect is smaller than reported|\
        funding for the follow-up study will not arrive",
    ),
    (
        "science.issue",
        "{scitopic}|{$core}|climate change|field research",
    ),
    (
        "science.analysis",
        "the study was careful and well designed|long-term records like this are \
        rare and valuable|the result fits with what other teams have seen in {habitat}|\
        it would take {#c:2:10} more years of data to be sure",
    ),
    (
        "science.expertsays",
        "This fills a real gap in what we know|It is a careful piece of work|\
        I would be cautious about the headline number",
    ),
    (
        "science.figure",
        "the population of {$core} {changed} {#pct} over the study period|\
        the team logged {#big:1000:90000} hours of observation|{hedge} {#c:3:60} percent of \
        sites showed the same trend|the survey covered {#big:200:9000} square miles",
    ),
    (
        "science.people",
        "scientists|researchers|conservationists|students|volunteers",
    ),
    (
        "science.next",
        "the team plans to return to {habitat} {later}|a follow-up study is \
        expected {later}|the researchers will present the work at a conference {later}|\
        {$org} will release the full data set {later}",
    ),
    (
        "science.headline",
        "{$core} are changing, study finds|Scientists describe {sciobject}|\
        What a long study says about {$core}|{$orgs} team reports surprising {scitopic} find",
    ),
    // ---------- world ----------
    (
        "world.orgname",
        "the Ministry of {ministry}|the {country_adj} government|the {country_adj} \
        Parliament|the {country_adj} central bank",
    ),
    (
        "ministry",
        "Foreign Affairs|Finance|Agriculture|Transport|Energy|Water Resources|Trade|\
        Interior|Education",
    ),
    ("country_adj", "national|federal|coalition|regional|interim"),
    (
        "world.org2name",
        "the {stem} Relief Fund|the {stem} Development Bank|the {stem} Council \
        on Foreign Relations|the {stem} Human Rights Observatory|the {stem} Trade Forum",
    ),
    (
        "world.desc1",
        "the minister of {lower_ministry}|a deputy foreign minister|the prime \
        minister’s chief of staff|a senior official at {$org}|the governor of {$region}|\
        the country’s chief negotiator",
    ),
    (
        "lower_ministry",
        "foreign affairs|finance|agriculture|transport|energy|water resources|trade",
    ),
    (
        "world.desc2",
        "an opposition lawmaker|the country director of {$org2}|a spokesperson for \
        {$org2}|a farmer from outside {$city}|a former ambassador",
    ),
    (
        "world.desc3",
        "a senior fellow at {$org2}|a professor of international relations at \
        {stem} University|an economist who studies {worldissue}",
    ),
    (
        "worldissue",
        "food prices|migration|trade disputes|drought|port logistics|energy security|\
        election monitoring|debt relief",
    ),
    ("world.core", "{worldissue}"),
    (
        "world.topic",
        "talks over {$core}|{an} {#money} loan for {worldproject}|the worst drought \
        in {#c:10:80} years|a dispute over {$core}|plans for {worldproject}",
    ),
    (
        "worldproject",
        "a new port|flood defenses|a rail link to the coast|rural electrification|\
        a desalination plant|road repairs after the floods|school reconstruction",
    ),
    (
        "world.thing",
        "the agreement|the loan|{worldproject}|the ceasefire talks|the relief effort",
    ),
    (
        "world.lead",
        "Officials in {$city} said {when} that they had {reached} {an} {prelim} {dealw} in \
        {$topic}, after {#c:3:30} days of {talksw}.|{$org} announced {when} {an} {#money} \
        package for {worldproject}, as {worldissue} weighs on households across {$region}.|\
        Thousands of people gathered in central {$city} {when} to protest {$topic}, according \
        to {data_source}.|{$p1}, {$p1d}, said {when} that the government would seek \
        {#money} from {$org2} to pay for {worldproject}.|Talks in {$city} on {worldissue} \
        broke down {when} without an agreement, {$p1d} said.",
    ),
    (
        "world.detail",
        "The agreement still needs approval from {$org} and could face challenges \
        in court.|{hedge} {#big:4000:900000} people in {$region} have been affected, according to \
        {data_source}.|The loan would be repaid over {#c:10:30} years at an interest rate of \
        {#dec:1:6} percent.|Food prices in {$region} have {risen} {#pct} since {month}.|\
        The project was first proposed in {#n:1998:2018} but stalled for lack of money.",
    ),
    (
        "world.speech",
        "This agreement is not perfect, but it is the best we could reach in the time \
        we had|Families in {$region} cannot wait for another round of talks|We will be \
        transparent about every cent of this money|The first phase of {worldproject} will be \
        finished by {month}",
    ),
    (
        "world.counter",
        "The government has promised {worldproject} {#c:3:6} times already|\
        People in {$region} have heard these announcements before|This deal was negotiated behind \
        closed doors",
    ),
    (
        "world.claim",
        "the country had lost {#money} to {worldissue} {prior}|the talks had made \
        more progress than expected|the first payments would arrive by {month}|\
        {#big:1000:90000} jobs would be created",
    ),
    (
        "world.claimneg",
        "the deal was {concern_adj}|the loan would add to an already heavy debt|\
        opposition parties had been shut out of the talks",
    ),
    (
        "world.doubt",
        "the money will not reach {$region}|the agreement will collapse before \
        {month}|{worldproject} will cost twice the estimate",
    ),
    (
        "world.issue",
        "{worldissue}|regional politics|foreign aid|infrastructure finance",
    ),
    (
        "world.analysis",
        "both sides had reasons to want a deal before {month}|the package was \
        modest compared with the scale of the damage|the talks marked a shift after {#c:2:9} \
        years of stalemate|the real test would be whether the money arrived on time",
    ),
    (
        "world.expertsays",
        "Neither side got everything it wanted, which is usually a sign of a \
        real deal|The announcement is the easy part|This could set a precedent for the region",
    ),
    (
        "world.figure",
        "{hedge} {#big:2000:400000} people have left {$region} since {#n:2015:2022}|\
        the country’s debt stands at {#n:40:130} percent of economic output|\
        exports through {$city} {changed} {#pct} {prior}|aid pledges reached {#money} by {month}",
    ),
    (
        "world.people",
        "farmers|residents|aid workers|officials|diplomats|families",
    ),
    (
        "world.next",
        "negotiators are scheduled to meet again {later}|{$org} is expected to vote \
        on the agreement {later}|the first disbursement is planned {later}|\
        a donor conference will be held in {$city} {later}",
    ),
    (
        "world.headline",
        "Deal reached in talks over {$core}|{$city} protests grow over {$core}|\
        {$orgs} seeks loan as {$core} worsens|Talks on {$core} stall again",
    ),
    // ---------- culture ----------
    (
        "culture.orgname",
        "the {stem} Museum of Art|the {stem} Theater|{stem} Records|the {$city} \
        {festival}|the {stem} Gallery|the {stem} Philharmonic|{stem} Books",
    ),
    (
        "festival",
        "Film Festival|Jazz Festival|Book Fair|Folk Festival|Arts Biennial",
    ),
    (
        "culture.org2name",
        "the {stem} Arts Council|the {stem} Review|the {stem} Historical \
        Society|the {stem} Foundation for the Arts",
    ),
    (
        "culture.desc1",
        "the director of {$org}|a curator at {$org}|the artistic director of \
        {$org}|the author of {worktitle}|the singer and songwriter behind {worktitle}|\
        the founder of {$org}",
    ),
    (
        "culture.desc2",
        "a critic for {$org2}|the executive director of {$org2}|a painter who has \
        shown work at {$org}|a longtime patron of {$org}|a bookseller in {$city}",
    ),
    (
        "culture.desc3",
        "an art historian at {stem} University|a music professor at {stem} \
        College|the editor of {$org2}",
    ),
    (
        "worktitle",
        "“{titleword} {titleword2}”|“The {titleword} of {titleword2}”|\
        “{titleword2} in {city_name}”|“{an} {titleword} for {titleword2}”",
    ),
    (
        "titleword",
        "Salt|Lantern|Harbor|Winter|Quiet|Paper|Copper|River|Glass|Ember|Orchard|\
        Thunder|Velvet|Hollow|Signal|Lemon",
    ),
    (
        "titleword2",
        "Houses|Letters|Summers|Ghosts|Machines|Daughters|Bridges|Tides|Songs|Roads|\
        Gardens|Mirrors|Islands|Strangers",
    ),
    ("culture.core", "{worktitle}"),
    (
        "culture.topic",
        "a retrospective of {$p1l}’s work|the new album {$core}|the return of \
        the {festival}|an exhibition of {artform}|the novel {$core}|a revival of {$core}",
    ),
    (
        "artform",
        "{#ord:17:20}-century maps|textile art from {region_word}|early photography|\
        political posters|ceramics|printmaking|folk instruments|street art",
    ),
    (
        "region_word",
        "the coast|the northern valleys|the river towns|the islands|the high plains",
    ),
    (
        "culture.thing",
        "the exhibition|the album|the festival lineup|the production|the novel",
    ),
    (
        "culture.lead",
        "{$org} opened {$topic} {when}, drawing {#big:300:12000} visitors on its first \
        day.|{$p1}, {$p1d}, released {$topic} {when}, {an} {#c:9:14}-track record that {critics_took} \
        {artverdict}.|After {an} {#c:2:9}-year absence, {$topic} returned to {$city} {when}, with \
        {#c:20:300} artists on the program.|{$org} said {when} that it would postpone {$topic} until \
        {month} after {artproblem}.|{$topic} has become an unexpected hit, selling {#big:4000:400000} \
        copies since {month}.",
    ),
    (
        "critics_took",
        "critics have called|reviewers described as|early listeners called|\
        fans quickly hailed as",
    ),
    (
        "artverdict",
        "her most personal work yet|his boldest in a decade|a return to form|\
        uneven but fascinating|quietly devastating|a sharp turn from earlier work",
    ),
    (
        "artproblem",
        "a dispute over funding|a leak in the main gallery|the loss of a key sponsor|\
        a scheduling conflict with the lead performer|delays in shipping loaned works",
    ),
    (
        "culture.detail",
        "The exhibition brings together {#c:20:300} works, {hedge} {#c:5:60} of \
        them never shown in public before.|Tickets cost ${#n:12:95} and are available through \
        {month}.|The project took {#c:2:9} years and cost {hedge} {#money}.|{$org} receives \
        {hedge} {#pct} of its budget from {$org2}.|The {#c:2:4}-hour production features a cast \
        of {#c:8:40}.",
    ),
    (
        "culture.speech",
        "I wanted people to feel like they were walking into someone’s memory|\
        We had {#c:2:9} years to put this together and we used every day of it|This record is \
        about the town where I grew up|Art should be loud sometimes|Most of these pieces have been \
        in storage since {#n:1960:2005}",
    ),
    (
        "culture.counter",
        "It is a beautiful show that says very little|The ticket prices will \
        keep out exactly the people this work is about|I expected more from {$org}",
    ),
    (
        "culture.claim",
        "the show had been planned since {#n:2015:2022}|attendance had {risen} \
        {#pct} since {month}|the work was meant to travel to {#c:2:9} other cities|\
        the festival would return next {month}",
    ),
    (
        "culture.claimneg",
        "the exhibition was {concern_adj}|the program leaned too heavily on \
        familiar names|local artists had been left out",
    ),
    (
        "culture.doubt",
        "the festival will not survive without new sponsors|the show is \
        {concern_adj}|ticket sales will slow after {month}",
    ),
    (
        "culture.issue",
        "arts funding|the local music scene|museum attendance|publishing",
    ),
    (
        "culture.analysis",
        "the show reflects a wider interest in {artform}|{$org} had been looking \
        for a hit after {an} {concern_adj} few years|the work is more ambitious than anything \
        {$p1l} has tried before|arts groups across {$region} face the same money problems",
    ),
    (
        "culture.expertsays",
        "It is the most interesting show in {$city} this year|There is real \
        ambition here, even where it does not land|People will be talking about this for a while",
    ),
    (
        "culture.figure",
        "{$org} drew {#big:10000:900000} visitors {prior}|the festival’s budget \
        {changed} {#pct} this year|ticket sales reached {#big:2000:90000} by {month}|\
        the album reached number {#n:1:40} on the charts",
    ),
    (
        "culture.people",
        "visitors|critics|fans|artists|musicians|readers",
    ),
    (
        "culture.next",
        "the exhibition runs {later}|{$p1l} will tour {#c:5:30} cities {later}|\
        {$org} plans to announce next season’s program {later}|a second printing is expected {later}",
    ),
    (
        "culture.headline",
        "{$core} opens in {$city}|Review: {$core}|\
        {$p1l} on making {$core}|{$orgs} delays {$core}",
    ),
    // ---------- generic fallbacks used by every section ----------
    ("stem", "{stem_word}"),
    (
        "stem_word",
        "Abernook|Alderwick|Amberline|Ardent|Ashcombe|Aspenmoor|Baywater|Bellweather|\
        Birchmont|Blackfen|Bramble|Brookhaven|Calder|Castlerock|Cedarline|Clearbrook|Cobalt|\
        Copperfield|Crestview|Dalewood|Driftwood|Eastgate|Edgemere|Elmstead|Fairhaven|Falconer|\
        Fernhill|Fieldstone|Foxglove|Galeton|Glenmoor|Goldcrest|Greymarsh|Halcyon|Harborview|\
        Hartwell|Hawksmoor|Highmark|Ironbridge|Juniper|Kelmscott|Kestrel|Lakemont|Larkspur|\
        Lodestar|Longmeadow|Maplecrest|Marrowby|Meridian|Millbrook|Moorgate|Northfield|Oakhurst|\
        Orvane|Palisade|Pinecrest|Quillon|Ravenscroft|Redpine|Ridgeline|Riverbend|Rookwood|\
        Saltmarsh|Silverleaf|Southmoor|Stillwater|Stonebridge|Thornbury|Tidewater|Timberline|\
        Valemont|Veradyne|Westbrook|Whitlock|Willowmere|Wrenfield|Yarrow",
    ),
    ("stem2", "{stem_word}"),
    (
        "city_name",
        "Ashford|Bellport|Carrow|Dunmore|Eastlake|Fairview|Glenwood|Harrowgate|Kingsbury|\
        Lakeport|Millford|Norbridge|Oakdale|Pinehurst|Riverton|Stanwick|Thornton|Westhaven",
    ),
];
