//! The numbers in the pipeline report and the prep sheet, checked against totals worked out
//! by hand on small vaults. Every expected value has its arithmetic in a comment next to it.

use chrono::NaiveDate;
use dealbook::metrics::money::Num;
use dealbook::metrics::report::Reason;
use dealbook::metrics::report::{
    pipeline, prep, DealView, Pipeline, Prep, ReportOptions, SharedDeal,
};
use dealbook::metrics::rules::Flag;
use dealbook::model::{Audience, ForecastCategory, Period, PeriodKind};
use dealbook::{Severity, Vault};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A throwaway vault: `dealbook.yaml` plus `deals/<id>.md` files.
struct TestVault {
    dir: TempDir,
    deals: usize,
}

impl TestVault {
    /// A vault with this `dealbook.yaml` (`None`: no config file, so every default).
    fn new(config: Option<&str>) -> Self {
        let vault = TestVault {
            dir: tempfile::tempdir().expect("a temp folder"),
            deals: 0,
        };
        match config {
            Some(yaml) => vault.file("dealbook.yaml", yaml),
            None => vault,
        }
    }

    fn file(self, path: &str, text: &str) -> Self {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("a parent folder")).expect("mkdir");
        std::fs::write(full, text).expect("write a vault file");
        self
    }

    /// `deals/<id>.md` with these front-matter lines and this Markdown body.
    fn deal(mut self, id: &str, front_matter: &str, body: &str) -> Self {
        self.deals += 1;
        self.file(
            &format!("deals/{id}.md"),
            &format!("---\n{}\n---\n{body}", front_matter.trim()),
        )
    }

    /// Loads the vault and checks that every deal written was indexed without an error.
    fn load(&self) -> Vault {
        let vault = Vault::load(self.dir.path()).expect("the vault loads");
        let errors: Vec<_> = vault
            .index
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
        assert_eq!(vault.index.deals.len(), self.deals, "every deal is indexed");
        vault
    }
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a YYYY-MM-DD date")
}

/// Options for the fiscal quarter holding `as_of`, as the CLI builds them by default.
fn quarter_options(vault: &Vault, as_of: &str, since: &str) -> ReportOptions {
    let as_of = date(as_of);
    ReportOptions {
        as_of,
        period: Period::quarter_of(as_of, vault.config.fiscal_year_start),
        since: date(since),
        quota: None,
    }
}

/// Options for an explicit period label (`YYYY-Qn`, `YYYY-MM` or `YYYY`).
fn period_options(vault: &Vault, as_of: &str, label: &str) -> ReportOptions {
    let as_of = date(as_of);
    ReportOptions {
        as_of,
        period: Period::parse(label, vault.config.fiscal_year_start).expect("a period label"),
        since: as_of - chrono::Duration::days(7),
        quota: None,
    }
}

fn report(vault: &Vault, options: &ReportOptions) -> Pipeline {
    pipeline(&vault.index, &vault.config, options, None)
}

fn prep_sheet(vault: &Vault, options: &ReportOptions) -> Prep {
    prep(&vault.index, &vault.config, options, None)
}

const TOLERANCE: f64 = 1e-6;

#[track_caller]
fn approx(actual: Num, expected: f64) {
    assert!(
        (actual.0 - expected).abs() < TOLERANCE,
        "expected {expected}, got {}",
        actual.0
    );
}

/// An amount or a ratio, for `approx_opt`.
trait Figure: Copy + std::fmt::Debug {
    fn value(self) -> f64;
}

impl Figure for Num {
    fn value(self) -> f64 {
        self.0
    }
}

impl Figure for dealbook::metrics::money::Ratio {
    fn value(self) -> f64 {
        self.0
    }
}

#[track_caller]
fn approx_opt(actual: Option<impl Figure>, expected: Option<f64>) {
    match (actual, expected) {
        (Some(a), Some(e)) => approx(Num(a.value()), e),
        (None, None) => {}
        (a, e) => panic!("expected {e:?}, got {a:?}"),
    }
}

fn ids(deals: &[SharedDeal]) -> Vec<&str> {
    deals.iter().map(|d| d.id.as_str()).collect()
}

fn view<'a>(report: &'a Pipeline, id: &str) -> &'a DealView {
    report
        .deals
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no open deal {id}"))
}

// ---------------------------------------------------------------------------------------------
// Forecast categories, the period boundaries, open totals, by stage and the deal order
// ---------------------------------------------------------------------------------------------

/// Calendar fiscal year (the default). Q4 2026 is 2026-10-01 ..= 2026-12-31.
fn forecast_vault() -> TestVault {
    TestVault::new(Some("quota:\n  2026-Q4: 100000\n"))
        // Won deals.
        .deal(
            "won-a",
            "stage: closed_won\namount: 20000\nclose_date: 2026-10-15\ncreated: 2026-08-01",
            "",
        )
        .deal(
            "won-edge",
            "stage: closed_won\namount: 5000\nclose_date: 2026-12-31\ncreated: 2026-10-01",
            "",
        )
        .deal(
            "won-next",
            "stage: closed_won\namount: 7000\nclose_date: 2027-01-01\ncreated: 2026-10-01",
            "",
        )
        .deal(
            "won-prev",
            "stage: closed_won\namount: 9000\nclose_date: 2026-09-30\ncreated: 2026-07-01",
            "",
        )
        .deal(
            "lost-a",
            "stage: closed_lost\namount: 15000\nclose_date: 2026-11-01\ncreated: 2026-09-01",
            "",
        )
        // Open deals.
        .deal(
            "neg",
            "stage: negotiation\namount: 30000\nclose_date: 2026-12-31",
            "",
        )
        .deal(
            "neg-next",
            "stage: negotiation\namount: 11000\nclose_date: 2027-01-01",
            "",
        )
        .deal(
            "neg-omit",
            "stage: negotiation\namount: 6000\nforecast: omitted\nclose_date: 2026-12-01",
            "",
        )
        .deal(
            "prop",
            "stage: proposal\namount: 10000\nprobability: 25\nclose_date: 2026-12-01",
            "",
        )
        .deal(
            "demo",
            "stage: demo\namount: 8000\nclose_date: 2026-11-30",
            "",
        )
        .deal("demo-undated", "stage: demo\namount: 2000", "")
        .deal(
            "disc-commit",
            "stage: discovery\namount: 4000\nforecast: commit\nclose_date: 2026-12-10",
            "",
        )
}

#[test]
fn quarter_totals_by_forecast_category() {
    let tv = forecast_vault();
    let vault = tv.load();
    let options = quarter_options(&vault, "2026-11-23", "2026-11-16");
    // 2026-11-23 with fiscal_year_start 1 is in 2026-Q4: Oct 1 to Dec 31.
    assert_eq!(options.period.label, "2026-Q4");
    assert_eq!(
        (options.period.start, options.period.end),
        (date("2026-10-01"), date("2026-12-31"))
    );
    let r = report(&vault, &options);

    // quota: 2026-Q4 is in the config = 100,000
    approx_opt(r.quota, Some(100_000.0));
    // closed_won: won-a 20,000 (Oct 15) + won-edge 5,000 + won-next 7,000 = 32,000. A won
    // deal cannot have closed after as_of: won-edge (Dec 31) and won-next (Jan 1) closed by
    // Nov 23 (`metrics::closed_on`; `check` warns about their dates). won-prev (Sep 30) does
    // not count.
    approx(r.closed_won, 32_000.0);
    // commit: neg 30,000 (negotiation, Dec 31) + disc-commit 4,000 (discovery, own forecast
    // commit) = 34,000; neg-next closes Jan 1 (next quarter); neg-omit is omitted.
    approx(r.commit, 34_000.0);
    // best_case: prop 10,000 (proposal) = 10,000
    approx(r.best_case, 10_000.0);
    // pipeline: demo 8,000 (demo, Nov 30); demo-undated has no close date = 8,000
    approx(r.pipeline, 8_000.0);
    // gap: max(0, 100,000 - 32,000) = 68,000
    approx_opt(r.gap_to_quota, Some(68_000.0));
    // coverage: (34,000 + 10,000 + 8,000) / 68,000 = 52,000 / 68,000 = 0.764706...
    approx_opt(r.coverage, Some(52_000.0 / 68_000.0));
    // Every deal is counted but demo-undated, which is in no period: the report says so.
    assert_eq!(
        left_out(&r),
        [("demo-undated".to_string(), Reason::NoCloseDate)]
    );
}

/// What a report says it could not count: (deal id, reason).
fn left_out(r: &dealbook::metrics::report::Pipeline) -> Vec<(String, Reason)> {
    r.not_counted
        .items
        .iter()
        .map(|u| (u.id.clone().unwrap_or_else(|| u.path.clone()), u.reason))
        .collect()
}

/// The deals a report left out of its amounts for want of an exchange rate.
fn without_rate(r: &dealbook::metrics::report::Pipeline) -> Vec<String> {
    left_out(r)
        .into_iter()
        .filter(|(_, reason)| *reason == Reason::NoRate)
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn open_totals_count_every_open_deal_whatever_its_close_date() {
    let tv = forecast_vault();
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));

    // count: neg, neg-next, neg-omit, prop, demo, demo-undated, disc-commit = 7
    assert_eq!(r.open.count, 7);
    // amount: 30,000 + 11,000 + 6,000 + 10,000 + 8,000 + 2,000 + 4,000 = 71,000
    approx(r.open.amount, 71_000.0);
    // weighted: neg 30,000×80% 24,000 + neg-next 11,000×80% 8,800 + neg-omit 6,000×80% 4,800
    //   + prop 10,000×25% (own probability) 2,500 + demo 8,000×40% 3,200
    //   + demo-undated 2,000×40% 800 + disc-commit 4,000×20% 800 = 44,900
    approx(r.open.weighted, 44_900.0);

    // by_stage: the open stages in config order, with the empty prospecting row.
    let stages: Vec<&str> = r.by_stage.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(
        stages,
        [
            "prospecting",
            "discovery",
            "demo",
            "proposal",
            "negotiation"
        ]
    );
    let rows: Vec<(usize, f64, f64, f64)> = r
        .by_stage
        .iter()
        .map(|s| (s.count, s.probability.0, s.amount.0, s.weighted.0))
        .collect();
    let expected = [
        // prospecting: nothing
        (0, 10.0, 0.0, 0.0),
        // discovery: disc-commit 4,000 × 20% = 800
        (1, 20.0, 4_000.0, 800.0),
        // demo: demo 8,000 + demo-undated 2,000 = 10,000; weighted 3,200 + 800 = 4,000
        (2, 40.0, 10_000.0, 4_000.0),
        // proposal: prop 10,000 at its own 25% = 2,500
        (1, 60.0, 10_000.0, 2_500.0),
        // negotiation: 30,000 + 11,000 + 6,000 = 47,000; weighted × 80% = 37,600
        (3, 80.0, 47_000.0, 37_600.0),
    ];
    for (row, want) in rows.iter().zip(expected) {
        assert_eq!(row.0, want.0, "{row:?}");
        for (got, want) in [(row.1, want.1), (row.2, want.2), (row.3, want.3)] {
            approx(Num(got), want);
        }
    }

    // Only open deals, by close date then id (neg-omit and prop share Dec 1), undated last.
    assert_eq!(
        ids(&r.deals),
        [
            "demo",         // 2026-11-30
            "neg-omit",     // 2026-12-01
            "prop",         // 2026-12-01
            "disc-commit",  // 2026-12-10
            "neg",          // 2026-12-31
            "neg-next",     // 2027-01-01
            "demo-undated", // no close date
        ]
    );
}

#[test]
fn probability_and_forecast_fall_back_to_the_stage() {
    let tv = forecast_vault();
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));

    let prop = view(&r, "prop");
    // own probability 25 overrides proposal's 60: 10,000 × 25 / 100 = 2,500
    approx(prop.probability, 25.0);
    approx_opt(prop.weighted, Some(2_500.0));
    assert_eq!(prop.forecast, ForecastCategory::BestCase);
    assert!(prop.in_period);

    let demo = view(&r, "demo");
    // stage demo's 40: 8,000 × 40 / 100 = 3,200
    approx(demo.probability, 40.0);
    approx_opt(demo.weighted, Some(3_200.0));
    assert_eq!(demo.forecast, ForecastCategory::Pipeline);

    // Own forecast over the stage's.
    assert_eq!(view(&r, "disc-commit").forecast, ForecastCategory::Commit);
    assert_eq!(view(&r, "neg-omit").forecast, ForecastCategory::Omitted);
    assert_eq!(view(&r, "neg").forecast, ForecastCategory::Commit);

    // Inside / outside the quarter.
    assert!(view(&r, "neg").in_period); // Dec 31, the last day
    assert!(!view(&r, "neg-next").in_period); // Jan 1, the next quarter's first day
    assert!(!view(&r, "demo-undated").in_period);
}

#[test]
fn explicit_month_period_takes_a_third_of_the_quarter_quota() {
    let tv = forecast_vault();
    let vault = tv.load();
    let options = period_options(&vault, "2026-11-23", "2026-12");
    assert_eq!(options.period.kind, PeriodKind::Month);
    let r = report(&vault, &options);

    // quota: 2026-Q4 100,000 / 3 months = 33,333.33
    approx_opt(r.quota, Some(100_000.0 / 3.0));
    // closed_won: none in December: won-edge and won-next are dated Dec 31 and Jan 1, but a
    // won deal cannot have closed after as_of (Nov 23), so they closed in November
    approx(r.closed_won, 0.0);
    // commit: neg 30,000 (Dec 31) + disc-commit 4,000 (Dec 10) = 34,000
    approx(r.commit, 34_000.0);
    // best_case: prop 10,000 (Dec 1) = 10,000
    approx(r.best_case, 10_000.0);
    // pipeline: demo closes Nov 30, outside December = 0
    approx(r.pipeline, 0.0);
    // gap: 100,000/3 - 0 = 33,333.33
    approx_opt(r.gap_to_quota, Some(100_000.0 / 3.0));
    // coverage: 44,000 / (100,000/3) = 132,000 / 100,000 = 1.32
    approx_opt(r.coverage, Some(1.32));
}

#[test]
fn explicit_year_period_without_a_year_quota() {
    let tv = forecast_vault();
    let vault = tv.load();
    let options = period_options(&vault, "2026-11-23", "2026");
    assert_eq!(
        (options.period.start, options.period.end),
        (date("2026-01-01"), date("2026-12-31"))
    );
    let r = report(&vault, &options);

    // closed_won: won-a 20,000 + won-edge 5,000 + won-prev 9,000 + won-next 7,000 (dated
    // 2027, closed by as_of) = 41,000
    approx(r.closed_won, 41_000.0);
    // commit: neg 30,000 + disc-commit 4,000 = 34,000 (neg-next closes 2027-01-01)
    approx(r.commit, 34_000.0);
    // best_case: prop 10,000
    approx(r.best_case, 10_000.0);
    // pipeline: demo 8,000
    approx(r.pipeline, 8_000.0);
    // quota: only 2026-Q4 is set, not the year nor all four quarters → none, so no gap and
    // no coverage.
    approx_opt(r.quota, None);
    approx_opt(r.gap_to_quota, None);
    approx_opt(r.coverage, None);
    assert_eq!(r.conversion.deals_needed, None);
}

#[test]
fn explicit_quarter_period_other_than_the_current_one() {
    let tv = forecast_vault();
    let vault = tv.load();
    let r = report(&vault, &period_options(&vault, "2026-11-23", "2026-Q3"));
    // closed_won in Jul 1 ..= Sep 30: won-prev 9,000 (Sep 30, the last day) = 9,000
    approx(r.closed_won, 9_000.0);
    // no open deal closes in Q3
    approx(r.commit + r.best_case + r.pipeline, 0.0);
    // no quota for 2026-Q3 or 2026
    approx_opt(r.quota, None);
}

// ---------------------------------------------------------------------------------------------
// Fiscal years that do not start in January
// ---------------------------------------------------------------------------------------------

#[test]
fn fiscal_year_from_april_splits_a_year_quota_into_the_quarter() {
    let tv = TestVault::new(Some("fiscal_year_start: 4\nquota:\n  2026: 400000\n"))
        .deal(
            "w0",
            "stage: closed_won\namount: 12000\nclose_date: 2026-12-31\ncreated: 2026-11-01",
            "",
        )
        .deal(
            "w1",
            "stage: closed_won\namount: 30000\nclose_date: 2027-01-01\ncreated: 2026-11-01",
            "",
        )
        .deal(
            "c1",
            "stage: negotiation\namount: 20000\nclose_date: 2027-03-31",
            "",
        )
        .deal(
            "c2",
            "stage: negotiation\namount: 50000\nclose_date: 2027-04-01",
            "",
        )
        .deal(
            "b1",
            "stage: proposal\namount: 10000\nclose_date: 2027-02-28",
            "",
        );
    let vault = tv.load();
    let options = quarter_options(&vault, "2027-02-10", "2027-02-03");
    // February 2027 is calendar 2027-Q1 but fiscal 2026-Q4 (the fiscal year started
    // April 2026 and is named 2026): Jan 1 to Mar 31, 2027.
    assert_eq!(Period::quarter_of(date("2027-02-10"), 1).label, "2027-Q1");
    assert_eq!(options.period.label, "2026-Q4");
    assert_eq!(
        (options.period.start, options.period.end),
        (date("2027-01-01"), date("2027-03-31"))
    );
    assert_eq!(Period::parse("2026-Q4", 4), Some(options.period.clone()));
    let r = report(&vault, &options);

    // quota: year 2026 400,000 / 4 quarters = 100,000
    approx_opt(r.quota, Some(100_000.0));
    // closed_won: w1 30,000 (Jan 1, first day); w0 closed Dec 31 = fiscal Q3 → 30,000
    approx(r.closed_won, 30_000.0);
    // commit: c1 20,000 (Mar 31, last day); c2 is Apr 1 = next fiscal year → 20,000
    approx(r.commit, 20_000.0);
    // best_case: b1 10,000
    approx(r.best_case, 10_000.0);
    approx(r.pipeline, 0.0);
    // gap: 100,000 - 30,000 = 70,000
    approx_opt(r.gap_to_quota, Some(70_000.0));
    // coverage: (20,000 + 10,000 + 0) / 70,000 = 0.428571...
    approx_opt(r.coverage, Some(30_000.0 / 70_000.0));

    // The whole fiscal year, April 2026 to March 2027, with the year's own quota.
    let year = report(&vault, &period_options(&vault, "2027-02-10", "2026"));
    assert_eq!(
        (year.period.start, year.period.end),
        (date("2026-04-01"), date("2027-03-31"))
    );
    // quota: the year's 400,000 as written
    approx_opt(year.quota, Some(400_000.0));
    // closed_won: w0 12,000 + w1 30,000 = 42,000
    approx(year.closed_won, 42_000.0);
    // commit: c1 20,000 only (c2 closes 2027-04-01, fiscal 2027)
    approx(year.commit, 20_000.0);
}

#[test]
fn fiscal_year_from_july() {
    let tv = TestVault::new(Some("fiscal_year_start: 7\nquota:\n  \"2026\": 200000\n"))
        .deal(
            "won-first-day",
            "stage: closed_won\namount: 10000\nclose_date: 2026-07-01\ncreated: 2026-05-01",
            "",
        )
        .deal(
            "won-before",
            "stage: closed_won\namount: 4000\nclose_date: 2026-06-30\ncreated: 2026-05-01",
            "",
        )
        .deal(
            "neg-last-day",
            "stage: negotiation\namount: 20000\nclose_date: 2026-09-30",
            "",
        )
        .deal(
            "neg-after",
            "stage: negotiation\namount: 1000\nclose_date: 2026-10-01",
            "",
        );
    let vault = tv.load();
    let options = quarter_options(&vault, "2026-08-15", "2026-08-08");
    // August 2026 is calendar Q3 but fiscal 2026-Q1 (the year starting July 2026).
    assert_eq!(Period::quarter_of(date("2026-08-15"), 1).label, "2026-Q3");
    assert_eq!(options.period.label, "2026-Q1");
    assert_eq!(
        (options.period.start, options.period.end),
        (date("2026-07-01"), date("2026-09-30"))
    );
    let r = report(&vault, &options);
    // quota: 200,000 / 4 = 50,000
    approx_opt(r.quota, Some(50_000.0));
    // closed_won: won-first-day 10,000 (Jul 1); won-before is Jun 30 = last fiscal year
    approx(r.closed_won, 10_000.0);
    // commit: neg-last-day 20,000 (Sep 30); neg-after is Oct 1 = fiscal Q2
    approx(r.commit, 20_000.0);
    // gap: 50,000 - 10,000 = 40,000; coverage 20,000 / 40,000 = 0.5
    approx_opt(r.gap_to_quota, Some(40_000.0));
    approx_opt(r.coverage, Some(0.5));
    // conversion window: fiscal Q1 starts 2026-07-01; three quarters before = 2025-10-01
    assert_eq!(r.conversion.from, date("2025-10-01"));
    assert_eq!(r.conversion.to, date("2026-08-15"));
}

// ---------------------------------------------------------------------------------------------
// Quota edge cases
// ---------------------------------------------------------------------------------------------

#[test]
fn quota_already_met_means_no_gap_and_no_coverage() {
    let tv = TestVault::new(Some("quota:\n  2026-Q4: 30000\n"))
        .deal(
            "big-win",
            "stage: closed_won\namount: 35000\nclose_date: 2026-11-01\ncreated: 2026-10-01",
            "",
        )
        .deal(
            "neg",
            "stage: negotiation\namount: 10000\nclose_date: 2026-12-01",
            "",
        );
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    approx_opt(r.quota, Some(30_000.0));
    // closed_won: 35,000
    approx(r.closed_won, 35_000.0);
    approx(r.commit, 10_000.0);
    // gap: max(0, 30,000 - 35,000) = 0
    approx_opt(r.gap_to_quota, Some(0.0));
    // coverage: gap 0 → none
    approx_opt(r.coverage, None);
    // deals needed: ceil(0 / 35,000) = 0
    assert_eq!(r.conversion.deals_needed, Some(0));
}

#[test]
fn no_quota_means_no_gap_and_no_coverage() {
    // No dealbook.yaml at all: every default, and no quota.
    let tv = TestVault::new(None)
        .deal(
            "won",
            "stage: closed_won\namount: 5000\nclose_date: 2026-11-01\ncreated: 2026-10-01",
            "",
        )
        .deal(
            "neg",
            "stage: negotiation\namount: 10000\nclose_date: 2026-12-01",
            "",
        );
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    assert_eq!(r.currency, "USD");
    approx_opt(r.quota, None);
    approx(r.closed_won, 5_000.0);
    approx(r.commit, 10_000.0);
    approx_opt(r.gap_to_quota, None);
    approx_opt(r.coverage, None);
    assert_eq!(r.conversion.deals_needed, None);
    // The win still counts for conversion: average 5,000.
    approx_opt(r.conversion.average_won, Some(5_000.0));

    // A quota for another quarter only is no quota for this one.
    let tv = TestVault::new(Some("quota:\n  2027-Q1: 90000\n")).deal(
        "neg",
        "stage: negotiation\namount: 10000\nclose_date: 2026-12-01",
        "",
    );
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    approx_opt(r.quota, None);
    approx_opt(r.gap_to_quota, None);
    approx_opt(r.coverage, None);
}

// ---------------------------------------------------------------------------------------------
// Currencies
// ---------------------------------------------------------------------------------------------

fn currency_vault() -> TestVault {
    TestVault::new(Some(
        "currency: USD\nfx:\n  EUR: 1.08\nquota:\n  2026-Q4: 50000\n",
    ))
    .deal(
        "usd",
        "stage: negotiation\namount: 10000\nclose_date: 2026-12-01",
        "",
    )
    .deal(
        "eur",
        "stage: negotiation\namount: 10000\ncurrency: EUR\nclose_date: 2026-12-02",
        "",
    )
    .deal(
        "chf",
        "stage: negotiation\namount: 10000\ncurrency: CHF\nclose_date: 2026-12-03",
        "",
    )
    .deal(
        "eur-prop",
        "stage: proposal\namount: 2500\ncurrency: EUR\nclose_date: 2026-12-10",
        "",
    )
    .deal(
        "eur-won",
        "stage: closed_won\namount: 5000\ncurrency: eur\nclose_date: 2026-11-01\ncreated: 2026-10-01",
        "",
    )
    .deal(
        "chf-won",
        "stage: closed_won\namount: 3000\ncurrency: CHF\nclose_date: 2026-11-02\ncreated: 2026-10-01",
        "",
    )
}

#[test]
fn amounts_convert_and_deals_without_a_rate_are_left_out() {
    let tv = currency_vault();
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));

    // closed_won: eur-won 5,000 EUR × 1.08 = 5,400; chf-won has no rate → left out
    approx(r.closed_won, 5_400.0);
    // commit: usd 10,000 + eur 10,000 × 1.08 = 10,800 → 20,800; chf left out
    approx(r.commit, 20_800.0);
    // best_case: eur-prop 2,500 × 1.08 = 2,700
    approx(r.best_case, 2_700.0);
    approx(r.pipeline, 0.0);
    // gap: 50,000 - 5,400 = 44,600
    approx_opt(r.gap_to_quota, Some(44_600.0));
    // coverage: (20,800 + 2,700) / 44,600 = 23,500 / 44,600 = 0.526905...
    approx_opt(r.coverage, Some(23_500.0 / 44_600.0));
    // open amount: 10,000 + 10,800 + 2,700 = 23,500 (chf adds nothing)
    approx(r.open.amount, 23_500.0);
    // open weighted: 10,000×80% 8,000 + 10,800×80% 8,640 + 2,700×60% 1,620 = 18,260
    approx(r.open.weighted, 18_260.0);
    // negotiation row: amount 10,000 + 10,800 = 20,800; weighted 8,000 + 8,640 = 16,640
    let negotiation = r
        .by_stage
        .iter()
        .find(|s| s.stage == "negotiation")
        .expect("a negotiation row");
    approx(negotiation.amount, 20_800.0);
    approx(negotiation.weighted, 16_640.0);

    // the CHF deal won in the period and the open one, in path order
    assert_eq!(without_rate(&r), ["chf-won", "chf"]);
    let chf = view(&r, "chf");
    assert!(chf.flags.contains(&Flag::NoFxRate));
    assert_eq!(chf.amount, None);
    assert_eq!(chf.weighted, None);
    approx_opt(chf.original_amount, Some(10_000.0));
    assert_eq!(chf.currency, "CHF");

    let eur = view(&r, "eur");
    assert!(!eur.flags.contains(&Flag::NoFxRate));
    assert_eq!(eur.currency, "EUR");
    // 10,000 EUR × 1.08 = 10,800 USD; weighted × 80% = 8,640
    approx_opt(eur.amount, Some(10_800.0));
    approx_opt(eur.original_amount, Some(10_000.0));
    approx_opt(eur.weighted, Some(8_640.0));
    assert!(!view(&r, "usd").flags.contains(&Flag::NoFxRate));

    // Conversion (2026-01-01 ..= 2026-11-23): the only won value is eur-won's 5,400;
    // chf-won has no base amount, so the average is 5,400 / 1 = 5,400 and, with no losses,
    // the win rate by value is 5,400 / (5,400 + 0) = 1.
    approx_opt(r.conversion.average_won, Some(5_400.0));
    approx_opt(r.conversion.win_rate_value, Some(1.0));
    // deals needed: ceil(44,600 / 5,400) = ceil(8.259) = 9
    assert_eq!(r.conversion.deals_needed, Some(9));
}

#[test]
fn deals_without_a_rate_are_left_out_of_the_open_counts() {
    let tv = currency_vault();
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    // the CHF deal won in the period and the open one, in path order
    assert_eq!(without_rate(&r), ["chf-won", "chf"]);
    // open count: usd, eur, eur-prop = 3 (chf is not counted: left out of the totals)
    assert_eq!(r.open.count, 3);
    // negotiation count: usd, eur = 2
    let negotiation = r
        .by_stage
        .iter()
        .find(|s| s.stage == "negotiation")
        .expect("a negotiation row");
    assert_eq!(negotiation.count, 2);
}

// ---------------------------------------------------------------------------------------------
// Conversion over the trailing four quarters
// ---------------------------------------------------------------------------------------------

#[test]
fn conversion_over_the_trailing_four_quarters() {
    let tv = TestVault::new(Some("quota:\n  2026-Q4: 200000\n"))
        .deal(
            "w1",
            "stage: closed_won\namount: 10000\ncreated: 2026-01-01\nclose_date: 2026-01-01",
            "",
        )
        .deal(
            "w2",
            "stage: closed_won\namount: 20000\ncreated: 2026-02-01\nclose_date: 2026-03-03",
            "",
        )
        .deal(
            "w3",
            "stage: closed_won\namount: 30000\ncreated: 2026-05-01\nclose_date: 2026-07-10",
            "",
        )
        .deal(
            "w4",
            "stage: closed_won\namount: 40000\ncreated: 2026-09-01\nclose_date: 2026-11-23",
            "",
        )
        .deal(
            "w-old",
            "stage: closed_won\namount: 99000\ncreated: 2025-10-01\nclose_date: 2025-12-31",
            "",
        )
        .deal(
            "w-future",
            "stage: closed_won\namount: 77000\ncreated: 2026-10-01\nclose_date: 2026-11-24",
            "",
        )
        .deal(
            "l1",
            "stage: closed_lost\namount: 25000\ncreated: 2026-03-01\nclose_date: 2026-06-01",
            "",
        )
        .deal(
            "l2",
            "stage: closed_lost\namount: 15000\ncreated: 2026-08-01\nclose_date: 2026-10-05",
            "",
        )
        .deal(
            "l-old",
            "stage: closed_lost\namount: 50000\ncreated: 2025-10-01\nclose_date: 2025-12-31",
            "",
        );
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    let c = &r.conversion;

    // window: Q4 2026 starts Oct 1; three quarters before = 2026-01-01; through as_of
    assert_eq!((c.from, c.to), (date("2026-01-01"), date("2026-11-23")));
    // won in the window: w1 (Jan 1, the first day), w2, w3, w4 (Nov 23 = as_of), and
    // w-future, dated Nov 24 but won already: it closed by as_of = 5; w-old (2025-12-31) is
    // outside
    assert_eq!(c.won_count, 5);
    // lost: l1, l2 = 2 (l-old is outside)
    assert_eq!(c.lost_count, 2);
    // by count: 5 / (5 + 2) = 0.714286
    approx_opt(c.win_rate_count, Some(5.0 / 7.0));
    // by value: won 10,000 + 20,000 + 30,000 + 40,000 + 77,000 = 177,000; lost 25,000 +
    //   15,000 = 40,000; 177,000 / 217,000 = 0.815668
    approx_opt(c.win_rate_value, Some(177_000.0 / 217_000.0));
    // average won: 177,000 / 5 = 35,400
    approx_opt(c.average_won, Some(35_400.0));
    // cycles: w1 Jan 1→Jan 1 = 0; w2 Feb 1→Mar 3 = 28 + 2 = 30; w3 May 1→Jul 10 =
    //   31 + 30 + 9 = 70; w4 Sep 1→Nov 23 = 30 + 31 + 22 = 83; w-future Oct 1→Nov 23 (closed
    //   by as_of) = 30 + 23 = 53. Sorted 0, 30, 53, 70, 83: odd count → 53
    approx_opt(c.median_cycle_days, Some(53.0));

    // closed_won in Q4: w4 40,000 + w-future 77,000 = 117,000
    approx(r.closed_won, 117_000.0);
    // gap: 200,000 - 117,000 = 83,000
    approx_opt(r.gap_to_quota, Some(83_000.0));
    // deals needed: ceil(83,000 / 35,400) = ceil(2.34) = 3
    assert_eq!(c.deals_needed, Some(3));
}

#[test]
fn conversion_with_a_fiscal_year_from_february() {
    // With fiscal_year_start 2 the quarters are Feb–Apr, May–Jul, Aug–Oct, Nov–Jan: no
    // quarter boundary matches a calendar one.
    let tv = TestVault::new(Some("fiscal_year_start: 2\nquota:\n  2026: 360000\n"))
        .deal(
            "a",
            "stage: closed_won\namount: 12000\ncreated: 2026-01-02\nclose_date: 2026-02-01",
            "",
        )
        .deal(
            "b",
            "stage: closed_won\namount: 6000\ncreated: 2026-03-01\nclose_date: 2026-03-11",
            "",
        )
        .deal(
            "c",
            "stage: closed_won\namount: 9000\ncreated: 2026-11-15\nclose_date: 2027-01-15",
            "",
        )
        .deal(
            "x",
            "stage: closed_won\namount: 50000\ncreated: 2025-12-01\nclose_date: 2026-01-31",
            "",
        )
        .deal(
            "lost-in",
            "stage: closed_lost\namount: 3000\ncreated: 2026-11-01\nclose_date: 2026-12-20",
            "",
        )
        .deal(
            "lost-after",
            "stage: closed_lost\namount: 1000\ncreated: 2026-11-01\nclose_date: 2027-01-16",
            "",
        );
    let vault = tv.load();
    let options = quarter_options(&vault, "2027-01-15", "2027-01-08");
    // January 2027 is in fiscal 2026-Q4: 2026-11-01 to 2027-01-31.
    assert_eq!(options.period.label, "2026-Q4");
    assert_eq!(
        (options.period.start, options.period.end),
        (date("2026-11-01"), date("2027-01-31"))
    );
    let r = report(&vault, &options);
    let c = &r.conversion;

    // window: 2026-11-01 minus nine months = 2026-02-01, through 2027-01-15
    assert_eq!((c.from, c.to), (date("2026-02-01"), date("2027-01-15")));
    // won: a (Feb 1, first day), b, c (Jan 15 = as_of) = 3; x closed Jan 31, 2026: outside
    assert_eq!(c.won_count, 3);
    // lost: lost-in, and lost-after, dated after as_of but lost already: it closed by as_of = 2
    assert_eq!(c.lost_count, 2);
    // by count: 3 / 5 = 0.6
    approx_opt(c.win_rate_count, Some(0.6));
    // by value: won 12,000 + 6,000 + 9,000 = 27,000; lost 3,000 + 1,000 = 4,000;
    // 27,000 / 31,000 = 0.870968
    approx_opt(c.win_rate_value, Some(27_000.0 / 31_000.0));
    // average won: 27,000 / 3 = 9,000
    approx_opt(c.average_won, Some(9_000.0));
    // cycles: a Jan 2→Feb 1 = 30; b Mar 1→Mar 11 = 10; c Nov 15→Jan 15 = 30 + 31 = 61.
    //   Sorted 10, 30, 61: odd count → the middle one, 30
    approx_opt(c.median_cycle_days, Some(30.0));

    // quota: year 2026 360,000 / 4 = 90,000
    approx_opt(r.quota, Some(90_000.0));
    // closed_won in Nov 1 ..= Jan 31: c 9,000
    approx(r.closed_won, 9_000.0);
    // gap: 90,000 - 9,000 = 81,000; deals needed ceil(81,000 / 9,000) = 9 exactly
    approx_opt(r.gap_to_quota, Some(81_000.0));
    assert_eq!(c.deals_needed, Some(9));
}

#[test]
fn conversion_with_nothing_closed() {
    let tv = TestVault::new(Some("quota:\n  2026-Q4: 10000\n")).deal(
        "neg",
        "stage: negotiation\namount: 10000\nclose_date: 2026-12-01",
        "",
    );
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    let c = &r.conversion;
    assert_eq!((c.won_count, c.lost_count), (0, 0));
    approx_opt(c.win_rate_count, None);
    approx_opt(c.win_rate_value, None);
    approx_opt(c.average_won, None);
    approx_opt(c.median_cycle_days, None);
    // no average won deal → no deals-needed figure even with a gap of 10,000
    approx_opt(r.gap_to_quota, Some(10_000.0));
    assert_eq!(c.deals_needed, None);
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

#[test]
fn flags_per_open_deal() {
    let tv = TestVault::new(Some("stale_after_days: 10\n"))
        // Exactly 10 days since the last log entry: not stale. Close date and next step
        // date today: neither passed nor overdue.
        .deal(
            "clean",
            "stage: proposal\namount: 1000\ncreated: 2026-09-01\nclose_date: 2026-11-23\n\
             next_step: Review\nnext_step_date: 2026-11-23\ndecision_maker: jane\n\
             dm_engaged: true\nroi_accepted: true",
            "## Log\n- 2026-11-13: Call\n- 2026-10-01: Intro\n",
        )
        // The last log entry (Nov 12, 11 days ago) decides, not the later `created`.
        .deal(
            "stale",
            "stage: proposal\namount: 1000\ncreated: 2026-11-20\nclose_date: 2026-11-22\n\
             next_step: Follow up\nroi_accepted: false",
            "## Log\n- 2026-11-12: Call\n",
        )
        // No log: `created` 10 days ago is not stale.
        .deal(
            "fresh-no-log",
            "stage: demo\namount: 1000\ncreated: 2026-11-13\ndecision_maker: jane\n\
             dm_engaged: false\nroi_accepted: true",
            "",
        )
        // No log: `created` 11 days ago is stale; next step date yesterday is overdue.
        .deal(
            "old-no-log",
            "stage: demo\namount: 1000\ncreated: 2026-11-12\nnext_step: Send deck\n\
             next_step_date: 2026-11-22\ndecision_maker: jane\ndm_engaged: true\n\
             roi_accepted: true",
            "",
        )
        // Closed deals have no flags, however incomplete.
        .deal(
            "won",
            "stage: closed_won\namount: 1000\nclose_date: 2026-01-01",
            "",
        );
    let vault = tv.load();
    let r = report(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    let flags = |id: &str| -> Vec<&str> { view(&r, id).flags.iter().map(|f| f.code()).collect() };

    // as_of 2026-11-23 - 2026-11-13 = 10 days, not more than 10
    assert_eq!(flags("clean"), Vec::<&str>::new());
    assert_eq!(view(&r, "clean").days_since_activity, Some(10));
    // 2026-11-23 - 2026-11-12 = 11 days > 10 → stale; close Nov 22 < Nov 23 → past close;
    // a next step without a date is not overdue; ROI false. No decision maker named and
    // dm_engaged unset are questions for the one-on-one, not flags: unknown is not no.
    assert_eq!(
        flags("stale"),
        ["stale", "past_close_date", "roi_not_accepted"]
    );
    assert_eq!(view(&r, "stale").last_activity, Some(date("2026-11-12")));
    // created 10 days ago → not stale; no next step; DM named but not engaged
    assert_eq!(flags("fresh-no-log"), ["no_next_step", "dm_not_engaged"]);
    // created 11 days ago → stale; next step date Nov 22 < Nov 23 → overdue
    assert_eq!(flags("old-no-log"), ["stale", "next_step_overdue"]);
    // the won deal is not among the open deals
    assert!(r.deals.iter().all(|d| d.id != "won"));
}

// ---------------------------------------------------------------------------------------------
// The prep sheet
// ---------------------------------------------------------------------------------------------

fn prep_vault() -> TestVault {
    TestVault::new(Some(
        "owner: Sam\nmanager: Alex\nquota:\n  2026-Q4: 100000\n",
    ))
    .file(
        "contacts/jane.md",
        "---\nname: Jane Doe\n---\n## Tasks\n\
             - [ ] Send Jane the deck due:2026-11-19\n\
             - [ ] @manager Intro to their CTO due:2026-11-20\n",
    )
    // Created on `since`: new, and added. Not at risk.
    .deal(
        "new-open",
        "stage: discovery\namount: 5000\ncreated: 2026-11-16\nclose_date: 2026-12-20\n\
             next_step: Demo\nnext_step_date: 2026-11-30\ndecision_maker: jane\n\
             dm_engaged: true\nroi_accepted: true",
        "## Log\n- 2026-11-20: Intro call\n- 2026-11-16: First contact\n",
    )
    // Created on as_of: new, added; no next step → needs help.
    .deal(
        "new-open2",
        "stage: prospecting\namount: 3000\ncreated: 2026-11-23",
        "",
    )
    // Old deal: next step overdue → needs help; has asks and commitments.
    .deal(
        "old-open",
        "stage: negotiation\namount: 20000\ncreated: 2026-09-01\nclose_date: 2026-12-15\n\
             next_step: Sign\nnext_step_date: 2026-11-20\ndecision_maker: jane\n\
             dm_engaged: true\nroi_accepted: true",
        "## Log\n\
             - 2026-11-18: Pricing call\n\
             - 2026-11-15: Sent proposal\n\
             - 2026-11-21: Legal review\n\
             \n## Tasks\n\
             - [ ] @manager Call their CFO due:2026-11-30\n\
             - [x] @manager Join the kickoff due:2026-11-10\n\
             - [ ] Send contract due:2026-11-22\n\
             - [ ] Today task due:2026-11-23\n\
             - [ ] Chase legal due:2026-11-30\n\
             - [ ] Later thing due:2026-12-01\n\
             - [x] Old done due:2026-11-10\n\
             - [ ] Someday without a date\n",
    )
    // Created the day before `since`: not new; last activity 22 days ago → stale.
    .deal(
        "created-before",
        "stage: demo\namount: 7000\ncreated: 2026-11-15\nclose_date: 2026-12-31\n\
             next_step: Call back\nnext_step_date: 2026-12-01",
        "## Log\n- 2026-11-01: Call\n",
    )
    .deal(
        "won-since",
        "stage: closed_won\namount: 8000\ncreated: 2026-10-01\nclose_date: 2026-11-16",
        "",
    )
    .deal(
        "won-before",
        "stage: closed_won\namount: 9000\ncreated: 2026-10-01\nclose_date: 2026-11-15",
        "",
    )
    .deal(
        "lost-since",
        "stage: closed_lost\namount: 4000\ncreated: 2026-10-01\nclose_date: 2026-11-23",
        "",
    )
    .deal(
        "lost-future",
        "stage: closed_lost\namount: 1000\ncreated: 2026-10-01\nclose_date: 2026-11-24",
        "",
    )
    .deal(
        "new-won",
        "stage: closed_won\namount: 2000\ncreated: 2026-11-17\nclose_date: 2026-11-20",
        "",
    )
}

#[test]
fn prep_changes_since_the_last_review() {
    let tv = prep_vault();
    let vault = tv.load();
    let p = prep_sheet(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));
    assert_eq!(p.since, date("2026-11-16"));
    assert_eq!(p.pipeline.owner.as_deref(), Some("Sam"));
    assert_eq!(p.pipeline.manager.as_deref(), Some("Alex"));

    // new: created Nov 16 ..= Nov 23: new-won (closes Nov 20), new-open (Dec 20),
    // new-open2 (undated, last); created-before (Nov 15) is not new
    assert_eq!(ids(&p.changes.new), ["new-won", "new-open", "new-open2"]);
    // won: closed Nov 16 ..= Nov 23: won-since (Nov 16, on `since`), new-won (Nov 20);
    // won-before (Nov 15) is not
    assert_eq!(ids(&p.changes.won), ["won-since", "new-won"]);
    // lost: lost-since (Nov 23, on as_of), lost-future (dated Nov 24, but lost already: it
    // closed by as_of)
    assert_eq!(ids(&p.changes.lost), ["lost-since", "lost-future"]);

    // added: the new deals still open: new-open, new-open2
    assert_eq!(ids(&p.added.deals), ["new-open", "new-open2"]);
    assert_eq!(p.added.totals.count, 2);
    // amount: 5,000 + 3,000 = 8,000
    approx(p.added.totals.amount, 8_000.0);
    // weighted: 5,000 × 20% (discovery) 1,000 + 3,000 × 10% (prospecting) 300 = 1,300
    approx(p.added.totals.weighted, 1_300.0);

    // The pipeline inside the prep sheet is the same report.
    // closed_won in Q4: won-since 8,000 + won-before 9,000 + new-won 2,000 = 19,000
    approx(p.pipeline.closed_won, 19_000.0);
    // commit: old-open 20,000 (negotiation, Dec 15)
    approx(p.pipeline.commit, 20_000.0);
    // pipeline: new-open 5,000 (Dec 20) + created-before 7,000 (Dec 31) = 12,000;
    // new-open2 has no close date
    approx(p.pipeline.pipeline, 12_000.0);
}

#[test]
fn prep_needs_help_with_the_log_since_the_last_review() {
    let tv = prep_vault();
    let vault = tv.load();
    let p = prep_sheet(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));

    // Open deals by close date: old-open (Dec 15), new-open (Dec 20), created-before (Dec 31),
    // new-open2 (undated). At risk: old-open (next step Nov 20 < Nov 23), created-before (last
    // log Nov 1: 22 days > 14), new-open2 (no next step). new-open is fine.
    let needs_help: Vec<&str> = p.needs_help.iter().map(|s| s.deal.id.as_str()).collect();
    assert_eq!(needs_help, ["old-open", "created-before", "new-open2"]);

    let old = &p.needs_help[0];
    assert_eq!(old.reasons, [Flag::NextStepOverdue]);
    // log since Nov 16, newest first: Nov 21 Legal review, Nov 18 Pricing call (Nov 15 is
    // before `since`)
    let log: Vec<(NaiveDate, &str)> = old
        .log_since
        .iter()
        .map(|e| (e.date, e.text.as_str()))
        .collect();
    assert_eq!(
        log,
        [
            (date("2026-11-21"), "Legal review"),
            (date("2026-11-18"), "Pricing call")
        ]
    );
    assert_eq!(p.needs_help[1].reasons, [Flag::Stale]);
    assert!(p.needs_help[1].log_since.is_empty());
    assert_eq!(p.needs_help[2].reasons, [Flag::NoNextStep]);
}

#[test]
fn prep_asks_and_commitments() {
    let tv = prep_vault();
    let vault = tv.load();
    let p = prep_sheet(&vault, &quarter_options(&vault, "2026-11-23", "2026-11-16"));

    // asks: only old-open has an open @manager task (the kickoff one is done)
    let asks: Vec<&str> = p.asks.iter().map(|s| s.deal.id.as_str()).collect();
    assert_eq!(asks, ["old-open"]);
    let texts: Vec<(&str, Option<NaiveDate>)> = p.asks[0]
        .asks
        .iter()
        .map(|t| (t.text.as_str(), t.due))
        .collect();
    assert_eq!(texts, [("Call their CFO", Some(date("2026-11-30")))]);

    // overdue: open, not @manager, due before Nov 23: Jane's deck (Nov 19, on a contact),
    // Send contract (Nov 22); the done task and the manager asks are not commitments
    let overdue: Vec<(&str, &str, NaiveDate)> = p
        .commitments
        .overdue
        .iter()
        .map(|t| (t.record.as_str(), t.task.text.as_str(), t.task.due.unwrap()))
        .collect();
    assert_eq!(
        overdue,
        [
            ("jane", "Send Jane the deck", date("2026-11-19")),
            ("old-open", "Send contract", date("2026-11-22")),
        ]
    );
    assert_eq!(p.commitments.overdue[0].title, "Jane Doe");
    // due this week: Nov 23 ..= Nov 30 (as_of + 7): Today task (Nov 23), Chase legal
    // (Nov 30); Later thing (Dec 1) and the undated task are not
    let week: Vec<(&str, NaiveDate)> = p
        .commitments
        .due_this_week
        .iter()
        .map(|t| (t.task.text.as_str(), t.task.due.unwrap()))
        .collect();
    assert_eq!(
        week,
        [
            ("Today task", date("2026-11-23")),
            ("Chase legal", date("2026-11-30")),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Privacy
// ---------------------------------------------------------------------------------------------

fn privacy_vault() -> TestVault {
    TestVault::new(Some("quota:\n  2026-Q4: 100000\n"))
        .deal(
            "pub-won",
            "stage: closed_won\namount: 10000\ncreated: 2026-10-15\nclose_date: 2026-11-01",
            "",
        )
        .deal(
            "priv-won",
            "stage: closed_won\namount: 20000\ncreated: 2026-10-15\nclose_date: 2026-11-02\n\
             private: true",
            "",
        )
        .deal(
            "priv-lost",
            "stage: closed_lost\namount: 7000\ncreated: 2026-10-15\nclose_date: 2026-11-05\n\
             private: true",
            "",
        )
        .deal(
            "pub-neg",
            "stage: negotiation\namount: 30000\ncreated: 2026-10-15\nclose_date: 2026-12-01",
            "",
        )
        .deal(
            "priv-neg",
            "stage: negotiation\namount: 40000\ncreated: 2026-10-15\nclose_date: 2026-12-02\n\
             private: true",
            "",
        )
        .deal(
            "priv-prop",
            "stage: proposal\namount: 5000\ncreated: 2026-10-15\nclose_date: 2026-12-03\n\
             private: true",
            "",
        )
        .deal(
            "pub-demo",
            "stage: demo\namount: 1000\ncreated: 2026-10-15\nclose_date: 2026-12-04",
            "",
        )
}

#[test]
fn private_deals_count_for_me() {
    let tv = privacy_vault();
    let vault = tv.load();
    let options = quarter_options(&vault, "2026-11-23", "2026-10-15");
    let index = vault.index_for(Audience::Me);
    assert_eq!(index.deals.len(), 7);
    let r = pipeline(index, &vault.config, &options, None);
    // closed_won: pub-won 10,000 + priv-won 20,000 = 30,000
    approx(r.closed_won, 30_000.0);
    // commit: pub-neg 30,000 + priv-neg 40,000 = 70,000
    approx(r.commit, 70_000.0);
    // best_case: priv-prop 5,000
    approx(r.best_case, 5_000.0);
    // pipeline: pub-demo 1,000
    approx(r.pipeline, 1_000.0);
    // gap: 100,000 - 30,000 = 70,000; coverage 76,000 / 70,000 = 1.085714
    approx_opt(r.gap_to_quota, Some(70_000.0));
    approx_opt(r.coverage, Some(76_000.0 / 70_000.0));
    // open: 4 deals, 76,000; weighted 24,000 + 32,000 + 3,000 + 400 = 59,400
    assert_eq!(r.open.count, 4);
    approx(r.open.amount, 76_000.0);
    approx(r.open.weighted, 59_400.0);
    // conversion: won pub-won, priv-won; lost priv-lost
    assert_eq!((r.conversion.won_count, r.conversion.lost_count), (2, 1));
}

#[test]
fn private_deals_are_left_out_of_every_total_for_the_manager() {
    let tv = privacy_vault();
    let vault = tv.load();
    let options = quarter_options(&vault, "2026-11-23", "2026-10-15");
    let index = vault.index_for(Audience::Manager);
    // pub-won, pub-neg, pub-demo
    assert_eq!(index.deals.len(), 3);
    let r = pipeline(index, &vault.config, &options, None);

    // closed_won: pub-won 10,000 (priv-won hidden)
    approx(r.closed_won, 10_000.0);
    // commit: pub-neg 30,000 (priv-neg hidden)
    approx(r.commit, 30_000.0);
    // best_case: priv-prop hidden → 0
    approx(r.best_case, 0.0);
    // pipeline: pub-demo 1,000
    approx(r.pipeline, 1_000.0);
    // gap: 100,000 - 10,000 = 90,000; coverage 31,000 / 90,000 = 0.344444
    approx_opt(r.gap_to_quota, Some(90_000.0));
    approx_opt(r.coverage, Some(31_000.0 / 90_000.0));
    // open: pub-neg, pub-demo = 2 deals, 31,000; weighted 24,000 + 400 = 24,400
    assert_eq!(r.open.count, 2);
    approx(r.open.amount, 31_000.0);
    approx(r.open.weighted, 24_400.0);
    assert_eq!(ids(&r.deals), ["pub-neg", "pub-demo"]);
    let proposal = r.by_stage.iter().find(|s| s.stage == "proposal").unwrap();
    assert_eq!(proposal.count, 0);
    approx(proposal.amount, 0.0);
    let negotiation = r
        .by_stage
        .iter()
        .find(|s| s.stage == "negotiation")
        .unwrap();
    // negotiation: pub-neg only, 30,000
    assert_eq!(negotiation.count, 1);
    approx(negotiation.amount, 30_000.0);
    // conversion: won pub-won only, no loss → 1 / 1; average 10,000;
    // deals needed ceil(90,000 / 10,000) = 9
    assert_eq!((r.conversion.won_count, r.conversion.lost_count), (1, 0));
    approx_opt(r.conversion.win_rate_count, Some(1.0));
    approx_opt(r.conversion.average_won, Some(10_000.0));
    assert_eq!(r.conversion.deals_needed, Some(9));

    // The prep sheet from the same redacted index: since Oct 15, every deal was created on
    // `since`, but only the public ones show.
    let p = prep(index, &vault.config, &options, None);
    // new: pub-won (Nov 1), pub-neg (Dec 1), pub-demo (Dec 4)
    assert_eq!(ids(&p.changes.new), ["pub-won", "pub-neg", "pub-demo"]);
    assert_eq!(ids(&p.changes.won), ["pub-won"]);
    // priv-lost is hidden
    assert!(p.changes.lost.is_empty());
    // added: pub-neg 30,000 + pub-demo 1,000 = 31,000
    assert_eq!(p.added.totals.count, 2);
    approx(p.added.totals.amount, 31_000.0);
}
