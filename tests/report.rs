//! `forcecast report` through the real binary: the files, sentences computed from the
//! numbers (a changed scenario changes them), a page that references nothing outside
//! itself, and the page opened in a real headless browser (Debian's chromium): no
//! console messages, no request for anything it mentions, a screenshot that is not blank.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use predicates::prelude::*;

/// The report of `baseline target-450k`, written once for the tests of this file.
fn report() -> &'static (tempfile::TempDir, String) {
    static REPORT: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("report");
        let stdout = common::forcecast()
            .args(["report", "baseline", "target-450k", "--out", out.to_str().unwrap()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        (tmp, String::from_utf8(stdout).unwrap())
    })
}

fn report_dir() -> PathBuf {
    report().0.path().join("report")
}

/// The findings printed by the command: one paragraph per line, after "- ".
fn findings(stdout: &str) -> Vec<String> {
    stdout.lines().filter_map(|l| l.strip_prefix("- ")).map(String::from).collect()
}

/// Text as the HTML report writes it (the findings contain apostrophes and dashes).
fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[test]
fn report_writes_html_markdown_tables_and_charts() {
    let dir = report_dir();
    for f in [
        "report.html",
        "report.md",
        "comparison.csv",
        "key_years.csv",
        "key_years.md",
        "sensitivity.csv",
        "manifest.json",
        "charts/force_vs_target.svg",
        "charts/force_vs_target.png",
        "charts/tornado_force_gap.png",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for heading in [
        "Bottom line",
        "Summary of findings",
        "Charts",
        "Key years",
        "What the answer is most sensitive to",
        "Scenario definitions",
        "Method in brief",
        "Data sources and provenance",
        "About this report",
    ] {
        assert!(html.contains(&format!(">{heading}</h2>")), "HTML lacks section {heading}");
        assert!(md.contains(&format!("## {heading}\n")), "Markdown lacks section {heading}");
    }
    // The same findings in both files, and the tool version.
    let found = findings(&report().1);
    assert!(found.len() >= 4, "findings: {found:?}");
    for f in &found {
        assert!(html.contains(&html_escaped(f)), "HTML lacks the finding: {f}");
        assert!(md.contains(f.as_str()), "Markdown lacks the finding: {f}");
    }
    assert!(html.contains(&format!("forcecast {}", env!("CARGO_PKG_VERSION"))));
    // Seven charts inline (the headline chart, three more overlays, the first scenario's
    // force, two tornados), each also in report.md; the force gap chart is left out (the
    // headline chart draws the gap).
    assert_eq!(html.matches("<svg ").count(), 7);
    assert_eq!(md.matches("](charts/").count(), 7);
    // The resolved definitions show the target-450k target in bold as a difference.
    assert!(html.contains("<strong>2018: 620,000; 2022: 500,000; 2025: 500,000; 2030: 450,000</strong>"));
    // Provenance and sources as text.
    assert!(html.contains("UN World Population Prospects 2024"));
    assert!(html.contains("force_and_context_facts.csv"));
    // One country: named once, its figures listed below.
    assert!(md.contains("\nCountry: Republic of Korea. Base population: Korean citizens"), "{md}");
    assert!(md.contains("`force_and_context_facts.csv`, listed below."), "{md}");
}

#[test]
fn report_sentences_quote_the_projection() {
    let tmp = tempfile::tempdir().unwrap();
    let found = findings(&report().1);
    let out = tmp.path().join("run");
    common::forcecast()
        .args(["run", "baseline", "--out", out.to_str().unwrap(), "--no-charts", "-q"])
        .assert()
        .success();
    let (h, rows) = common::read_csv(&out.join("summary.csv"));
    let men = common::column(&h, &rows, "men_age_20");
    let gap = common::column(&h, &rows, "force_gap");
    let expected = format!(
        "In the baseline, men aged 20 fall from {} in 2025 to {} in 2040",
        common::commas(men[0]),
        common::commas(men[2040 - 2025])
    );
    assert!(found[0].starts_with(&expected), "{}\nexpected to start with: {expected}", found[0]);
    assert!(
        found[0].contains(&format!("In 2040 the gap is {} troops.", common::commas(gap[2040 - 2025]))),
        "{}",
        found[0]
    );
    assert!(found[0].contains("500,000 target"), "{}", found[0]);
    assert!(found[1].contains("target-450k"), "{}", found[1]);
}

/// Writes a scenario extending the baseline and returns the first finding about it.
fn finding_for(dir: &Path, name: &str, body: &str) -> (String, Vec<String>, Vec<Vec<String>>) {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, format!("description = \"test\"\nextends = \"baseline\"\n{body}")).unwrap();
    let out = dir.join(format!("report-{name}"));
    let stdout = common::forcecast()
        .args(["report", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-sensitivity"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(stdout).unwrap();
    let run = dir.join(format!("run-{name}"));
    common::forcecast()
        .args(["run", file.to_str().unwrap(), "--out", run.to_str().unwrap(), "--no-charts", "-q"])
        .assert()
        .success();
    let (h, rows) = common::read_csv(&run.join("summary.csv"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let f = findings(&text).remove(0);
    assert!(html.contains(&html_escaped(&f)), "report.html lacks: {f}");
    (f, h, rows)
}

#[test]
fn report_sentences_change_with_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = findings(&report().1).remove(0);

    // A lower target: met at first, then missed from a year the projection decides.
    let (f, h, rows) =
        finding_for(tmp.path(), "target-400k", "[force]\ntarget_anchors = [[2018, 620000], [2022, 400000]]\n");
    let year = common::column(&h, &rows, "year");
    let gap = common::column(&h, &rows, "force_gap");
    let first_short = year[gap.iter().position(|g| *g > 0.5).expect("the 400,000 target is missed at some point")];
    assert!(first_short > 2025.0);
    assert!(
        f.contains(&format!("it falls short of the 400,000 target from {first_short:.0}")),
        "{f}\n(first year with a gap: {first_short})"
    );
    assert!(f.contains(&format!("In 2040 the gap is {} troops.", common::commas(gap[15]))), "{f}");
    assert_ne!(f.replace("scenario target-400k", "the baseline"), baseline);

    // Higher fertility: the same men aged 20 in 2040 (already born), more by 2070.
    let (f, h, rows) = finding_for(tmp.path(), "tfr-high", "[fertility]\ntfr_anchors = [[2025, 1.8]]\n");
    let men = common::column(&h, &rows, "men_age_20");
    assert!(f.contains(&format!("and to {} by 2070", common::commas(men[2070 - 2025]))), "{f}");
    assert!(!baseline.contains(&format!("and to {} by 2070", common::commas(men[2070 - 2025]))));
}

#[test]
fn report_with_monte_carlo_quotes_its_quantiles_and_probabilities() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mc");
    let args = ["report", "baseline", "--no-sensitivity", "--trajectories", "200", "--seed", "7", "--out"];
    let stdout = common::forcecast().args(args).arg(&out).assert().success().get_output().stdout.clone();
    let found = findings(&String::from_utf8(stdout).unwrap());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(">Range of outcomes (Monte Carlo)</h2>"));
    assert_eq!(html.matches("<svg ").count(), 7, "five charts and two fan charts");
    // The caveats say what is random and what a band means.
    assert!(html.contains("The Monte Carlo section is the only random part: 200 trajectories"), "caveats");
    assert!(html.contains("a band labelled 50%, 80% or 90% holds that share of the trajectories"), "caveats");
    for f in ["monte_carlo/quantiles.csv", "monte_carlo/probabilities.csv", "charts/baseline/fan_force.svg"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let (h, rows) = common::read_csv(&out.join("monte_carlo/quantiles.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let row = rows.iter().find(|r| r[0] == "2040" && r[1] == "force_available").unwrap();
    let (p05, p95): (f64, f64) = (row[col("p05")].parse().unwrap(), row[col("p95")].parse().unwrap());
    let mc =
        found.iter().find(|f| f.starts_with("Across 200 Monte Carlo trajectories")).expect("a Monte Carlo finding");
    assert!(mc.contains("(seed 7)"), "{mc}");
    assert!(mc.contains(&format!("lies between {} and {}", common::commas(p05), common::commas(p95))), "{mc}");
    let (ph, prows) = common::read_csv(&out.join("monte_carlo/probabilities.csv"));
    let p = prows
        .iter()
        .find(|r| r[0] == "2040" && r[1] == "force_gap" && r[3] == "100000")
        .map(|r| r[ph.iter().position(|c| c == "probability").unwrap()].parse::<f64>().unwrap())
        .unwrap();
    assert!(mc.contains(&format!("100,000 with a probability of {:.0}%", p * 100.0)), "{mc}");
}

#[test]
fn report_rejects_a_year_outside_the_projection() {
    common::forcecast()
        .args(["report", "baseline", "--year", "2020", "--out", "/nonexistent/x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--year 2020 is outside the projection of baseline"));
    // A short scenario with the default --year: the message says the year is the default.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("short.toml");
    std::fs::write(&file, "description = \"x\"\nextends = \"baseline\"\nend_year = 2030\n").unwrap();
    for cmd in ["report", "sensitivity"] {
        common::forcecast()
            .args([cmd, file.to_str().unwrap(), "-q", "--out"])
            .arg(tmp.path().join(cmd))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--year 2040 (the default) is outside the projection of short (2025-2030)",
            ));
        assert!(!tmp.path().join(cmd).exists());
    }
}

/// Every `http(s)://host` mentioned in the text.
fn hosts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for scheme in ["http://", "https://"] {
        for (i, _) in text.match_indices(scheme) {
            let rest = &text[i + scheme.len()..];
            let host: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
            if !host.is_empty() && !out.contains(&host) {
                out.push(host);
            }
        }
    }
    out
}

#[test]
fn report_html_references_nothing_outside_itself() {
    let html = std::fs::read_to_string(report_dir().join("report.html")).unwrap();
    for tag in ["<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "srcset"] {
        assert!(!html.contains(tag), "report.html contains {tag}");
    }
    assert!(!html.contains(" src="), "report.html loads a resource");
    for (i, _) in html.match_indices("href=\"") {
        assert!(html[i + 6..].starts_with('#'), "a link that leaves the page: {}", &html[i..i + 60]);
    }
    assert!(html.contains("default-src 'none'"), "the Content-Security-Policy blocks any fetch");
    // Source addresses are printed as text (decided: readers copy them; nothing is loaded).
    assert!(hosts(&html).iter().any(|h| h.ends_with("mnd.go.kr")));
}

// ---- The browser test ---------------------------------------------------------------

/// The browser to test with: FORCECAST_CHROMIUM, else chromium (or Chrome) on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FORCECAST_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs the browser with the flags the project uses, a fresh profile and no name
/// resolution (so nothing can reach the network), killing it after `limit`.
fn run_browser(bin: &Path, profile: &Path, args: &[String], limit: Duration) -> (bool, String, String) {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut so, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut se, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    assert!(status.is_some(), "{} did not finish within {limit:?}\n{stderr}", bin.display());
    (status.is_some_and(|s| s.success()), stdout, stderr)
}

/// Decodes a PNG and returns (width, height, distinct colours, share of non-white pixels).
fn png_stats(path: &Path) -> (u32, u32, usize, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "screenshot is 8-bit");
    let bytes = &buf[..info.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    let mut ink = 0usize;
    let pixels = bytes.chunks(channels);
    let n = pixels.len();
    for px in pixels {
        let rgb = (px[0], px.get(1).copied().unwrap_or(px[0]), px.get(2).copied().unwrap_or(px[0]));
        if colours.len() < 100_000 {
            colours.insert(rgb);
        }
        if rgb.0 < 240 || rgb.1 < 240 || rgb.2 < 240 {
            ink += 1;
        }
    }
    (info.width, info.height, colours.len(), ink as f64 / n.max(1) as f64)
}

#[test]
fn report_html_opens_in_a_headless_browser_cleanly() {
    let Some(bin) = chromium() else {
        let required = std::env::var_os("FORCECAST_BROWSER_REQUIRED").is_some();
        let msg = "chromium not found (install Debian's chromium: apt-get install -y chromium, or set \
                   FORCECAST_CHROMIUM); the browser test of report.html is skipped";
        assert!(!required, "{msg}, but FORCECAST_BROWSER_REQUIRED is set");
        eprintln!("SKIPPED: {msg}");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let page = report_dir().join("report.html");
    let url = format!("file://{}", page.display());
    let html = std::fs::read_to_string(&page).unwrap();
    let limit = Duration::from_secs(120);

    // 1. Screenshot, with console messages logged and every network request recorded.
    let shot = tmp.path().join("shot.png");
    let netlog = tmp.path().join("net.json");
    let (ok, _, stderr) = run_browser(
        &bin,
        &tmp.path().join("profile-1"),
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            format!("--log-net-log={}", netlog.display()),
            format!("--screenshot={}", shot.display()),
            "--window-size=1200,3000".into(),
            url.clone(),
        ],
        limit,
    );
    assert!(ok && shot.is_file(), "the browser failed to take a screenshot:\n{stderr}");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages while loading report.html:\n{}", console.join("\n"));
    let (w, h, colours, ink) = png_stats(&shot);
    assert_eq!((w, h), (1200, 3000));
    assert!(colours > 50 && ink > 0.02, "the screenshot looks blank: {colours} colours, {:.1}% ink", ink * 100.0);

    // No request for anything the page mentions (the browser's own update and account
    // checks, which it makes whatever the page, are not the page's requests).
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    assert!(!log.is_empty(), "the browser wrote no network log");
    for host in hosts(&html) {
        assert!(!log.contains(&format!("://{host}")), "the browser requested {host}, which report.html mentions");
    }

    // 2. The DOM after loading: the content is there, nothing was injected.
    let (ok, dom, stderr) = run_browser(&bin, &tmp.path().join("profile-2"), &["--dump-dom".into(), url], limit);
    assert!(ok, "--dump-dom failed:\n{stderr}");
    assert!(dom.contains("<h1>"), "no title in the DOM:\n{}", &dom[..dom.len().min(500)]);
    for id in
        ["bottom-line", "summary", "charts", "key-years", "sensitivity", "scenarios", "method", "sources", "about"]
    {
        assert!(dom.contains(&format!("<section id=\"{id}\">")), "section {id} missing from the DOM");
    }
    assert_eq!(dom.matches("<svg ").count(), 7, "seven inline charts in the DOM");
    assert!(!dom.contains("<script"));

    // 3. Printed to A4 (the page's @page rule): at most 10 pages for two scenarios
    // (issue 13, item 5; measured 10 when written).
    let pdf = tmp.path().join("report.pdf");
    let (ok, _, stderr) = run_browser(
        &bin,
        &tmp.path().join("profile-3"),
        &[format!("--print-to-pdf={}", pdf.display()), page_url(&page)],
        limit,
    );
    assert!(ok && pdf.is_file(), "--print-to-pdf failed:\n{stderr}");
    let pages = pdf_pages(&std::fs::read(&pdf).unwrap());
    assert!((1..=10).contains(&pages), "report.html prints to {pages} A4 pages (at most 10)");
}

fn page_url(page: &Path) -> String {
    format!("file://{}", page.display())
}

/// Pages of a PDF: the page objects (`/Type /Page`, not `/Pages`), which Chromium writes
/// uncompressed.
fn pdf_pages(pdf: &[u8]) -> usize {
    let mut n = 0;
    for i in 0..pdf.len() {
        if let Some(rest) = pdf[i..].strip_prefix(b"/Type") {
            let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
            if rest.starts_with(b"/Page") && !rest.starts_with(b"/Pages") {
                n += 1;
            }
        }
    }
    n
}

/// The report with a title, an author and a date, and the default one without: the
/// cheap checks of issue 13, item 5 that need no browser.
#[test]
fn report_has_a_bottom_line_first_a_byline_when_asked_and_no_duplicate_figure() {
    let html = std::fs::read_to_string(report_dir().join("report.html")).unwrap();
    let md = std::fs::read_to_string(report_dir().join("report.md")).unwrap();
    // The bottom line comes first, before any table, and quotes the projection's numbers.
    let bottom = html.find("<section id=\"bottom-line\">").expect("bottom line section");
    let first_table = html.find("<table>").expect("a table");
    let first_section = html.find("<section ").unwrap();
    assert_eq!(bottom, first_section, "the bottom line is the first section");
    assert!(bottom < first_table, "the bottom line comes before the first table");
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    common::forcecast()
        .args(["run", "baseline", "--out", run.to_str().unwrap(), "--no-charts", "-q"])
        .assert()
        .success();
    let (h, rows) = common::read_csv(&run.join("summary.csv"));
    let at = |col: &str| common::column(&h, &rows, col)[2040 - 2025];
    let bottom_text = &html[bottom..html[bottom..].find("</section>").unwrap() + bottom];
    for col in ["men_age_20", "force_available", "force_target", "force_gap", "automation_systems_needed"] {
        let figure = common::commas(at(col));
        assert!(bottom_text.contains(&figure), "the bottom line lacks {col} = {figure}");
    }
    let trillion = |x: f64| format!("{:.1} trillion won", x / 1e12);
    for col in ["automation_cost", "automation_cost_npv"] {
        assert!(bottom_text.contains(&trillion(at(col))), "the bottom line lacks {col} = {}", trillion(at(col)));
    }
    assert!(bottom_text.contains("<figure id=\"fig-force_vs_target\">"), "the headline chart is in the bottom line");
    // No figure twice: every chart appears once, and no two inline charts are the same.
    let ids: Vec<&str> = html
        .match_indices("<figure id=\"")
        .map(|(i, _)| &html[i + 12..i + 12 + html[i + 12..].find('"').unwrap()])
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "a figure appears twice: {ids:?}");
    let svgs: Vec<&str> = html.split("<svg ").skip(1).map(|s| &s[..s.find("</svg>").unwrap()]).collect();
    for (i, a) in svgs.iter().enumerate() {
        assert!(!svgs[i + 1..].contains(a), "two inline charts are identical");
    }
    // Nothing is fetched: no attribute or CSS points at http(s), apart from the SVG namespace.
    let stripped = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in ["=\"http", "='http", "url(http", "url(\"http", "url('http"] {
        assert!(!stripped.contains(bad), "report.html references {bad}…");
    }
    // No date unless asked: the same inputs give the same bytes.
    assert!(!html.contains("class=\"byline\""));
    for d in ["2026-", "2027-"] {
        assert!(!html.contains(d) && !md.contains(d), "a date {d}… in a report written without --date");
    }
    // One currency unit: trillions of won, never billions.
    assert!(!html.contains("billion won") && !html.contains("billions of won"), "billions in report.html");
    assert!(!md.contains("billion won") && !md.contains("billions of won"), "billions in report.md");
    // …and no price of one system shown as a vanishing number of trillions.
    assert!(!html.contains("0.00 trillion"), "a unit price written in trillions");
    assert!(html.contains("640,000,000 won"), "the unit cost of a system, in won, at the low end of its tornado bar");
    // The key-years table has a difference column against the first scenario.
    assert!(html.contains("Δ target-450k vs baseline"));

    // Title, author and date when given, in both files, and in the manifest.
    let out = tmp.path().join("titled");
    common::forcecast()
        .args(["report", "baseline", "--no-sensitivity", "--out", out.to_str().unwrap(), "-q"])
        .args(["--title", "Fewer conscripts <ahead>", "--author", "Research desk", "--date", "1 December 2026"])
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(html.contains("<title>Fewer conscripts &lt;ahead&gt;</title>"));
    assert!(html.contains("<h1>Fewer conscripts &lt;ahead&gt;</h1>"));
    assert!(html.contains("<p class=\"byline\">Research desk · 1 December 2026</p>"));
    assert!(md.starts_with("# Fewer conscripts <ahead>\n"));
    assert!(md.contains("**Research desk · 1 December 2026**"));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"author\": \"Research desk\""), "{manifest}");
    // A blank or multi-line value is a usage error, before anything is written.
    let bad = tmp.path().join("bad");
    // So is an invisible direction control, which would reorder the text in the files
    // (right-to-left text itself is welcome).
    for args in [["--title", " "], ["--author", "a\nb"], ["--title", "Gap \u{202E}0002 ni"], ["--date", "\u{2067}x"]] {
        common::forcecast()
            .args(["report", "baseline", "--no-sensitivity", "--out", bad.to_str().unwrap()])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(args[0]))
            // clap quotes the value: escaped, never raw.
            .stderr(predicate::function(|e: &str| !e.contains(['\u{202E}', '\u{2067}']) && !e.contains("a\nb")));
        assert!(!bad.exists());
    }
}

/// The sentence on parameters that leave the gap unchanged gives the reason that holds
/// for all of them: with a target the force always meets (1 troop), no setting moves the
/// gap because there is none, and fertility's timing is not the reason for mortality,
/// service length or the take-up (before, the 13 parameters were listed with ": fertility
/// cannot act on the force before 2045"); in the base year, where fertility's timing is
/// one reason among others, it is said of fertility alone.
#[test]
fn the_no_effect_sentence_gives_a_reason_that_holds_for_every_parameter_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("one-troop.toml");
    std::fs::write(&file, "description = \"t\"\nextends = \"baseline\"\n[force]\ntarget_anchors = [[2025, 1]]\n")
        .unwrap();
    let sentence = |args: &[&str], out: &str| {
        let out = tmp.path().join(out);
        let stdout = common::forcecast().args(args).args(["--out", out.to_str().unwrap()]).assert().success();
        let text = String::from_utf8(stdout.get_output().stdout.clone()).unwrap();
        findings(&text).into_iter().find(|f| f.contains("not change the gap")).unwrap_or_default()
    };
    let met = sentence(&["report", file.to_str().unwrap()], "met");
    assert!(met.contains("Service length") || met.contains("service length"), "{met}");
    assert!(met.contains("the force meets the troop target in 2040 at both ends of their ranges"), "{met}");
    assert!(!met.contains("fertility cannot act"), "{met}");
    let base_year = sentence(&["report", "baseline", "--year", "2025"], "base-year");
    assert!(base_year.contains("mortality") && base_year.contains("(fertility cannot act on the force"), "{base_year}");
    assert!(!base_year.contains("2025: fertility cannot act"), "{base_year}");
}

/// A report of 1 or 2 trajectories says how few they are, in words that fit the number
/// ("1 trajectory", not "1 trajectories"), and that its 90% ranges and probabilities are
/// a handful of draws (before: "between 305,789 and 305,789 in 90% of them", "a
/// probability of 100%", with nothing to say they rest on one draw); 200 trajectories get
/// no such caveat.
#[test]
fn a_report_of_few_trajectories_says_its_ranges_are_a_handful_of_draws() {
    let tmp = tempfile::tempdir().unwrap();
    for (n, words) in
        [("1", "1 Monte Carlo trajectory of"), ("2", "2 Monte Carlo trajectories of"), ("200", "200 Monte")]
    {
        let out = tmp.path().join(format!("mc{n}"));
        let args = ["report", "baseline", "--no-sensitivity", "--trajectories", n, "--out"];
        let stdout = common::forcecast().args(args).arg(&out).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(stdout).unwrap();
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(!text.contains(" 1 trajectories") && !md.contains(" 1 trajectories"), "{n}: {md}");
        assert!(text.contains(&format!("Across {words}")), "{n}: {text}");
        let caveat = "these ranges and probabilities describe a handful of draws";
        assert_eq!(text.contains(caveat), n != "200", "{n}: {text}");
        assert_eq!(md.contains(caveat), n != "200", "{n}");
        let svg = std::fs::read_to_string(out.join("charts/baseline/fan_force.svg")).unwrap();
        assert!(!svg.contains(" 1 trajectories"), "{n}");
    }
}
