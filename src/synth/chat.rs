//! The English chat grammar: what users ask and how a chatbot answers, by topic.
//!
//! Rules named `topic.x` belong to one topic; plain `x` rules are shared. Variables are set
//! once per conversation from the `v_<name>` rules (so a conversation about a dish stays on
//! that dish).

pub const TOPICS: [&str; 9] = [
    "coding",
    "cooking",
    "travel",
    "homework",
    "health",
    "legal",
    "writing",
    "news",
    "smalltalk",
];

/// Topic shares of English conversations.
pub const TOPIC_WEIGHTS: [u32; 9] = [24, 10, 10, 14, 8, 6, 14, 6, 8];

pub const VARS: [&str; 21] = [
    "lang",
    "task",
    "err",
    "fname",
    "dish",
    "ingr",
    "diet",
    "dest",
    "days",
    "month",
    "subject",
    "concept",
    "symptom",
    "cond",
    "legal",
    "state",
    "doc",
    "theme",
    "recipient",
    "ntopic",
    "hobby",
];

pub const CHAT: &[(&str, &str)] = &[
    // ---------- shared ----------
    (
        "open",
        "Sure! {S.open_more}|Great question. {S.open_more}|Of course. {S.open_more}|\
        Happy to help. {S.open_more}|Absolutely. {S.open_more}|Good question! {S.open_more}|\
        {S.open_more}|{S.open_more}|Here's a breakdown. {S.open_more}",
    ),
    (
        "open_more",
        "Here's what I'd suggest.|Let me walk you through it.|Here are the main things to \
        keep in mind.|There are a few ways to approach this.|Here's a practical way to think about it.|\
        Below is a step-by-step overview.|The short answer is: it depends, but here's a good starting point.",
    ),
    (
        "close",
        "Let me know if you'd like me to go deeper on any of these.|Hope this helps!|\
        If you share more details, I can tailor this further.|Want me to turn this into a checklist?|\
        Feel free to ask if anything is unclear.|Good luck, and let me know how it goes!|\
        I can also give you a shorter version if that's easier.|Would you like an example?",
    ),
    (
        "follow_generic",
        "thanks! can you make it shorter?|ok that helps. what about {S.alt}?|\
        can you explain the second point in more detail|Thanks, that's really useful.|\
        hmm, is there a simpler way?|could you give me an example|what would you do in my situation?|\
        Great. Can you put that in a table?|ok and how long does that usually take|\
        wait, why is that?|Can you rewrite that in simpler words please|perfect, one more thing: {S.follow_more}",
    ),
    (
        "follow_more",
        "what should I avoid?|how do I know if it worked?|is there anything I'm missing?|\
        what would be a good first step?",
    ),
    (
        "ack",
        "You're welcome!|Glad it helped.|No problem!|Anytime.|Happy to help.",
    ),
    (
        "alt",
        "a cheaper option|doing it on a weekend|a beginner|someone with less time|\
        a bigger group",
    ),
    (
        "item",
        "**{S.itemt}**: {S.point}|**{S.itemt}** - {S.point}|{S.point}|{S.point}",
    ),
    (
        "itemt",
        "Start small|Be consistent|Check the details|Plan ahead|Keep it simple|\
        Ask for help|Write it down|Review regularly",
    ),
    (
        "head",
        "Overview|Step by step|Things to watch out for|Quick summary|Next steps|Tips|\
        Common mistakes|Why it matters",
    ),
    (
        "point",
        "It helps to break the problem into smaller pieces and handle them one at a time.|\
        Keep notes as you go so you can see what actually changed.|\
        If something feels off, stop and double-check before moving on.",
    ),
    // ---------- coding ----------
    (
        "v_lang",
        "Python|Python|Python|JavaScript|JavaScript|TypeScript|Rust|Go|Java|C#|SQL|Bash|PHP|Kotlin",
    ),
    (
        "v_task",
        "read a CSV file and sum one column|remove duplicates from a list|parse JSON from an API|\
        sort a list of dictionaries by date|retry a failed HTTP request|write unit tests for a function|\
        read a large file line by line|validate an email address|connect to a PostgreSQL database|\
        debounce a search input|merge two sorted arrays|count word frequencies in a text file|\
        upload a file to S3|schedule a job to run every hour|convert a timestamp to local time|\
        paginate results from a REST API|hash a password safely|find the longest common prefix",
    ),
    (
        "v_err",
        "TypeError: 'NoneType' object is not subscriptable|KeyError: 'id'|\
        IndexError: list index out of range|TypeError: Cannot read properties of undefined (reading 'map')|\
        error[E0382]: borrow of moved value|panic: runtime error: invalid memory address or nil pointer dereference|\
        java.lang.NullPointerException|ModuleNotFoundError: No module named 'requests'|\
        SyntaxError: Unexpected token '<'|ERROR: relation \"users\" does not exist|\
        UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff|Segmentation fault (core dumped)|\
        CORS policy: No 'Access-Control-Allow-Origin' header is present",
    ),
    (
        "v_fname",
        "process_data|load_config|parse_items|get_user|fetch_orders|clean_text|build_index|\
        handle_request|compute_total|validate_input|read_rows|merge_lists",
    ),
    (
        "coding.ask",
        "how do I {$task} in {$lang}?|can you show me how to {$task} in {$lang}|\
        I'm getting this error: {$err}. what does it mean?|\
        write a {$lang} function that can {$task}|what's the best way to {$task} in {$lang}? I'm a beginner|\
        My {$lang} code keeps failing with `{$err}` when I call {$fname}(). Any idea why?|\
        explain the difference between {cmp_pair} in {$lang}|\
        I need to {$task} using {$lang}, but it's really slow on big inputs. how can I speed it up?|\
        Can you review this approach: I want to {$task} in {$lang} with a loop. Is there a cleaner way?|\
        {$lang} question: how do i {$task} without using any external libraries",
    ),
    (
        "cmp_pair",
        "a list and a tuple|== and ===|an interface and an abstract class|async and threads|\
        a struct and a class|map and forEach|let and const|stack and heap memory|\
        an inner join and a left join|a process and a thread",
    ),
    (
        "coding.follow",
        "it still says {$err}|can you add error handling?|what if the input is empty?|\
        how would I write a test for this?|can you make it work with {$lang} 3.8?|\
        that works, thanks! how do I make it faster?|why do you use a generator there?|\
        can you add comments explaining each step|what's the time complexity?",
    ),
    (
        "coding.open_more",
        "Here's a clean way to do it in {$lang}.|This error usually means a value \
        you expect to exist is actually missing.|You can do this in a few lines of {$lang}.|\
        Let's go through it step by step.|There are two common approaches; I'll show the simpler one first.",
    ),
    (
        "coding.point",
        "Make sure you handle the case where the input is empty, otherwise {$fname} will fail \
        on the first access.|The error `{$err}` typically appears when a variable is not initialized \
        before it is used.|Reading the data lazily keeps memory usage flat even for very large inputs.|\
        Add a small unit test for each edge case so regressions are caught early.|\
        Prefer the standard library here; it's well tested and avoids an extra dependency.|\
        If performance matters, measure first: profile the code before optimizing anything.|\
        Use descriptive variable names so the intent of {$fname} is obvious to the next reader.|\
        Wrap the network call in a retry with a short backoff, because transient failures are common.|\
        Check the types at the boundary of your function, not deep inside it.|\
        Logging the input right before the failing line usually reveals the problem quickly.|\
        In {$lang}, the idiomatic approach is usually shorter than a manual loop.|\
        Keep the function pure if you can: pass data in and return results instead of mutating globals.",
    ),
    (
        "coding.itemt",
        "Handle edge cases|Use the standard library|Add tests|Check your inputs|\
        Profile before optimizing|Keep functions small|Log useful context|Avoid global state",
    ),
    (
        "coding.head",
        "The fix|How it works|Example|Explanation|Edge cases|Testing it|Performance notes",
    ),
    (
        "coding.alt",
        "a version without recursion|the async version|doing it with a library|\
        an older version of {$lang}",
    ),
    // ---------- cooking ----------
    (
        "v_dish",
        "banana bread|chicken curry|vegetable lasagna|beef stew|pad thai|shakshuka|\
        mushroom risotto|black bean soup|sourdough bread|lemon bars|chili con carne|\
        roast chicken|falafel|pancakes|tomato soup|fried rice|apple pie|carbonara|chocolate chip cookies|\
        lentil dal|fish tacos|ratatouille|cornbread|tiramisu",
    ),
    (
        "v_ingr",
        "eggs|butter|heavy cream|buttermilk|brown sugar|garlic|fresh basil|coconut milk|\
        yeast|parmesan|sour cream|all-purpose flour|ground cumin|lemon juice|soy sauce",
    ),
    (
        "v_diet",
        "vegan|gluten-free|dairy-free|low-sodium|vegetarian|keto|nut-free",
    ),
    (
        "cooking.ask",
        "how do I make {$dish}?|can you give me a recipe for {$dish} for 4 people|\
        what can i use instead of {$ingr} in {$dish}|my {$dish} always comes out dry, what am I doing wrong?|\
        is there a {$diet} version of {$dish}?|How long can I keep {$dish} in the fridge?|\
        I have chicken, rice, and some spinach. what can I cook tonight?|\
        give me a weekly meal plan that's {$diet} and cheap|\
        what temperature should i bake {$dish} at|can I freeze {$dish}?",
    ),
    (
        "cooking.follow",
        "what if I don't have {$ingr}?|can I make it the day before?|\
        how do I make it {$diet}?|can you double the recipe?|what side dish goes well with it?|\
        can I use an air fryer instead|how do I know when it's done?",
    ),
    (
        "cooking.open_more",
        "{$dish} is very forgiving, so don't worry too much about exact amounts.|\
        Here's a simple version of {$dish} that works well at home.|Good news: you can swap {$ingr} \
        fairly easily.|Here's a reliable approach.",
    ),
    (
        "cooking.point",
        "Preheat the oven fully before the {$dish} goes in; a cold start changes the texture.|\
        Measure flour by spooning it into the cup and leveling it, rather than scooping.|\
        Let the {$dish} rest for about {#n:5:15} minutes before serving so it sets properly.|\
        If you need to replace {$ingr}, Greek yogurt or an extra egg yolk usually works.|\
        Taste as you go and adjust the salt at the end, not the beginning.|\
        Leftovers keep for {#n:3:5} days in an airtight container in the fridge.|\
        Brown the aromatics slowly over medium heat; rushing this step makes the dish taste flat.|\
        For a {$diet} version, swap the dairy for oat milk and use a plant-based butter.|\
        A squeeze of lemon right before serving brightens the whole dish.|\
        Don't overcrowd the pan, or the food will steam instead of browning.|\
        You can freeze portions for up to {#n:2:3} months; thaw overnight in the fridge.",
    ),
    (
        "cooking.itemt",
        "Prep first|Control the heat|Season in layers|Rest before serving|Store it right|\
        Ingredients|Method|Substitutions",
    ),
    (
        "cooking.head",
        "Ingredients|Instructions|Tips|Storage|Variations",
    ),
    (
        "cooking.alt",
        "a slow cooker version|a {$diet} version|making it ahead",
    ),
    // ---------- travel ----------
    (
        "v_dest",
        "Lisbon|Kyoto|Mexico City|Iceland|Barcelona|Vancouver|Marrakech|Rome|Seoul|\
        New Orleans|Scotland|Bali|Prague|Buenos Aires|Cape Town|Vienna|the Amalfi Coast|Montreal|\
        Hanoi|Istanbul|Yellowstone|Copenhagen|Porto|Oaxaca",
    ),
    ("v_days", "3|4|5|7|10|14|2"),
    (
        "v_month",
        "January|February|March|April|May|June|July|August|September|October|November|December",
    ),
    (
        "travel.ask",
        "plan a {$days} day trip to {$dest} for me|what's the best time to visit {$dest}?|\
        is {$dest} expensive? I'm on a budget|what should I pack for {$dest} in {$month}|\
        I'm going to {$dest} in {$month} with two kids. any tips?|\
        do I need a visa for {$dest} if I have a US passport|\
        Can you suggest an itinerary for {$days} days in {$dest}, we like food and museums|\
        what are some things to avoid as a tourist in {$dest}|\
        how do i get around {$dest} without a car",
    ),
    (
        "travel.follow",
        "what about restaurants?|can you make day 2 more relaxed?|how much should I budget per day?|\
        is it safe to walk at night?|what's a good neighborhood to stay in|any day trips you'd recommend?|\
        what if it rains?",
    ),
    (
        "travel.open_more",
        "{$dest} is a great choice, especially in {$month}.|Here's a relaxed {$days}-day \
        plan for {$dest}.|{$dest} can be done on a budget if you plan a little.|Here are some practical tips \
        for {$dest}.",
    ),
    (
        "travel.point",
        "Book accommodation early if you're traveling in {$month}; prices rise quickly.|\
        Public transit is usually the fastest way to get around the center of {$dest}.|\
        Spend the first morning on a walking tour to get your bearings.|\
        Many museums have a free or discounted day each week, so check the schedule ahead of time.|\
        Carry a little cash for small shops and markets, even if cards are widely accepted.|\
        Plan one slow day in the middle of the trip so you don't burn out.|\
        Check the entry requirements with the official government website before you book.|\
        Eat where locals eat: a few streets away from the main sights, prices drop noticeably.|\
        Pack layers; evenings in {$month} can be much cooler than the afternoons.|\
        Travel insurance is worth it for a {$days}-day trip, especially if you've prepaid a lot.|\
        Download offline maps before you go in case mobile data is patchy.",
    ),
    (
        "travel.itemt",
        "Day 1|Day 2|Day 3|Getting around|Where to stay|Food|Budget|Packing",
    ),
    (
        "travel.head",
        "Itinerary|Getting around|Where to stay|Budget tips|Before you go",
    ),
    ("travel.alt", "a longer trip|traveling solo|going in winter"),
    // ---------- homework ----------
    (
        "v_subject",
        "biology|chemistry|world history|algebra|physics|economics|literature|geography|\
        statistics|psychology|US history|calculus|environmental science",
    ),
    (
        "v_concept",
        "photosynthesis|the French Revolution|supply and demand|Newton's third law|\
        the Pythagorean theorem|mitosis|the water cycle|opportunity cost|the causes of World War I|\
        standard deviation|plate tectonics|the symbolism in The Great Gatsby|derivatives|\
        cognitive dissonance|covalent bonds|the Industrial Revolution|inflation|natural selection",
    ),
    (
        "homework.ask",
        "explain {$concept} like I'm 12|can you help me understand {$concept} for my \
        {$subject} class|what are the main points of {$concept}? I have a test tomorrow|\
        write 3 practice questions about {$concept}|\
        i dont get {$concept}. my teacher explained it but it made no sense|\
        Summarize {$concept} in 5 bullet points|how is {$concept} related to {concept2}?|\
        Is this right? {$concept} happens because of energy from the sun|\
        help me study for a {$subject} quiz on {$concept}",
    ),
    (
        "concept2",
        "energy|the economy|everyday life|modern politics|chemistry|evolution|the environment",
    ),
    (
        "homework.follow",
        "can you give me an example?|what would be a good essay question on this?|\
        so is it basically the same as {concept2}?|can you quiz me?|what's the most important part to \
        remember?|can you make a short summary i can memorize",
    ),
    (
        "homework.open_more",
        "Let's break {$concept} down into simple parts.|{$concept} sounds complicated, \
        but the core idea is simple.|Here's a clear explanation you can use for your {$subject} class.|\
        Here's a summary that should help with your test.",
    ),
    (
        "homework.point",
        "The key idea behind {$concept} is cause and effect: one change leads to another.|\
        A good way to remember it is to draw a simple diagram and label each step.|\
        Teachers often ask you to explain why it matters, not just what it is.|\
        Try explaining {$concept} out loud to someone else; gaps in your understanding show up fast.|\
        In {$subject}, definitions matter, so learn the exact wording of the key terms.|\
        Practice questions are more effective than rereading your notes.|\
        Connect {$concept} to a real-world example; it makes the idea stick.|\
        Look at how your textbook defines it, because exams usually follow that wording.|\
        Don't try to memorize everything at once: spread your review over a few short sessions.",
    ),
    (
        "homework.itemt",
        "Definition|Why it matters|Example|Key terms|Common mistake|How to remember it",
    ),
    (
        "homework.head",
        "The basics|Key points|Example|Practice questions|Summary",
    ),
    (
        "homework.alt",
        "the next chapter|a harder example|the essay version",
    ),
    // ---------- health ----------
    (
        "v_symptom",
        "a headache that won't go away|lower back pain|trouble sleeping|a sore throat|\
        heartburn after meals|knee pain when running|a dry cough|feeling tired all the time|\
        itchy eyes|tight shoulders from sitting all day",
    ),
    (
        "v_cond",
        "high blood pressure|type 2 diabetes|seasonal allergies|migraines|anxiety|\
        high cholesterol|asthma|insomnia",
    ),
    (
        "health.ask",
        "i've had {$symptom} for 3 days. should I see a doctor?|\
        what are natural ways to manage {$cond}?|is it normal to have {$symptom}?|\
        what foods help with {$cond}|my mom was just diagnosed with {$cond}. what does that mean?|\
        how much sleep do adults actually need|what stretches help with {$symptom}|\
        can you explain what {$cond} is in simple terms",
    ),
    (
        "health.follow",
        "how long until it gets better?|what should I ask my doctor?|\
        are there any side effects?|is exercise ok?|what are warning signs I should watch for",
    ),
    (
        "health.open_more",
        "I'm not a doctor, but I can share some general information.|\
        That sounds uncomfortable; here's some general guidance.|Here's an overview, but please check \
        with a healthcare professional for advice specific to you.",
    ),
    (
        "health.point",
        "If symptoms get worse or last longer than a week, it's worth seeing a doctor.|\
        Staying hydrated and getting regular sleep can make a noticeable difference.|\
        Gentle, regular movement often helps more than complete rest.|\
        Keep a simple diary of when symptoms happen; it helps your doctor spot patterns.|\
        Over-the-counter options can help in the short term, but follow the label directions.|\
        Seek urgent care right away if you have chest pain, trouble breathing, or sudden weakness.|\
        Managing {$cond} usually combines lifestyle changes with medical follow-up.|\
        Cutting back on caffeine and alcohol can improve sleep quality within a few days.|\
        Small, consistent changes tend to last longer than dramatic ones.",
    ),
    (
        "health.itemt",
        "Rest|Hydration|Movement|When to see a doctor|Diet|Sleep|Stress",
    ),
    (
        "health.head",
        "What might be going on|What you can do|When to get help",
    ),
    ("health.alt", "doing this at work|an older person|a child"),
    // ---------- legal ----------
    (
        "v_legal",
        "my landlord won't return my security deposit|a non-compete clause in my job offer|\
        a neighbor's tree damaged my fence|I was let go without notice|\
        a contractor took a deposit and disappeared|a car accident where the other driver has no insurance|\
        writing a simple will|a parking ticket I think is unfair|an online purchase that never arrived|\
        registering a small business name",
    ),
    (
        "v_state",
        "California|Texas|New York|Florida|Illinois|Ohio|Washington|Georgia|Ontario|Arizona",
    ),
    (
        "legal.ask",
        "what can I do about {$legal}? I live in {$state}|\
        is it legal for my employer to do this? {$legal}|do I need a lawyer for {$legal}?|\
        how does small claims court work in {$state}|\
        can you draft a letter about {$legal}|what are my rights here: {$legal}",
    ),
    (
        "legal.follow",
        "how long does that take?|how much would a lawyer cost roughly?|\
        what documents should I gather|what if they ignore the letter?|is there a deadline?",
    ),
    (
        "legal.open_more",
        "I can't give legal advice, but I can explain how this usually works.|\
        Rules vary by state, so treat this as general information.|Here's a general overview of your \
        options in {$state}.",
    ),
    (
        "legal.point",
        "Keep copies of every message, receipt, and photo related to the issue.|\
        Send your request in writing and keep proof that it was delivered.|\
        Many states set a deadline for this kind of claim, so don't wait too long.|\
        Small claims court is designed for people without lawyers, and the filing fee is usually modest.|\
        A local legal aid office may offer a free consultation if money is tight.|\
        Read the contract carefully; the exact wording often decides the outcome.|\
        Stay polite and factual in your letters, since they may be read by a judge later.|\
        A short consultation with a licensed attorney in {$state} can save you a lot of time.",
    ),
    (
        "legal.itemt",
        "Document everything|Put it in writing|Check the deadline|Know the forum|\
        Get advice",
    ),
    (
        "legal.head",
        "Your options|Next steps|Documents to gather|Sample letter",
    ),
    ("legal.alt", "a different state|the informal route"),
    // ---------- writing ----------
    (
        "v_doc",
        "cover letter|wedding toast|short story|poem|college essay|LinkedIn summary|\
        thank-you note|product description|speech for a retirement party|blog post|apology email|\
        resignation letter",
    ),
    (
        "v_theme",
        "starting over in a new city|a lighthouse keeper's last night|friendship|\
        a dog who waits at the train station|the first day of school|a robot learning to paint|\
        a grandmother's recipe book|climate change|leadership|a summer that changed everything|\
        a storm at sea|an old bookstore closing",
    ),
    (
        "v_recipient",
        "my manager|a hiring manager|my sister|my team|a customer|my landlord|my professor",
    ),
    (
        "writing.ask",
        "write a {$doc} about {$theme}|can you help me write a {$doc} for {$recipient}|\
        make this sound more professional: i wont be able to come in tomorrow because im sick|\
        write a short poem about {$theme}|i need a {$doc}, keep it under 200 words|\
        Write a story about {$theme} for a 10 year old|rewrite my {$doc} so it sounds less formal|\
        give me 5 title ideas for a {$doc} about {$theme}|\
        Can you proofread this? Their going to the store tomorrow and we was planning to join",
    ),
    (
        "writing.follow",
        "make it funnier|can you make it shorter|make it more formal|\
        add a line about {$theme}|can you give it a better ending?|I love it, can you write a \
        second version?|less cheesy please",
    ),
    (
        "writing.open_more",
        "Here's a draft you can adjust.|Here's a version with a warm, natural tone.|\
        Here you go:|Here's one option; I kept it concise.",
    ),
    (
        "writing.point",
        "Open with a specific detail rather than a general statement.|\
        Keep sentences short where you want the reader to feel urgency.|\
        End with a line that points forward, not just a summary.|\
        Use the recipient's name once; it makes the message feel personal.|\
        Read it out loud; awkward rhythm is easier to hear than to see.|\
        Cut any sentence that repeats what the previous one already said.",
    ),
    ("writing.itemt", "Tone|Structure|Opening|Ending|Word choice"),
    ("writing.head", "Draft|Version 2|Notes on the draft"),
    ("writing.alt", "a more formal tone|a funnier version"),
    // Story and letter prose for long writing answers.
    (
        "story",
        "{sname} had not expected {story_obj} to matter so much.|The {story_place} was quiet \
        except for {story_sound}.|Every {story_time}, {sname} {story_habit}.|\
        \"{story_line}\" {sname} said, almost to {story_self}.|It was the kind of {story_time} when \
        {story_event}.|Nobody in the {story_place} noticed {story_obj} at first.|\
        By the time {story_event}, {sname} had already decided.|\
        {sname} thought about {story_obj}, and about everything it had cost.|\
        The wind picked up, carrying {story_sound} across the {story_place}.|\
        For a long moment, nobody moved.|{sname} smiled, because {story_reason}.|\
        Years later, {sname} would still remember {story_obj}.",
    ),
    (
        "sname",
        "Mara|Theo|June|Elias|Priya|Sam|Nora|Felix|Ava|Kofi|Lena|Oscar",
    ),
    (
        "story_obj",
        "the letter|the old key|the blue notebook|the photograph|the map|the empty chair|\
        the small wooden boat|the last page",
    ),
    (
        "story_place",
        "kitchen|harbor|library|station|garden|attic|classroom|workshop",
    ),
    (
        "story_sound",
        "the ticking of a clock|rain on the windows|distant gulls|a radio playing softly|\
        footsteps upstairs",
    ),
    ("story_time", "morning|evening|winter|autumn night|Sunday"),
    (
        "story_habit",
        "walked the long way home|made two cups of tea|checked the mailbox twice|\
        wrote one sentence in the notebook|watered the plants by the window",
    ),
    (
        "story_line",
        "We'll figure it out.|Not yet.|I think it's time.|You came back.|It still works.",
    ),
    (
        "story_self",
        "herself|himself|no one|the cat|the empty room",
    ),
    (
        "story_event",
        "the lights flickered and went out|the first snow started falling|the train \
        finally arrived|the phone rang|the door creaked open",
    ),
    (
        "story_reason",
        "some things are worth waiting for|the answer had been there all along|\
        the hard part was over|tomorrow would be different",
    ),
    (
        "letter",
        "I wanted to take a moment to thank you for your support over the past {#n:2:9} months.|\
        I'm writing to follow up on our conversation from last week.|\
        I'm excited about the opportunity to contribute to your team.|\
        Please let me know if there's a convenient time to talk.|\
        I appreciate your understanding and flexibility.|\
        I believe my experience with {letter_skill} would be a strong fit for this role.|\
        Thank you again for your time and consideration.|I look forward to hearing from you.",
    ),
    (
        "letter_skill",
        "project management|customer service|data analysis|teaching|sales|event planning",
    ),
    // ---------- news (general questions, never about the corpus articles) ----------
    (
        "v_ntopic",
        "interest rates|inflation|the housing market|electric cars|remote work|\
        the job market|renewable energy|social media regulation|student loans|\
        artificial intelligence|supply chains|minimum wage laws",
    ),
    (
        "news.ask",
        "can you explain what's going on with {$ntopic}?|why does everyone keep talking about \
        {$ntopic}|what are the pros and cons of {$ntopic}?|how does {$ntopic} affect regular people?|\
        give me a neutral summary of the debate about {$ntopic}|is {$ntopic} getting better or worse?",
    ),
    (
        "news.follow",
        "what do critics say?|how does that compare to other countries?|\
        what might happen next?|can you give me sources to read?",
    ),
    (
        "news.open_more",
        "I don't have live news access, but I can explain the background.|\
        Here's a balanced overview of {$ntopic}.|Here's how people usually frame the debate.",
    ),
    (
        "news.point",
        "Supporters usually focus on the long-term benefits, while critics point to short-term costs.|\
        The effects of {$ntopic} vary a lot by region and income level.|\
        Economists disagree on how big the impact is, partly because the data is still coming in.|\
        Policy changes tend to take months or years before their effects show up clearly.|\
        It's worth reading coverage from a few different outlets to get a fuller picture.|\
        A lot of the debate comes down to trade-offs rather than clear right or wrong answers.",
    ),
    (
        "news.itemt",
        "Background|Arguments for|Arguments against|What to watch",
    ),
    ("news.head", "Background|The debate|What it means for you"),
    ("news.alt", "the global picture|the local impact"),
    // ---------- small talk ----------
    (
        "v_hobby",
        "gardening|running|chess|painting|learning guitar|baking|hiking|photography|\
        knitting|board games|birdwatching|rock climbing",
    ),
    (
        "smalltalk.ask",
        "hi|hello! how are you today?|tell me a joke|i'm bored, any ideas?|\
        what's a good hobby to pick up? I like {$hobby}|can you recommend a book for a long flight?|\
        what should I name my new puppy|give me a fun fact|good morning!|\
        i want to get into {$hobby}, where do I start|what's something nice I can do for a friend \
        who's having a hard week",
    ),
    (
        "smalltalk.follow",
        "haha another one|thanks! what else?|ok what about something indoors|\
        that's cool. tell me more|lol|you're funny",
    ),
    (
        "smalltalk.open_more",
        "Hi there! I'm doing well, thanks for asking.|Here's one:|\
        Sure, here are some ideas.|That's a fun question!",
    ),
    (
        "smalltalk.point",
        "Why don't scientists trust atoms? Because they make up everything.|\
        {$hobby} is a great choice because you can start with very little equipment.|\
        Octopuses have three hearts and blue blood.|\
        A short handwritten note can mean more than a long text message.|\
        Try setting a small goal for the first week so it stays fun rather than overwhelming.|\
        Honey never spoils; jars found in ancient tombs were still edible.|\
        Local clubs and online forums are a good way to meet people who share the hobby.|\
        A long novel with short chapters is perfect for a flight, since you can stop anywhere.",
    ),
    (
        "smalltalk.itemt",
        "Ideas|Getting started|Fun fact|Book pick",
    ),
    ("smalltalk.head", "Ideas|Where to start"),
    ("smalltalk.alt", "something outdoors|something cheap"),
];
