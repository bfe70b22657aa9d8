//! A deterministic generator of realistic synthetic vaults, for benchmarks and load tests.
//!
//! ```text
//! cargo run --release --example gen_vault -- --deals 10000 --contacts 20000 --seed 1 OUT
//! ```
//!
//! The same flags and seed always write byte-identical files. Dates are relative to a fixed
//! anchor (2026-11-23), so reports are meaningful with `--as-of 2026-11-23`. `--broken N`
//! breaks N files on purpose, in varied ways (bad YAML, bad dates, an unknown stage, a
//! `"$48,000"` amount, a missing closing fence, non-UTF-8 bytes, a duplicate key, a broken
//! link), so `check` has something to say.
//!
//! The benches include this file as a module and call [`generate`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use rayon::prelude::*;

/// The day every generated date is relative to.
pub const ANCHOR: (i32, u32, u32) = (2026, 11, 23);

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub deals: usize,
    pub contacts: usize,
    /// Default: one account per ten deals (at least one).
    pub accounts: Option<usize>,
    pub seed: u64,
    /// How many files to break on purpose (deals first, then contacts).
    pub broken: usize,
    /// Write lists in block style (`tags:` then `  - a` lines), as Obsidian's properties
    /// editor does, instead of `[a, b]`.
    pub block_lists: bool,
}

impl Spec {
    pub fn new(deals: usize, contacts: usize, seed: u64) -> Spec {
        Spec {
            deals,
            contacts,
            accounts: None,
            block_lists: false,
            seed,
            broken: 0,
        }
    }

    pub fn account_count(&self) -> usize {
        self.accounts.unwrap_or(self.deals / 10).max(1)
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
}

/// Writes a vault for `spec` into `out` (created if missing). Files are written in parallel;
/// their content depends only on the spec.
pub fn generate(out: &Path, spec: &Spec) -> std::io::Result<Written> {
    for folder in ["deals", "contacts", "accounts", "meetings"] {
        std::fs::create_dir_all(out.join(folder))?;
    }
    let gen = Generator::new(spec);
    let config = gen.config();
    std::fs::write(out.join("dealbook.yaml"), &config)?;
    let mut written = Written {
        files: 1,
        bytes: config.len() as u64,
    };
    let jobs: Vec<(Kind, usize)> = (0..spec.deals)
        .map(|i| (Kind::Deal, i))
        .chain((0..spec.contacts).map(|i| (Kind::Contact, i)))
        .chain((0..gen.accounts).map(|i| (Kind::Account, i)))
        .chain((0..NOTES.len()).map(|i| (Kind::Note, i)))
        .collect();
    let bytes = jobs
        .par_iter()
        .map(|&(kind, i)| -> std::io::Result<u64> {
            let (path, bytes) = gen.file(kind, i);
            std::fs::write(out.join(&path), &bytes)?;
            Ok(bytes.len() as u64)
        })
        .collect::<std::io::Result<Vec<u64>>>()?;
    written.files += bytes.len();
    written.bytes += bytes.iter().sum::<u64>();
    Ok(written)
}

// ---------------------------------------------------------------------------------------------
// A tiny deterministic PRNG: splitmix64, one independent stream per file.

struct Rng(u64);

impl Rng {
    fn for_file(seed: u64, kind: Kind, i: usize) -> Rng {
        let mut rng = Rng(seed
            ^ (kind as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists.

const ACCOUNT_FIRST: [&str; 48] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Soylent",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Litware",
    "Proseware",
    "Adatum",
    "Fourth Coffee",
    "Blue Yonder",
    "Lucerne",
    "Massive Dynamic",
    "Alpine",
    "Bluebird",
    "Cobalt",
    "Crimson",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Nimbus",
    "Orion",
    "Pinnacle",
    "Quantum",
    "Redwood",
    "Summit",
    "Titan",
    "Unity",
    "Vertex",
    "Willow",
    "Zenith",
    "Apex",
    "Beacon",
    "Cascade",
];

/// A business line, and the industry it implies.
const ACCOUNT_LINE: [(&str, &str); 32] = [
    ("Analytics", "Software"),
    ("Logistics", "Transportation"),
    ("Health", "Healthcare"),
    ("Robotics", "Manufacturing"),
    ("Foods", "Food & Beverage"),
    ("Energy", "Energy"),
    ("Motors", "Automotive"),
    ("Media", "Media"),
    ("Systems", "Software"),
    ("Labs", "Research"),
    ("Biotech", "Life Sciences"),
    ("Retail", "Retail"),
    ("Capital", "Financial Services"),
    ("Freight", "Transportation"),
    ("Pharma", "Life Sciences"),
    ("Aerospace", "Aerospace"),
    ("Telecom", "Telecommunications"),
    ("Software", "Software"),
    ("Networks", "Telecommunications"),
    ("Textiles", "Manufacturing"),
    ("Mining", "Mining"),
    ("Insurance", "Insurance"),
    ("Hotels", "Hospitality"),
    ("Airlines", "Transportation"),
    ("Clinics", "Healthcare"),
    ("Bank", "Financial Services"),
    ("Foundry", "Manufacturing"),
    ("Studios", "Media"),
    ("Utilities", "Energy"),
    ("Security", "Software"),
    ("Farms", "Agriculture"),
    ("Materials", "Chemicals"),
];

const ACCOUNT_SUFFIX: [&str; 6] = ["Corp", "Inc", "Group", "GmbH", "Ltd", "Holdings"];

const FIRST_NAMES: [&str; 64] = [
    "Jane", "Bob", "Carla", "Dev", "Priya", "Lena", "Jonas", "Klaus", "Sophie", "Maria", "Tom",
    "Nina", "Raj", "Lisa", "Greg", "Emily", "Diego", "Helen", "Marcus", "Olivia", "Peter", "Samir",
    "Walter", "Alice", "Bill", "Janet", "Nancy", "Pepper", "Michael", "Aisha", "Chen", "Fatima",
    "Hiro", "Ingrid", "Jamal", "Kofi", "Laura", "Mateo", "Noor", "Oscar", "Paula", "Quinn", "Rosa",
    "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Anders", "Beatriz", "Carlos",
    "Dana", "Elif", "Farid", "Gloria", "Hannah", "Ivan", "Julia", "Kenji", "Leila", "Mohammed",
];

const LAST_NAMES: [&str; 64] = [
    "Doe",
    "Lee",
    "Mendes",
    "Patel",
    "Shah",
    "Fischer",
    "Weber",
    "Richter",
    "Martin",
    "Chen",
    "Becker",
    "Kowalski",
    "Iyer",
    "Wong",
    "Olsen",
    "Clarke",
    "Ramirez",
    "Sorensen",
    "Hale",
    "Grant",
    "Gibbons",
    "Nagheenanajar",
    "Bishop",
    "Marcus",
    "Lumbergh",
    "Leverling",
    "Davolio",
    "Nguyen",
    "Okafor",
    "Haddad",
    "Tanaka",
    "Johansson",
    "Silva",
    "Novak",
    "Rossi",
    "Dubois",
    "Kim",
    "Murphy",
    "Schmidt",
    "Garcia",
    "Khan",
    "Ivanova",
    "Costa",
    "Yilmaz",
    "Andersen",
    "Brown",
    "Kaur",
    "Moreau",
    "Ortega",
    "Petrov",
    "Quist",
    "Sato",
    "Turner",
    "Usman",
    "Vasquez",
    "Walsh",
    "Xu",
    "Young",
    "Zhang",
    "Abbott",
    "Baker",
    "Castillo",
    "Dalton",
    "Eriksen",
];

const ROLES: [&str; 12] = [
    "VP Operations (decision maker)",
    "Head of RevOps (champion)",
    "Procurement lead",
    "Chief Information Officer (economic buyer)",
    "IT security architect",
    "Director of Finance",
    "Sales enablement manager",
    "CTO",
    "Head of Data",
    "Plant manager",
    "Legal counsel",
    "Project manager",
];

const PRODUCTS: [&str; 16] = [
    "platform renewal",
    "seat expansion",
    "analytics add-on",
    "EMEA rollout",
    "pilot",
    "enterprise upgrade",
    "compliance module",
    "data migration",
    "premium support",
    "APAC expansion",
    "new logo",
    "integration package",
    "training services",
    "security add-on",
    "mobile app",
    "reporting add-on",
];

/// Stage id, probability, and how common it is (per mille).
const STAGES: [(&str, i64, usize); 7] = [
    ("prospecting", 10, 120),
    ("discovery", 20, 140),
    ("demo", 40, 140),
    ("proposal", 60, 120),
    ("negotiation", 80, 80),
    ("closed_won", 100, 220),
    ("closed_lost", 0, 180),
];

const LOG_LINES: [&str; 14] = [
    "Call with {c}; pricing is the blocker, not the product.",
    "Sent proposal v{n} ({p}% discount on the 2-year option).",
    "Demo to {c} and two of their team leads.",
    "Security review with {c}; no findings.",
    "{c} asked for two customer references.",
    "Discovery call with {c}: they track this in spreadsheets today.",
    "Procurement wants the paperwork by month end.",
    "QBR; adoption at {p}% weekly active.",
    "Legal started reviewing the MSA; redlines expected next week.",
    "Pricing call with {c}; they can live with {n}% uplift.",
    "{c} introduced us to their VP Finance.",
    "Workshop on the rollout plan with {c}.",
    "No reply to two follow-up emails.",
    "Budget confirmed for next quarter, per {c}.",
];

const NEXT_STEPS: [&str; 8] = [
    "Send revised pricing to {f}",
    "Book a demo with {f}'s team",
    "Schedule the security review",
    "Get the order form signed",
    "Follow up on the ROI model with {f}",
    "Confirm budget with procurement",
    "Agree the mutual close plan with {f}",
    "Send the MSA redlines back",
];

const TASKS: [&str; 9] = [
    "Send revised pricing",
    "Book the security review",
    "Share the case study with {f}",
    "Call their VP Finance",
    "Draft the mutual close plan",
    "Send the ROI one-pager to {f}",
    "Intro {f} to our CTO",
    "Ask legal about the liability cap",
    "Prepare the QBR deck",
];

const BUYING_SIGNALS: [&str; 5] = [
    "Asked for the order form and a start date",
    "Introduced us to procurement unprompted",
    "Shared their internal business case",
    "Booked time with their CFO",
    "Requested references in their industry",
];

const TAGS: [&str; 10] = [
    "renewal",
    "expansion",
    "new-logo",
    "upsell",
    "enterprise",
    "mid-market",
    "emea",
    "apac",
    "partner",
    "strategic",
];

/// Notes outside the record folders, and one inside with no front matter: not records.
const NOTES: [(&str, &str); 4] = [
    (
        "meetings/2026-11-16-team-sync.md",
        "# Team sync\n\n- Forecast call moved to Thursday.\n- [ ] Update the territory plan due:2026-11-30\n",
    ),
    (
        "meetings/2026-11-20-qbr-notes.md",
        "---\ndate: 2026-11-20\nattendees: [Sam, Pat]\n---\nQBR prep notes. See [[Acme Analytics Corp]].\n",
    ),
    (
        "deals/README.md",
        "# Deals\n\nOne file per opportunity. This note has no front matter, so it is not a deal.\n",
    ),
    (
        "meetings/2026-11-21-pipeline-review.md",
        "# Pipeline review\n\nWalked through the commit list with Pat.\n",
    ),
];

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deal,
    Contact,
    Account,
    Note,
}

struct Generator {
    seed: u64,
    deals: usize,
    contacts: usize,
    accounts: usize,
    /// Broken files by slot (deals, then contacts) → their rank among the broken of their
    /// kind. Deals are broken first; contacts only when there are more to break than deals.
    broken: std::collections::HashMap<usize, usize>,
    block_lists: bool,
    anchor: NaiveDate,
}

/// How a broken file is broken.
#[derive(Debug, Clone, Copy)]
enum Breakage {
    BadYaml,
    BadDate,
    UnknownStage,
    DollarAmount,
    NoClosingFence,
    NotUtf8,
    DuplicateKey,
    BrokenLink,
}

const DEAL_BREAKAGES: [Breakage; 8] = [
    Breakage::BadYaml,
    Breakage::BadDate,
    Breakage::UnknownStage,
    Breakage::DollarAmount,
    Breakage::NoClosingFence,
    Breakage::NotUtf8,
    Breakage::DuplicateKey,
    Breakage::BrokenLink,
];

const CONTACT_BREAKAGES: [Breakage; 5] = [
    Breakage::BadYaml,
    Breakage::BadDate,
    Breakage::NoClosingFence,
    Breakage::NotUtf8,
    Breakage::DuplicateKey,
];

/// `count` distinct slots out of `0..population`, spread over it by striding with a step
/// coprime with `population`, each with its rank.
fn spread(count: usize, population: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut stride = 7919;
    while population > 1 && gcd(stride, population) != 1 {
        stride += 2;
    }
    (0..count).map(move |k| (k * stride % population.max(1), k))
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Generator {
    fn new(spec: &Spec) -> Generator {
        let in_deals = spec.broken.min(spec.deals);
        let in_contacts = (spec.broken - in_deals).min(spec.contacts);
        let broken = spread(in_deals, spec.deals)
            .chain(spread(in_contacts, spec.contacts).map(|(slot, k)| (spec.deals + slot, k)))
            .collect();
        Generator {
            seed: spec.seed,
            deals: spec.deals,
            contacts: spec.contacts,
            accounts: spec.account_count(),
            broken,
            block_lists: spec.block_lists,
            anchor: NaiveDate::from_ymd_opt(ANCHOR.0, ANCHOR.1, ANCHOR.2).expect("a real date"),
        }
    }

    /// Whether file `i` of `kind` is broken, and how.
    fn breakage(&self, kind: Kind, i: usize) -> Option<Breakage> {
        let slot = match kind {
            Kind::Deal => i,
            Kind::Contact => self.deals + i,
            Kind::Account | Kind::Note => return None,
        };
        self.broken.get(&slot).map(|&k| match kind {
            Kind::Deal => DEAL_BREAKAGES[k % DEAL_BREAKAGES.len()],
            _ => CONTACT_BREAKAGES[k % CONTACT_BREAKAGES.len()],
        })
    }

    fn date(&self, days_from_anchor: i64) -> NaiveDate {
        self.anchor + Duration::days(days_from_anchor)
    }

    // --- names -------------------------------------------------------------------------------

    fn account_name(&self, i: usize) -> String {
        let combos = ACCOUNT_FIRST.len() * ACCOUNT_LINE.len() * ACCOUNT_SUFFIX.len();
        let j = (i % combos) * 7919 % combos;
        let first = ACCOUNT_FIRST[j % ACCOUNT_FIRST.len()];
        let line = ACCOUNT_LINE[(j / ACCOUNT_FIRST.len()) % ACCOUNT_LINE.len()].0;
        let suffix = ACCOUNT_SUFFIX[j / (ACCOUNT_FIRST.len() * ACCOUNT_LINE.len())];
        match i / combos {
            0 => format!("{first} {line} {suffix}"),
            n => format!("{first} {line} {suffix} {}", n + 1),
        }
    }

    fn account_industry(&self, i: usize) -> &'static str {
        let combos = ACCOUNT_FIRST.len() * ACCOUNT_LINE.len() * ACCOUNT_SUFFIX.len();
        let j = (i % combos) * 7919 % combos;
        ACCOUNT_LINE[(j / ACCOUNT_FIRST.len()) % ACCOUNT_LINE.len()].1
    }

    fn contact_name(&self, i: usize) -> (String, &'static str) {
        let initials = 27; // none, or A. to Z.
        let combos = FIRST_NAMES.len() * LAST_NAMES.len() * initials;
        let j = (i % combos) * 7919 % combos;
        let first = FIRST_NAMES[j % FIRST_NAMES.len()];
        let last = LAST_NAMES[(j / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let initial = j / (FIRST_NAMES.len() * LAST_NAMES.len());
        let mut name = first.to_string();
        if initial > 0 {
            let _ = write!(name, " {}.", (b'A' + initial as u8 - 1) as char);
        }
        let _ = write!(name, " {last}");
        if i >= combos {
            let _ = write!(name, " {}", i / combos + 1);
        }
        (name, first)
    }

    /// Contacts are spread over the accounts round-robin: account `a` has contacts
    /// `a, a + accounts, a + 2 × accounts, …`.
    fn contacts_of(&self, account: usize) -> usize {
        if account >= self.contacts {
            0
        } else {
            (self.contacts - account).div_ceil(self.accounts)
        }
    }

    fn contact_at(&self, account: usize, k: usize) -> usize {
        account + k * self.accounts
    }

    // --- files -------------------------------------------------------------------------------

    fn file(&self, kind: Kind, i: usize) -> (PathBuf, Vec<u8>) {
        let mut rng = Rng::for_file(self.seed, kind, i);
        let (path, text) = match kind {
            Kind::Deal => self.deal(&mut rng, i),
            Kind::Contact => self.contact(&mut rng, i),
            Kind::Account => self.account(&mut rng, i),
            Kind::Note => (PathBuf::from(NOTES[i].0), NOTES[i].1.to_string()),
        };
        let bytes = match self.breakage(kind, i) {
            Some(breakage) => break_file(text, breakage),
            None => text.into_bytes(),
        };
        (path, bytes)
    }

    /// A link to a record: its id or, sometimes, a `[[Name]]` wikilink.
    fn link(rng: &mut Rng, id: &str, name: &str, wikilink_share: f64) -> String {
        if rng.chance(wikilink_share) {
            format!("\"[[{name}]]\"")
        } else {
            id.to_string()
        }
    }

    fn deal(&self, rng: &mut Rng, i: usize) -> (PathBuf, String) {
        // A few big accounts hold many deals.
        let account = ((rng.unit().powi(2)) * self.accounts as f64) as usize % self.accounts;
        let account_name = self.account_name(account);
        let account_id = slug(&account_name);
        let product = *rng.pick(&PRODUCTS);
        let id = format!("{account_id}-{}-{i}", slug(product));
        let title = format!("{} — {product}", short_name(&account_name));

        let mut roll = rng.below(1000);
        let (stage, stage_probability) = STAGES
            .iter()
            .find(|(_, _, share)| {
                let hit = roll < *share;
                roll = roll.saturating_sub(*share);
                hit
            })
            .map(|(s, p, _)| (*s, *p))
            .unwrap_or(("prospecting", 10));
        let open = !stage.starts_with("closed");

        let people = self.contacts_of(account);
        let person = |rng: &mut Rng| -> Option<(String, String, &'static str)> {
            (people > 0).then(|| {
                let c = self.contact_at(account, rng.below(people));
                let (name, first) = self.contact_name(c);
                (slug(&name), name, first)
            })
        };
        let dm = person(rng);
        let champion = person(rng);
        let someone = |rng: &mut Rng| -> (String, &'static str) {
            match person(rng) {
                Some((_, name, first)) => (name, first),
                None => ("their team".to_string(), "them"),
            }
        };

        let close = if open {
            rng.range(-45, 240)
        } else {
            -rng.range(0, 420)
        };
        let close_date = self.date(close);
        let is_new = open && rng.chance(0.03); // created this week
        let created_day = if is_new {
            -rng.range(0, 6)
        } else {
            (close - rng.range(20, 240)).min(0)
        };
        let created = self.date(created_day);

        let mut fm = String::with_capacity(1024);
        let _ = writeln!(fm, "---");
        let _ = writeln!(fm, "title: {title}");
        let _ = writeln!(
            fm,
            "account: {}",
            Self::link(rng, &account_id, &account_name, 0.3)
        );
        if !rng.chance(0.02) {
            let amount = (rng.unit() * (400_000f64 / 3_000.0).ln()).exp() * 3_000.0;
            let _ = writeln!(fm, "amount: {}", (amount / 500.0).round() as i64 * 500);
        }
        match rng.below(100) {
            0..=79 => {}
            80..=84 => {
                let _ = writeln!(fm, "currency: USD");
            }
            85..=93 => {
                let _ = writeln!(fm, "currency: EUR");
            }
            94..=98 => {
                let _ = writeln!(fm, "currency: GBP");
            }
            _ => {
                let _ = writeln!(fm, "currency: CHF"); // no rate in `fx:`: a warning
            }
        }
        let _ = writeln!(fm, "stage: {stage}");
        if open && rng.chance(0.15) {
            let p = (stage_probability + rng.range(-10, 15)).clamp(5, 95);
            let _ = writeln!(fm, "probability: {p}");
        }
        if open && rng.chance(0.1) {
            let forecast = rng.pick(&["pipeline", "best_case", "commit", "omitted"]);
            let _ = writeln!(fm, "forecast: {forecast}");
        }
        let _ = writeln!(fm, "close_date: {close_date}");
        if !open || rng.chance(0.9) {
            let (_, first) = someone(rng);
            let step = rng.pick(&NEXT_STEPS).replace("{f}", first);
            let _ = writeln!(fm, "next_step: {step}");
            if rng.chance(0.85) {
                let _ = writeln!(fm, "next_step_date: {}", self.date(rng.range(-14, 30)));
            }
        }
        if let Some((id, name, _)) = &dm {
            if rng.chance(0.8) {
                let _ = writeln!(fm, "decision_maker: {}", Self::link(rng, id, name, 0.4));
                if rng.chance(0.75) {
                    let _ = writeln!(fm, "dm_engaged: {}", rng.chance(0.6));
                }
            }
        }
        if rng.chance(0.7) {
            let _ = writeln!(fm, "roi_accepted: {}", rng.chance(0.5));
        }
        if let Some((id, name, _)) = &champion {
            if rng.chance(0.5) {
                let _ = writeln!(fm, "champion: {}", Self::link(rng, id, name, 0.3));
            }
        }
        let _ = writeln!(fm, "created: {created}");
        if rng.chance(0.03) {
            let _ = writeln!(fm, "private: true");
        }
        if rng.chance(0.6) {
            let n = rng.range(1, 3) as usize;
            let tags: Vec<&str> = (0..n).map(|_| *rng.pick(&TAGS)).collect();
            let _ = writeln!(fm, "{}", tags_field(&tags, self.block_lists));
        }
        if rng.chance(0.2) {
            let source = rng.pick(&["inbound", "outbound", "partner", "event"]);
            let _ = writeln!(fm, "source: {source}");
        }
        if open && rng.chance(0.15) {
            let _ = writeln!(fm, "buying_signals: {}", rng.pick(&BUYING_SIGNALS));
        }
        if rng.chance(0.1) {
            let _ = writeln!(
                fm,
                "personal_notes: \"Their CFO approved up to {}k\"",
                rng.range(50, 400)
            );
        }
        let _ = writeln!(fm, "---");

        // Body: a description, the log (newest first), tasks, sometimes a private section.
        let mut body = String::with_capacity(1024);
        let (who, _) = someone(rng);
        let _ = writeln!(
            body,
            "{} for {}'s {} team ({} seats). [[{who}]] is our main contact.\n",
            capitalize(product),
            short_name(&account_name),
            rng.pick(&["operations", "sales", "finance", "IT", "support", "field"]),
            rng.range(10, 900)
        );
        let (entries, last) = if is_new {
            (1, created_day)
        } else if open {
            (rng.range(1, 8), -rng.range(0, 40))
        } else {
            (rng.range(2, 10), close.min(0))
        };
        let _ = writeln!(body, "## Log");
        let mut day = last;
        for _ in 0..entries {
            let (c, _) = someone(rng);
            let line = rng
                .pick(&LOG_LINES)
                .replace("{c}", &c)
                .replace("{n}", &rng.range(2, 9).to_string())
                .replace("{p}", &rng.range(5, 95).to_string());
            let _ = writeln!(body, "- {}: {line}", self.date(day));
            day -= rng.range(2, 25);
        }
        if (open && rng.chance(0.7)) || rng.chance(0.1) {
            let _ = writeln!(body, "\n## Tasks");
            for _ in 0..rng.range(1, 4) {
                let (_, first) = someone(rng);
                let text = rng.pick(&TASKS).replace("{f}", first);
                let done = if rng.chance(0.25) { "x" } else { " " };
                let manager = if rng.chance(0.15) { "@manager " } else { "" };
                let due = self.date(rng.range(-10, 21));
                let due = if rng.chance(0.2) {
                    format!("📅 {due}")
                } else {
                    format!("due:{due}")
                };
                let _ = writeln!(body, "- [{done}] {manager}{text} {due}");
            }
        }
        if rng.chance(0.1) {
            let (c, _) = someone(rng);
            let _ = writeln!(
                body,
                "\n## Private\nOnly for me: I think {c} is leaving; line up a second champion."
            );
            if rng.chance(0.5) {
                let _ = writeln!(body, "- [ ] Quietly ask around about {c}'s plans");
            }
        }
        fm.push_str(&body);
        (PathBuf::from(format!("deals/{id}.md")), fm)
    }

    fn contact(&self, rng: &mut Rng, i: usize) -> (PathBuf, String) {
        let (name, first) = self.contact_name(i);
        let id = slug(&name);
        let account = i % self.accounts;
        let account_name = self.account_name(account);
        let domain = format!("{}.example", slug(&account_name));
        let mut text = String::with_capacity(600);
        let _ = writeln!(text, "---");
        let _ = writeln!(text, "name: {name}");
        let _ = writeln!(
            text,
            "account: {}",
            Self::link(rng, &slug(&account_name), &account_name, 0.3)
        );
        let _ = writeln!(text, "role: {}", rng.pick(&ROLES));
        let _ = writeln!(text, "email: {}@{domain}", id.replace('-', "."));
        if rng.chance(0.7) {
            let _ = writeln!(
                text,
                "phone: \"+1 {} 555 {:04}\"",
                rng.range(201, 989),
                rng.below(10_000)
            );
        }
        if rng.chance(0.8) {
            let _ = writeln!(text, "last_contact: {}", self.date(-rng.range(0, 200)));
        }
        if rng.chance(0.01) {
            let _ = writeln!(text, "private: true");
        }
        if rng.chance(0.5) {
            let tag = rng.pick(&["economic-buyer", "champion", "exec", "technical", "legal"]);
            let _ = writeln!(text, "{}", tags_field(&[tag], self.block_lists));
        }
        let _ = writeln!(text, "---");
        let _ = writeln!(
            text,
            "{first} works at [[{account_name}]]. {}\n",
            rng.pick(&[
                "Prefers email over calls.",
                "Cautious after last year's budget freeze.",
                "Very responsive; likes data.",
                "Joined from a competitor's customer.",
                "Owns the budget for tooling.",
            ])
        );
        if rng.chance(0.2) {
            let _ = writeln!(text, "## Log");
            let mut day = -rng.range(0, 60);
            for _ in 0..rng.range(1, 3) {
                let _ = writeln!(
                    text,
                    "- {}: {}",
                    self.date(day),
                    rng.pick(&[
                        "Coffee at the conference.",
                        "Intro call.",
                        "Sent a birthday note.",
                        "Asked about our roadmap.",
                    ])
                );
                day -= rng.range(5, 60);
            }
        }
        if rng.chance(0.1) {
            let _ = writeln!(
                text,
                "\n- [ ] Send {first} the case study due:{}",
                self.date(rng.range(-5, 14))
            );
        }
        if rng.chance(0.05) {
            let _ = writeln!(
                text,
                "\n## Private\nKids: two. Moving to a competitor in spring?"
            );
        }
        (PathBuf::from(format!("contacts/{id}.md")), text)
    }

    fn account(&self, rng: &mut Rng, i: usize) -> (PathBuf, String) {
        let name = self.account_name(i);
        let id = slug(&name);
        let mut text = String::with_capacity(600);
        let _ = writeln!(text, "---");
        let _ = writeln!(text, "name: {name}");
        let _ = writeln!(text, "industry: {}", self.account_industry(i));
        let _ = writeln!(text, "website: https://www.{id}.example");
        if rng.chance(0.7) {
            let tag = rng.pick(&["customer", "prospect", "partner", "tier-1", "churn-risk"]);
            let _ = writeln!(text, "{}", tags_field(&[tag], self.block_lists));
        }
        let _ = writeln!(text, "---");
        let _ = writeln!(
            text,
            "{} with about {} employees. HQ in {}.\n",
            self.account_industry(i),
            rng.range(50, 20_000),
            rng.pick(&[
                "Columbus OH",
                "Munich",
                "Dublin",
                "Singapore",
                "Austin TX",
                "Paris"
            ])
        );
        if self.contacts_of(i) > 0 {
            let (contact, _) = self.contact_name(self.contact_at(i, 0));
            let _ = writeln!(text, "Main contact: [[{contact}]].\n");
        }
        if rng.chance(0.3) {
            let _ = writeln!(text, "## Log");
            let _ = writeln!(
                text,
                "- {}: Annual business review.",
                self.date(-rng.range(0, 120))
            );
        }
        (PathBuf::from(format!("accounts/{id}.md")), text)
    }

    fn config(&self) -> String {
        // Quota per quarter, roughly what a book this size could close.
        let quota = ((self.deals.max(10) as f64 * 4_000.0) / 1_000.0).round() as u64 * 1_000;
        let mut text = String::new();
        let _ = writeln!(
            text,
            "# Generated by examples/gen_vault.rs: {} deals, {} contacts, {} accounts.",
            self.deals, self.contacts, self.accounts
        );
        let _ = writeln!(text, "owner: Sam Rivera\nmanager: Pat Lee\ncurrency: USD");
        let _ = writeln!(text, "fx: {{ EUR: 1.08, GBP: 1.27 }}\nfiscal_year_start: 1");
        let _ = writeln!(text, "quota:");
        for year in [2026, 2027] {
            for q in 1..=4 {
                let _ = writeln!(text, "  {year}-Q{q}: {}", quota + q * quota / 20);
            }
        }
        let _ = writeln!(
            text,
            "stale_after_days: 14\nprivate_fields: [personal_notes]"
        );
        let _ = writeln!(text, "outputs:");
        let _ = writeln!(
            text,
            "  - {{ template: pipeline.md, to: reports/pipeline.md }}"
        );
        let _ = writeln!(
            text,
            "  - {{ template: prep.md, to: reports/one-on-one.md, audience: manager }}"
        );
        text
    }
}

/// Breaks a generated file on purpose.
fn break_file(text: String, breakage: Breakage) -> Vec<u8> {
    let replace_line = |prefix: &str, with: &str| -> String {
        let mut done = false;
        let mut out: String = text
            .lines()
            .map(|line| {
                if !done && line.starts_with(prefix) {
                    done = true;
                    format!("{with}\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        if !done {
            // Insert after the opening fence.
            out = out.replacen("---\n", &format!("---\n{with}\n"), 1);
        }
        out
    };
    match breakage {
        Breakage::BadYaml => replace_line("title:", "title: Call: Jane about pricing")
            .replace("name: ", "name: Call: ")
            .into_bytes(),
        Breakage::BadDate => {
            if text.contains("\nclose_date:") {
                replace_line("close_date:", "close_date: 12/15/2026").into_bytes()
            } else {
                replace_line("last_contact:", "last_contact: last Tuesday").into_bytes()
            }
        }
        Breakage::UnknownStage => replace_line("stage:", "stage: qualified").into_bytes(),
        Breakage::DollarAmount => replace_line("amount:", "amount: \"$48,000\"").into_bytes(),
        Breakage::NoClosingFence => {
            // Drop the second `---` line.
            let mut fences = 0;
            text.lines()
                .filter(|line| {
                    if *line == "---" {
                        fences += 1;
                        fences != 2
                    } else {
                        true
                    }
                })
                .map(|line| format!("{line}\n"))
                .collect::<String>()
                .into_bytes()
        }
        Breakage::NotUtf8 => {
            // A Latin-1 "é" in the first line of the front matter, as old editors save it.
            let mut bytes = text.into_bytes();
            let at = bytes
                .iter()
                .position(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
                .min(bytes.len());
            let line_end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| at + i);
            bytes.splice(line_end..line_end, b" caf\xe9".iter().copied());
            bytes
        }
        Breakage::DuplicateKey => {
            let first = text.lines().nth(1).unwrap_or("title: x").to_string();
            replace_line("tags:", &format!("{first}\ntags: [duplicate]")).into_bytes()
        }
        Breakage::BrokenLink => {
            replace_line("account:", "account: \"[[Nonexistent Holdings]]\"").into_bytes()
        }
    }
}

/// `Acme Analytics Corp` → `acme-analytics-corp`.
fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// `Acme Analytics Corp` → `Acme Analytics`, as reps write it in titles.
fn short_name(name: &str) -> &str {
    ACCOUNT_SUFFIX
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix).map(str::trim_end))
        .unwrap_or(name)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `tags: [a, b]`, or the same as a block list.
fn tags_field(tags: &[&str], block: bool) -> String {
    if block {
        let items: String = tags.iter().map(|t| format!("\n  - {t}")).collect();
        format!("tags:{items}")
    } else {
        format!("tags: [{}]", tags.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------

const USAGE: &str =
    "usage: gen_vault [--deals N] [--contacts N] [--accounts N] [--seed S] [--broken N] [--block-lists] OUT

Writes a synthetic vault into OUT (which must not already hold a vault).
  --deals N      deals to write (default 1000)
  --contacts N   contacts to write (default 2 x deals)
  --accounts N   accounts to write (default deals / 10, at least 1)
  --seed S       the PRNG seed; the same seed writes the same files (default 1)
  --broken N     break N files on purpose, in varied ways (default 0)
  --block-lists  write lists as `tags:` then `  - a` lines, as Obsidian does";

fn parse_args() -> Result<(Spec, PathBuf), String> {
    let mut deals = 1000;
    let mut contacts = None;
    let mut accounts = None;
    let mut seed = 1;
    let mut broken = 0;
    let mut block_lists = false;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    let number = |flag: &str, value: Option<String>| -> Result<u64, String> {
        value
            .as_deref()
            .and_then(|v| v.replace('_', "").parse().ok())
            .ok_or_else(|| format!("{flag} needs a whole number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--deals" => deals = number("--deals", args.next())? as usize,
            "--contacts" => contacts = Some(number("--contacts", args.next())? as usize),
            "--accounts" => accounts = Some(number("--accounts", args.next())? as usize),
            "--seed" => seed = number("--seed", args.next())?,
            "--broken" => broken = number("--broken", args.next())? as usize,
            "--block-lists" => block_lists = true,
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => return Err(format!("unknown flag {flag}")),
            path if out.is_none() => out = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    let out = out.ok_or("OUT is missing")?;
    let spec = Spec {
        deals,
        contacts: contacts.unwrap_or(deals * 2),
        accounts,
        seed,
        broken,
        block_lists,
    };
    Ok((spec, out))
}

#[allow(dead_code)] // the benches include this file for `generate` only
fn main() -> std::process::ExitCode {
    let (spec, out) = match parse_args() {
        Ok(parsed) => parsed,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("error: {problem}\n");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    if out.join("dealbook.yaml").exists() || out.join("deals").exists() {
        eprintln!(
            "error: {} already holds a vault; pick an empty folder",
            out.display()
        );
        return std::process::ExitCode::from(2);
    }
    let started = std::time::Instant::now();
    match generate(&out, &spec) {
        Ok(written) => {
            eprintln!(
                "wrote {} files ({} deals, {} contacts, {} accounts, {} broken), {} bytes, to {} in {:.2?}",
                written.files,
                spec.deals,
                spec.contacts,
                spec.account_count(),
                spec.broken.min(spec.deals + spec.contacts),
                written.bytes,
                out.display(),
                started.elapsed()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            std::process::ExitCode::from(1)
        }
    }
}
