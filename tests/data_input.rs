//! Invalid input through the binary: `check` and `run` reject the same data folder or
//! scenario file with the same message and exit code 2; problems and work are bounded
//! on pathological files; user text never reaches the terminal raw; `--threads` is
//! capped without changing the outputs.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MIG_AGE: &str = "wpp2024_net_migration_single_age_sex_2023_2100.csv";
const TFR: &str = "wpp2024_tfr_1950_2100.csv";
const MX: &str = "wpp2024_mx_5yr_age_sex_periods_1950_2100.csv";
const E0: &str = "wpp2024_life_expectancy_e0_1950_2100.csv";
const SRB: &str = "wpp2024_sex_ratio_at_birth_1950_2100.csv";
const PASFR: &str = "wpp2024_percent_asfr_5yr_annual_1950_2100.csv";
const MIG_TOTAL: &str = "wpp2024_net_migration_total_1950_2100.csv";
const BASE_LINE: &str = "base_population = \"pop_single_age_sex_resident_registration_2025_06.csv\"";

/// A copy of the shipped scenarios and Korea's data in a temporary folder.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().canonicalize().unwrap().join("scenarios");
    let data = scen.join("data/korea");
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(common::scenarios()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, scen.join(p.file_name().unwrap())).unwrap();
        }
    }
    for e in std::fs::read_dir(common::scenarios().join("data/korea")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
    }
    (tmp, scen)
}

/// Removes the lines of a data table for which `drop` is true (the header is kept).
fn drop_rows(scen: &Path, file: &str, drop: impl Fn(&str) -> bool) {
    let path = scen.join("data/korea").join(file);
    let body = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = body.lines().enumerate().filter(|(i, l)| *i == 0 || !drop(l)).map(|x| x.1).collect();
    assert!(kept.len() < body.lines().count(), "{file}: nothing dropped");
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
}

/// Replaces the first occurrence of `find` in a data file.
fn edit(scen: &Path, file: &str, find: &str, replace: &str) {
    let path = scen.join("data/korea").join(file);
    let body = std::fs::read_to_string(&path).unwrap();
    assert!(body.contains(find), "{file}: `{find}` not found");
    std::fs::write(&path, body.replacen(find, replace, 1)).unwrap();
}

/// Year and series of a table row `year,series,...`.
fn year_series(line: &str) -> (i32, &str) {
    let mut c = line.split(',');
    (c.next().and_then(|y| y.parse().ok()).unwrap_or(0), c.next().unwrap_or(""))
}

/// Runs `check NAME` and `run NAME`: both must exit 2 with the same problem, which
/// must contain every `needle`; `run` must write no output folder.
fn check_and_run_agree(scen: &Path, name: &str, needles: &[&str]) {
    let out_dir = scen.parent().unwrap().join("out");
    let check = common::forcecast().arg("--scenarios").arg(scen).args(["check", name]).output().unwrap();
    let run = common::forcecast()
        .arg("--scenarios")
        .arg(scen)
        .args(["run", name, "--no-charts", "--quiet", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    let (ce, re) = (String::from_utf8_lossy(&check.stderr), String::from_utf8_lossy(&run.stderr));
    assert_eq!(check.status.code(), Some(2), "check of {name}: {ce}");
    assert_eq!(run.status.code(), Some(2), "run of {name}: {re}");
    let problem = ce.lines().next().unwrap_or_default();
    assert_eq!(re.trim_end(), format!("error: {problem}"), "check and run disagree about {name}");
    for n in needles {
        assert!(problem.contains(n), "`{n}` not in: {problem}");
    }
    assert!(!out_dir.exists(), "run of {name} wrote {}", out_dir.display());
}

#[test]
fn a_table_missing_a_year_fails_check_and_run_alike() {
    type Setup = fn(&Path);
    let cases: [(&str, Setup, &[&str]); 9] = [
        ("migration 2050", |s| drop_rows(s, MIG_AGE, |l| l.starts_with("2050,")), &[MIG_AGE, "2050"]),
        (
            "TFR medium stops in 2060",
            |s| drop_rows(s, TFR, |l| matches!(year_series(l), (y, "medium") if y > 2060)),
            &[TFR, "medium", "2061"],
        ),
        ("mx period 2050-2055", |s| drop_rows(s, MX, |l| l.starts_with("2050-2055,")), &[MX, "2050-2055"]),
        (
            "mx female group",
            |s| {
                let row = "2050-2055,2053,medium_projection,20-24,20,0.0001046,6.346e-05,";
                edit(s, MX, row, "2050-2055,2053,medium_projection,20-24,20,0.0001046,,");
            },
            &[MX, "mx_female"],
        ),
        (
            "mx periods stop in 2060",
            |s| drop_rows(s, MX, |l| l[..4].parse::<i32>().is_ok_and(|y| y >= 2060)),
            &[MX, "2061"],
        ),
        ("e0 medium 2070", |s| drop_rows(s, E0, |l| year_series(l) == (2070, "medium")), &[E0, "medium", "2070"]),
        ("srb 2070", |s| drop_rows(s, SRB, |l| l.starts_with("2070,")), &[SRB, "2070"]),
        ("srb stops in 2080", |s| drop_rows(s, SRB, |l| year_series(l).0 > 2080), &[SRB, "2081"]),
        ("pasfr 2070", |s| drop_rows(s, PASFR, |l| l.starts_with("2070,")), &[PASFR, "2070"]),
    ];
    for (what, setup, needles) in cases {
        let (_tmp, scen) = workspace();
        setup(&scen);
        eprintln!("case: {what}");
        check_and_run_agree(&scen, "baseline", needles);
    }
    // Read by the Monte Carlo calibration of WPP's migration series (the all-resident
    // scenario; the baseline's citizen migration is fitted to the nationals' series):
    // `run` checks it even without trajectories.
    let (_tmp, scen) = workspace();
    drop_rows(&scen, MIG_TOTAL, |l| matches!(year_series(l), (y, "pi80_upper") if y > 2090));
    check_and_run_agree(&scen, "wpp2024-medium", &[MIG_TOTAL, "pi80_upper", "2091"]);
}

#[test]
fn base_population_must_be_a_file_in_the_country_folder() {
    for name in ["../../../elsewhere.csv", "/etc/passwd", "sub/table.csv", ".."] {
        let (_tmp, scen) = workspace();
        edit(&scen, "country.toml", BASE_LINE, &format!("base_population = \"{name}\""));
        check_and_run_agree(&scen, "baseline", &["country.toml:4: base_population:", name, "not a plain file name"]);
    }
    #[cfg(unix)]
    {
        // A link inside the folder that leads out of it is refused too.
        let (tmp, scen) = workspace();
        let outside = tmp.path().join("outside.csv");
        std::fs::copy(
            common::scenarios().join("data/korea/pop_single_age_sex_resident_registration_2025_06.csv"),
            &outside,
        )
        .unwrap();
        std::os::unix::fs::symlink(&outside, scen.join("data/korea/link.csv")).unwrap();
        edit(&scen, "country.toml", BASE_LINE, "base_population = \"link.csv\"");
        check_and_run_agree(&scen, "baseline", &["country.toml:4: base_population:", "outside the country folder"]);
    }
}

#[test]
fn invalid_scenario_files_exit_2_in_check_and_run() {
    let (_tmp, scen) = workspace();
    std::fs::write(scen.join("latin1.toml"), b"description = \"caf\xe9\"\nextends = \"baseline\"\n").unwrap();
    check_and_run_agree(&scen, "latin1", &["latin1.toml:1:", "not UTF-8"]);
    std::fs::write(scen.join("nowhere.toml"), "description = \"x\"\nextends = \"baseline\"\ncountry = \"atlantis\"\n")
        .unwrap();
    check_and_run_agree(&scen, "nowhere", &["data/atlantis", "country data folder not found"]);
    std::fs::write(scen.join("huge.toml"), "description = \"x\"\nbase_year = 99999999999999999999\n").unwrap();
    check_and_run_agree(&scen, "huge", &["huge.toml:2: base_year:", "out of range"]);
}

/// A scenario extending the baseline with `body`, written as `<dir>/<name>.toml`.
fn scenario(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, format!("description = \"x\"\nextends = \"baseline\"\n{body}")).unwrap();
    path
}

fn check(path: &Path) -> (Option<i32>, Vec<u8>, Duration) {
    let start = Instant::now();
    let out = common::forcecast().arg("check").arg(path).output().unwrap();
    (out.status.code(), out.stderr, start.elapsed())
}

#[test]
fn pathological_files_are_rejected_quickly_with_few_lines() {
    let tmp = tempfile::tempdir().unwrap();
    // 5,000 anchor pairs, every one invalid: one message for the array.
    let pairs: Vec<String> = (0..5000).map(|i| format!("[{}, -1e99]", 1000 + i)).collect();
    let long = scenario(tmp.path(), "long", &format!("[migration]\nnet_anchors = [{}]\n", pairs.join(", ")));
    let (code, err, took) = check(&long);
    let text = String::from_utf8_lossy(&err);
    assert_eq!(code, Some(2), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("migration.net_anchors: holds 5000 [year, value] pairs; at most 76 fit"), "{text}");
    assert!(took < Duration::from_secs(20), "took {took:?}");

    // 5,000 unknown keys: the first 50 by line, then a count.
    let keys: String = (0..5000).map(|i| format!("unknown_{i} = 1\n")).collect();
    let many = scenario(tmp.path(), "many", &keys);
    let (code, err, took) = check(&many);
    let text = String::from_utf8_lossy(&err);
    assert_eq!(code, Some(2));
    assert!(err.len() < 16 * 1024, "{} bytes of errors", err.len());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 52, "{text}");
    assert!(lines[0].contains("many.toml:3: unknown_0: unknown key"), "{}", lines[0]);
    assert!(lines[50].ends_with("many.toml: … and 4950 more problems in this file"), "{}", lines[50]);
    assert!(took < Duration::from_secs(20), "took {took:?}");

    // A file over 1 MiB is not read at all.
    let big = scenario(tmp.path(), "big", &"# padding padding padding padding padding padding\n".repeat(25_000));
    let (code, err, _) = check(&big);
    let text = String::from_utf8_lossy(&err);
    assert_eq!(code, Some(2));
    assert!(text.contains("big.toml: the file is larger than 1048576 bytes (1 MiB)"), "{text}");
}

/// Bytes that must never reach a terminal raw: C0 controls other than the newline
/// ending each line, DEL, and U+202E (right-to-left override, E2 80 AE in UTF-8).
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for (i, &b) in bytes.iter().enumerate() {
        assert!((b >= 0x20 && b != 0x7f) || b == b'\n', "{what}: raw byte {b:#04x} at {i} in:\n{text}");
    }
    assert!(!text.contains('\u{202e}') && !text.contains('\u{9b}'), "{what}: raw override in:\n{text}");
}

#[test]
fn control_characters_in_user_text_are_escaped() {
    let (tmp, scen) = workspace();
    let body =
        "\"\\u001b[2J\\u202eexe.txt\" = 1\n[fertility]\ntfr_series = \"wpp-\\u0000\\u001b]0;pwned\\u0007\\r\\t\"\n";
    // The file name itself carries an escape sequence and a right-to-left override.
    let path = scenario(tmp.path(), "evil\u{1b}[31m\u{202e}", body);
    let (code, err, _) = check(&path);
    assert_eq!(code, Some(2));
    assert_terminal_safe(&err, "check");
    let text = String::from_utf8_lossy(&err);
    assert!(text.contains("evil\\u{1b}[31m\\u{202e}.toml:3: \\u{1b}[2J\\u{202e}exe.txt: unknown key"), "{text}");
    assert!(text.contains("unknown series `wpp-\\u{0}\\u{1b}]0;pwned\\u{7}\\r\\t`"), "{text}");
    let run = common::forcecast().arg("run").arg(&path).arg("--out").arg(tmp.path().join("o")).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert_terminal_safe(&run.stderr, "run");

    // A data file name quoted from country.toml.
    edit(&scen, "country.toml", BASE_LINE, "base_population = \"\\u001b[2J\\u202e.csv\"");
    let out = common::forcecast().arg("--scenarios").arg(&scen).args(["check", "baseline"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_terminal_safe(&out.stderr, "check with a data file name");
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{1b}[2J\\u{202e}.csv"));

    // A command-line argument quoted back.
    let out = common::forcecast().args(["check", "no\u{1b}[2Jsuch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_terminal_safe(&out.stderr, "scenario argument");
}

#[test]
fn threads_above_the_cap_warn_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |dir: &Path, threads: &str| {
        common::forcecast()
            .args(["run", "baseline", "--no-charts", "--quiet", "--trajectories", "20", "--seed", "3", "--threads"])
            .arg(threads)
            .arg("--out")
            .arg(dir)
            .output()
            .unwrap()
    };
    let (many, two) = (tmp.path().join("many"), tmp.path().join("two"));
    let a = run(&many, "1024");
    let b = run(&two, "2");
    assert!(a.status.success() && b.status.success());
    let warning = String::from_utf8_lossy(&a.stderr);
    assert!(warning.starts_with("warning: --threads 1024 is more than 4 per available core"), "{warning}");
    assert!(b.stderr.is_empty(), "{}", String::from_utf8_lossy(&b.stderr));
    let mut names: Vec<_> = std::fs::read_dir(&two).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for n in names {
        let (x, y) = (std::fs::read(many.join(&n)), std::fs::read(two.join(&n)));
        assert!(x.is_ok() && x.ok() == y.ok(), "{n:?} differs between --threads 1024 and 2");
    }
}

/// A data table that is not a regular file — a link to `/dev/zero` (endless), a FIFO
/// (whose open blocks until a writer comes) — is refused at once by check and run alike,
/// instead of reading without end or hanging.
#[cfg(unix)]
#[test]
fn a_data_table_that_is_not_a_regular_file_is_refused_at_once() {
    let table = "wpp2024_tfr_1950_2100.csv";
    for kind in ["dev-zero", "fifo"] {
        let (_tmp, scen) = workspace();
        let path = scen.join("data/korea").join(table);
        std::fs::remove_file(&path).unwrap();
        match kind {
            "dev-zero" => std::os::unix::fs::symlink("/dev/zero", &path).unwrap(),
            _ => nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU).unwrap(),
        }
        let start = std::time::Instant::now();
        check_and_run_agree(&scen, "baseline", &[table, "not a regular file"]);
        assert!(start.elapsed() < Duration::from_secs(20), "{kind}: {:?}", start.elapsed());
    }
}

/// The force inputs: a figure given twice (same key, branch, year and measure) is refused
/// where the second stands, instead of one reader taking the first and the calibration
/// scoring both; a required series that is missing names the file by its full path.
#[test]
fn force_inputs_refuse_duplicates_and_name_missing_series() {
    let (_tmp, scen) = workspace();
    edit(
        &scen,
        "force_inputs.csv",
        "officers,army,2019,",
        "officers,all,2019,99999,persons,average operating,dup\nofficers,army,2019,",
    );
    check_and_run_agree(
        &scen,
        "baseline",
        &["force_inputs.csv:3: key: `officers` for `all` in 2019 (average operating) is already given on line 2"],
    );
    let (_tmp, scen) = workspace();
    drop_rows(&scen, "force_inputs.csv", |l| l.starts_with("officers,all,"));
    let full = scen.join("data/korea/force_inputs.csv");
    let needle = format!("{}: officers: the force model needs at least one `officers` row", full.display());
    check_and_run_agree(&scen, "baseline", &[needle.as_str()]);
}

/// A key written twice in country.toml is named with its line, as in defaults.toml (it
/// was `country.toml:5: duplicate key`, no key).
#[test]
fn a_duplicate_key_of_country_toml_is_named() {
    let (_tmp, scen) = workspace();
    edit(&scen, "country.toml", BASE_LINE, &format!("{BASE_LINE}\n{BASE_LINE}"));
    check_and_run_agree(&scen, "baseline", &["country.toml:5: base_population: duplicate key"]);
}
