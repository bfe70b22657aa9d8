//! Reading a vault's git history, in two shapes: 300 deals over 1,000 commits (target: under
//! 2 s), and a career's worth, 2,000 deals over 5,000 commits (target: under 1 s).
//!
//! Each repository is scripted with `git fast-import` at setup: first one commit per deal that
//! adds it, then commits that each move the stage, amount or close date of a few deals (three
//! in the small shape; one to three in the big one, as daily work does), with some renames and
//! deletions, all at fixed dates. A few uncommitted edits are left in the working tree, as a
//! rep would have them.
//!
//! ```text
//! cargo bench --bench history              # both shapes
//! cargo bench --bench history -- 2000x5000 # one shape
//! ```
//!
//! The repositories are generated once into `target/bench-vaults/history-SHAPE-vN/`. To put
//! them elsewhere (for timing the CLI by hand, say), set `DEALBOOK_HISTORY_BENCH_DIR` to a
//! folder: each shape is its subfolder `SHAPE` (`300x1000`, `2000x5000`), left in place.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{Duration, NaiveDate};
use dealbook::history::History;
use dealbook::metrics::report::ReportOptions;
use dealbook::model::{Audience, Period};
use dealbook::parse::Detail;
use dealbook::render::{self, Sections};
use dealbook::Vault;
use divan::Bencher;

fn main() {
    divan::main();
}

/// A history to read: how many deals, over how many commits.
#[derive(Debug, Clone, Copy)]
struct Shape {
    deals: usize,
    commits: usize,
    /// The fewest and the most deals each commit after the first `deals` changes.
    changes: (usize, usize),
    /// The first commit's time (seconds since 1970) and the hours between commits.
    first_commit: i64,
    hours_apart: i64,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.deals, self.commits)
    }
}

const SHAPES: [Shape; 2] = [
    // 2025-01-01T09:00:00Z to 2025-05-06.
    Shape {
        deals: 300,
        commits: 1000,
        changes: (3, 3),
        first_commit: 1_735_722_000,
        hours_apart: 3,
    },
    // 2020-11-21T01:00:00Z to 2025-06-14, three commits a day.
    Shape {
        deals: 2000,
        commits: 5000,
        changes: (1, 3),
        first_commit: 1_605_920_400,
        hours_apart: 8,
    },
];

/// Bump when the generated histories change, so cached repositories are made again.
const GENERATOR_VERSION: u32 = 1;

/// The day after the last commit: "today" for the working tree's snapshot.
const TODAY: (i32, u32, u32) = (2025, 6, 15);

const STAGES: [&str; 7] = [
    "prospecting",
    "discovery",
    "demo",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
];

/// A deterministic pseudo-random sequence (xorshift64*), so every run builds the same history.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone)]
struct DealFile {
    path: String,
    n: usize,
    stage: usize,
    amount: u64,
    close: NaiveDate,
    created: NaiveDate,
}

impl DealFile {
    fn text(&self) -> String {
        let mut text = String::new();
        let _ = write!(
            text,
            "---\ntitle: Deal {n} for Account {account}\namount: {amount}\ncurrency: USD\n\
             stage: {stage}\nclose_date: {close}\ncreated: {created}\n\
             next_step: Send the revised order form\nnext_step_date: {close}\n\
             tags: [bench, region-{region}]\n---\n\
             Account {account} wants one dashboard across their plants; this deal covers the \
             first {seats} seats.\n\n## Log\n\
             - {created}: First call with the operations lead.\n\
             - {created}: Sent the overview deck and a reference customer.\n\n\
             ## Tasks\n- [ ] Book the technical review due:{close}\n",
            n = self.n,
            account = self.n % 40,
            amount = self.amount,
            stage = STAGES[self.stage],
            close = self.close,
            created = self.created,
            region = self.n % 5,
            seats = 10 + self.n % 90,
        );
        text
    }
}

/// One `M` (modify) line with its inline data.
fn modify(stream: &mut Vec<u8>, deal: &DealFile) {
    let text = deal.text();
    let _ = write!(
        stream,
        "M 100644 inline {}\ndata {}\n{}\n",
        deal.path,
        text.len(),
        text
    );
}

/// The fast-import stream of the whole history.
fn stream(shape: Shape) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = chrono::DateTime::from_timestamp(shape.first_commit, 0)
        .expect("a time")
        .date_naive();
    let mut live: Vec<DealFile> = Vec::new();
    let mut next_name = shape.deals;
    let mut out = Vec::with_capacity(shape.commits << 12);
    for c in 0..shape.commits {
        let time = shape.first_commit + c as i64 * shape.hours_apart * 3600;
        let day = start + Duration::seconds(time - shape.first_commit);
        let mut body = Vec::new();
        let message;
        if c < shape.deals {
            let deal = DealFile {
                path: format!("deals/deal-{c:03}.md"),
                n: c,
                stage: rng.below(3),
                amount: 5_000 + 500 * rng.below(200) as u64,
                close: day + Duration::days(30 + rng.below(150) as i64),
                created: day,
            };
            modify(&mut body, &deal);
            live.push(deal);
            message = format!("add deal {c}");
        } else if c % 35 == 0 && live.len() > shape.deals / 2 {
            let gone = live.remove(rng.below(live.len()));
            let _ = writeln!(body, "D {}", gone.path);
            message = format!("drop {}", gone.path);
        } else if c % 25 == 0 {
            let i = rng.below(live.len());
            let to = format!("deals/renamed-{next_name:03}.md");
            next_name += 1;
            let _ = writeln!(body, "R {} {}", live[i].path, to);
            live[i].path = to;
            // Renamed and edited in the same commit, as reps do.
            live[i].amount += 1_000;
            modify(&mut body, &live[i]);
            message = format!("rename to {}", live[i].path);
        } else {
            let (fewest, most) = shape.changes;
            let count = match most - fewest {
                0 => most,
                spread => fewest + rng.below(spread + 1),
            };
            let mut touched = Vec::new();
            while touched.len() < count {
                let i = rng.below(live.len());
                if !touched.contains(&i) {
                    touched.push(i);
                }
            }
            for &i in &touched {
                change(&mut live[i], &mut rng);
                modify(&mut body, &live[i]);
            }
            message = format!("update {count} deals");
        }
        let _ = write!(
            out,
            "commit refs/heads/main\ncommitter Sam Rivera <sam@example.com> {time} +0000\n\
             data {}\n{message}\n",
            message.len() + 1
        );
        out.extend_from_slice(&body);
        out.push(b'\n');
    }
    out
}

/// A day's work on a deal: its stage moves, its amount changes or its close date moves.
fn change(deal: &mut DealFile, rng: &mut Rng) {
    match rng.below(4) {
        0 if deal.stage < 4 => deal.stage += 1,
        0 => deal.stage = 5 + rng.below(2),
        1 if deal.stage > 0 && deal.stage < 5 => deal.stage -= 1,
        1 | 2 => {
            let more = rng.below(2) == 0;
            let step = 500 * (1 + rng.below(10)) as u64;
            deal.amount = if more {
                deal.amount + step
            } else {
                deal.amount.saturating_sub(step).max(1_000)
            };
        }
        _ => {
            let days = rng.below(60) as i64 - 15;
            deal.close += Duration::days(if days == 0 { 30 } else { days });
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// Where a shape's repository (also the vault) is kept between runs.
fn kept_at(shape: Shape) -> PathBuf {
    match std::env::var_os("DEALBOOK_HISTORY_BENCH_DIR") {
        Some(dir) => PathBuf::from(dir).join(shape.to_string()),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
            .join("bench-vaults")
            .join(format!("history-{shape}-v{GENERATOR_VERSION}")),
    }
}

/// The shape's repository, scripted on first use and reused afterwards.
fn fixture(shape: Shape) -> PathBuf {
    let root = kept_at(shape);
    // Inside `.git`, so the marker is no file of the vault's.
    let done = root.join(".git/dealbook-bench-generated");
    if done.exists() {
        return root;
    }
    if root.exists() {
        std::fs::remove_dir_all(&root).expect("remove a half-written repository");
    }
    let started = std::time::Instant::now();
    std::fs::create_dir_all(&root).expect("mkdir the vault");
    git(&root, &["-c", "init.defaultBranch=main", "init", "-q"]);
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(&stream(shape))
        .expect("feed fast-import");
    assert!(child.wait().expect("fast-import ends").success());
    git(&root, &["reset", "-q", "--hard", "refs/heads/main"]);
    // A few uncommitted edits: the working tree is the newest state.
    let deals = root.join("deals");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&deals)
        .expect("deals/")
        .map(|e| e.expect("an entry").path())
        .collect();
    files.sort();
    for file in files.iter().step_by(60) {
        let text = std::fs::read_to_string(file).expect("a deal");
        let edited = text.replacen("currency: USD", "currency: USD\nforecast: commit", 1);
        std::fs::write(file, edited).expect("edit a deal");
    }
    std::fs::write(&done, "").expect("mark the repository complete");
    eprintln!(
        "scripted the {shape} history in {:.1?} at {}",
        started.elapsed(),
        root.display()
    );
    root
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("a date")
}

fn history(vault: &Vault) -> History {
    dealbook::history::read(vault, today(), &mut |_, _| {}).expect("history")
}

/// `history::read` on a loaded vault: `git log`, `git cat-file --batch` and parsing the
/// versions.
#[divan::bench(args = SHAPES, sample_count = 10, sample_size = 1)]
fn read(bencher: Bencher, shape: Shape) {
    let vault = Vault::load(&fixture(shape)).expect("the vault loads");
    let read = history(&vault);
    let snapshots: usize = read.deals.iter().map(|d| d.snapshots.len()).sum();
    assert!(
        read.deals.len() >= shape.deals,
        "{} deals",
        read.deals.len()
    );
    assert!(
        snapshots > shape.commits + shape.deals,
        "{snapshots} snapshots"
    );
    bencher.bench_local(|| history(&vault));
}

/// Loading the vault, then reading its history: what every report pays.
#[divan::bench(args = SHAPES, sample_count = 10, sample_size = 1)]
fn load_and_read(bencher: Bencher, shape: Shape) {
    let root = fixture(shape);
    bencher.bench_local(|| history(&Vault::load(&root).expect("the vault loads")));
}

/// What `prep` computes before it renders: the history, then the rep's prep sheet from it (the
/// events since a week ago and the period's waterfall among them) with the manager's copy.
#[divan::bench(args = SHAPES, sample_count = 10, sample_size = 1)]
fn prep(bencher: Bencher, shape: Shape) {
    let vault = Vault::load_detail(&fixture(shape), Detail::Reports).expect("the vault loads");
    let options = ReportOptions {
        as_of: today(),
        period: Period::quarter_of(today(), vault.config.fiscal_year_start),
        since: today() - Duration::days(7),
        quota: None,
    };
    bencher.bench_local(|| {
        let history = Ok(history(&vault));
        render::vault_context(
            &vault,
            &options,
            Audience::Me,
            &history,
            Sections::All,
            None,
        )
        .expect("a context")
    });
}
