//! Fuzzing the scenario parser and validator with a seeded mutation generator.
//!
//! Each case mutates a shipped scenario file (byte edits, TOML-significant insertions,
//! extreme numbers, swapped keys, duplicated and dropped lines) and loads it the way
//! `forcecast check` does. The property: loading never panics, and a rejection names
//! the file. Inputs that ever broke it are kept in tests/fuzz-regressions/ and replayed
//! on every run.
//!
//! In the normal test run it makes 800 cases. For a long run (the documented fuzz
//! command, see README "Errors and guarantees"):
//! `FORCECAST_FUZZ_SECONDS=300 cargo test --release --test fuzz_scenarios -- --nocapture`
//! `FORCECAST_FUZZ_SEED` picks another sequence.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\"",
    "'",
    "\"\"\"",
    ",",
    ".",
    "#",
    "\n",
    "{",
    "}",
    "-",
    "+",
    "e",
    "nan",
    "inf",
    "-inf",
    "0",
    "1e308",
    "-1",
    "1.5",
    "2025",
    "99999999999999999999",
    "true",
    "[force]",
    "[force.cadre]",
    "[force.army]",
    "[force.ncos]",
    "[fertility]",
    "extends = \"baseline\"",
    "extends = \"../x\"",
    "tfr_anchors = []",
    "active_duty_rate",
    "service_months",
    "careerist_continuation",
    "intake_share",
    "fit_rate",
    "= [[2025, 1]]",
    "= [[2030, 1], [2028, 2]]",
    "\u{feff}",
    "\u{0}",
    "é",
    "\t",
    "\r\n",
];

const NUMBERS: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "-0.0",
    "0",
    "1e308",
    "-1e308",
    "1e-320",
    "9223372036854775807",
    "-1",
    "3.5",
    "[]",
    "\"x\"",
];

fn mutate(base: &str, rng: &mut ChaCha8Rng) -> String {
    let mut text = base.to_string();
    for _ in 0..rng.random_range(1..6) {
        let len = text.len();
        let pos = if len == 0 { 0 } else { rng.random_range(0..=len) };
        let pos = (0..=pos).rev().find(|p| text.is_char_boundary(*p)).unwrap_or(0);
        match rng.random_range(0..7) {
            0 => {
                // delete a span
                let end = (pos + rng.random_range(1..40)).min(len);
                let end = (end..=len).find(|p| text.is_char_boundary(*p)).unwrap_or(len);
                text.replace_range(pos..end, "");
            }
            1 | 2 => text.insert_str(pos, TOKENS[rng.random_range(0..TOKENS.len())]),
            3 => {
                // replace the value after an `=` with an extreme one
                let lines: Vec<&str> = text.lines().collect();
                if lines.is_empty() {
                    continue;
                }
                let i = rng.random_range(0..lines.len());
                let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                if let Some(eq) = out[i].find('=') {
                    out[i] = format!("{}= {}", &out[i][..eq], NUMBERS[rng.random_range(0..NUMBERS.len())]);
                }
                text = out.join("\n");
            }
            4 => {
                // duplicate or drop a line
                let mut lines: Vec<String> = text.lines().map(String::from).collect();
                if lines.is_empty() {
                    continue;
                }
                let i = rng.random_range(0..lines.len());
                if rng.random_bool(0.5) {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                } else {
                    lines.remove(i);
                }
                text = lines.join("\n");
            }
            5 => {
                // a random printable byte
                let c = char::from(rng.random_range(0x20u8..0x7f));
                text.insert(pos, c);
            }
            _ => {
                // swap two keys' names
                text = text.replacen("take_up", "take_upp", 1).replacen("[automation]", "[automaton]", 1);
            }
        }
    }
    text
}

/// Loads `text` as a scenario file: Ok(accepted) when the property holds.
fn check_one(text: &str, dir: &Path, scenarios: &Path) -> Result<bool, String> {
    let path = dir.join("fuzzed.toml");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let outcome = catch_unwind(AssertUnwindSafe(|| forcecast::scenario::load(&path, scenarios)));
    match outcome {
        Err(_) => Err("panicked".into()),
        Ok(Ok(_)) => Ok(true),
        Ok(Err(e)) => {
            let msg = e.to_string();
            if msg.contains(".toml") { Ok(false) } else { Err(format!("rejection does not name the file: {msg}")) }
        }
    }
}

#[test]
fn scenario_loader_never_panics_and_always_names_the_file() {
    let scenarios = common::scenarios();
    let tmp = tempfile::tempdir().unwrap();
    // Replay kept regressions first.
    let reg = common::root().join("tests/fuzz-regressions");
    for e in std::fs::read_dir(&reg).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).unwrap();
            if let Err(why) = check_one(&text, tmp.path(), &scenarios) {
                panic!("regression {} fails again: {why}", p.display());
            }
        }
    }
    let seeds: Vec<String> = std::fs::read_dir(&scenarios)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let seed: u64 = std::env::var("FORCECAST_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_251_128);
    let budget = std::env::var("FORCECAST_FUZZ_SECONDS").ok().and_then(|s| s.parse::<u64>().ok());
    let start = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut cases, mut accepted) = (0u64, 0u64);
    // A panic inside the loader is caught and reported; keep the default hook quiet.
    std::panic::set_hook(Box::new(|_| {}));
    loop {
        match budget {
            Some(s) if start.elapsed() >= Duration::from_secs(s) => break,
            None if cases >= 800 => break,
            _ => {}
        }
        let base = &seeds[rng.random_range(0..seeds.len())];
        let text = mutate(base, &mut rng);
        let outcome = check_one(&text, tmp.path(), &scenarios);
        if let Err(why) = outcome {
            let _ = std::panic::take_hook();
            let keep = reg.join(format!("case-{seed}-{cases}.toml"));
            std::fs::write(&keep, &text).unwrap();
            panic!("case {cases} (seed {seed}) failed: {why}; input kept in {}", keep.display());
        }
        accepted += u64::from(outcome == Ok(true));
        cases += 1;
    }
    let _ = std::panic::take_hook();
    eprintln!(
        "fuzz: {cases} cases in {:.1} s (seed {seed}), {accepted} accepted as valid",
        start.elapsed().as_secs_f64()
    );
}
