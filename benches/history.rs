//! Reading a vault's git history: 300 deals over 1,000 commits must take under 2 s.
//!
//! The repository is scripted with `git fast-import` at setup: 300 commits that each add a deal,
//! then 700 commits that each move the stage, amount or close date of a few deals, with some
//! renames and deletions, all at fixed dates. A few uncommitted edits are left in the working
//! tree, as a rep would have them.
//!
//! `cargo bench --bench history`. To keep the repository for timing the CLI by hand, set
//! `DEALBOOK_HISTORY_BENCH_DIR` to a folder that does not exist yet; it is left in place.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{Duration, NaiveDate};
use divan::Bencher;
use tempfile::TempDir;

fn main() {
    divan::main();
}

const DEALS: usize = 300;
const COMMITS: usize = 1000;
/// Deals each later commit changes.
const CHANGES_PER_COMMIT: usize = 3;
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
fn stream() -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    // 2025-01-01T09:00:00Z; commits are 3 hours apart.
    let first_commit = 1_735_722_000_i64;
    let mut live: Vec<DealFile> = Vec::new();
    let mut next_name = DEALS;
    let mut out = Vec::with_capacity(4 << 20);
    for c in 0..COMMITS {
        let time = first_commit + c as i64 * 3 * 3600;
        let day = start + Duration::seconds(time - first_commit);
        let mut body = Vec::new();
        let message;
        if c < DEALS {
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
        } else if c % 35 == 0 && live.len() > DEALS / 2 {
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
            let mut touched = Vec::new();
            while touched.len() < CHANGES_PER_COMMIT {
                let i = rng.below(live.len());
                if !touched.contains(&i) {
                    touched.push(i);
                }
            }
            for &i in &touched {
                let deal = &mut live[i];
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
                modify(&mut body, deal);
            }
            message = format!("update {CHANGES_PER_COMMIT} deals");
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

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// The repository (also the vault), and the temp folder that deletes it when dropped.
struct Fixture {
    root: PathBuf,
    _dir: Option<TempDir>,
}

fn fixture() -> Fixture {
    let (root, dir) = match std::env::var_os("DEALBOOK_HISTORY_BENCH_DIR") {
        Some(kept) => (PathBuf::from(kept), None),
        None => {
            let dir = tempfile::tempdir().expect("a temp folder");
            (dir.path().join("vault"), Some(dir))
        }
    };
    if !root.join(".git").exists() {
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
            .write_all(&stream())
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
    }
    Fixture { root, _dir: dir }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("a date")
}

/// `history::read` on a loaded vault: `git log`, `git cat-file --batch` and parsing every version.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn read(bencher: Bencher) {
    let fixture = fixture();
    let vault = dealbook::Vault::load(&fixture.root).expect("the vault loads");
    let history = dealbook::history::read(&vault, today(), &mut |_, _| {}).expect("history");
    let snapshots: usize = history.deals.iter().map(|d| d.snapshots.len()).sum();
    assert!(
        history.deals.len() >= DEALS,
        "{} deals",
        history.deals.len()
    );
    assert!(snapshots > COMMITS + DEALS, "{snapshots} snapshots");
    bencher
        .bench_local(|| dealbook::history::read(&vault, today(), &mut |_, _| {}).expect("history"));
}

/// Loading the vault, then reading its history: what every report pays.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn load_and_read(bencher: Bencher) {
    let fixture = fixture();
    bencher.bench_local(|| {
        let vault = dealbook::Vault::load(&fixture.root).expect("the vault loads");
        dealbook::history::read(&vault, today(), &mut |_, _| {}).expect("history")
    });
}
