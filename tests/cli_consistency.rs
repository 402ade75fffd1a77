//! CLI consistency (issue 13, item 7): every command validates all scenario names before
//! writing anything; `-q` silences every command that does work; `--threads` does not
//! change outputs; help wraps to the terminal; shell completions name every subcommand.

mod common;

use std::path::Path;

fn bin_in(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("forcecast").unwrap();
    c.current_dir(dir).env_remove("FORCECAST_SCENARIOS");
    c
}

/// The subcommands `forcecast --help` lists.
fn subcommands() -> Vec<String> {
    let out = common::forcecast().arg("--help").env("COLUMNS", "200").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let start = text.find("Commands:\n").expect("a Commands section") + "Commands:\n".len();
    text[start..]
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues on a deeper-indented line.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn a_bad_later_name_leaves_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 6] = [
        &["run", "baseline", "no-such-scenario"],
        &["run", "baseline", "nosuch.toml"],
        &["compare", "baseline", "no-such-scenario"],
        &["report", "baseline", "no-such-scenario", "--no-sensitivity"],
        &["report", "baseline", "fertility-low", "bad/name"],
        &["sensitivity", "no-such-scenario"],
    ];
    for args in cases {
        // The default folder (./output/...) and an explicit --out.
        for out in [None, Some("explicit")] {
            let mut all: Vec<&str> = args.to_vec();
            if let Some(o) = out {
                all.extend(["--out", o]);
            }
            let got = bin_in(tmp.path()).args(&all).assert().code(2).get_output().clone();
            assert!(String::from_utf8_lossy(&got.stderr).contains("error:"), "{all:?}");
            let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert!(left.is_empty(), "{all:?} left {left:?}");
        }
    }
}

#[test]
fn backtest_force_checks_the_baseline_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("scenarios")).unwrap();
    std::fs::write(tmp.path().join("scenarios/baseline.toml"), "description = \"d\"\n[force]\ntake_up = 2\n").unwrap();
    let got = bin_in(tmp.path()).args(["backtest", "--force", "--no-charts"]).assert().code(2).get_output().clone();
    assert!(String::from_utf8_lossy(&got.stderr).contains("baseline.toml:3: force.take_up"), "{got:?}");
    assert!(got.stdout.is_empty());
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn quiet_commands_print_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 7] = [
        &["check", "baseline", "fertility-low", "-q"],
        &["run", "baseline", "--no-charts", "-q"],
        &["compare", "baseline", "fertility-low", "--no-charts", "-q"],
        &["sensitivity", "baseline", "--no-charts", "-q"],
        &["report", "baseline", "--no-sensitivity", "-q"],
        &["report", "baseline", "--no-sensitivity", "--trajectories", "20", "--out", "mc", "--quiet"],
        &["backtest", "--no-charts", "--quiet"],
    ];
    for args in cases {
        let got = bin_in(tmp.path()).args(args).assert().success().get_output().clone();
        assert!(got.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&got.stdout));
        assert!(got.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&got.stderr));
    }
    // Without -q the same commands report what they did.
    let got = bin_in(tmp.path()).args(["check", "baseline"]).assert().success().get_output().clone();
    assert!(String::from_utf8_lossy(&got.stdout).starts_with("ok: baseline"));
}

#[test]
fn threads_do_not_change_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["compare", "baseline", "fertility-low", "--no-charts"], "comparison.csv"),
        (&["sensitivity", "baseline", "--no-charts"], "sensitivity.csv"),
        (&["report", "baseline", "--no-sensitivity", "--trajectories", "30"], "monte_carlo/quantiles.csv"),
    ];
    for (args, file) in cases {
        let mut texts = Vec::new();
        for t in ["1", "2"] {
            let out = format!("{}-{t}", args[0]);
            bin_in(tmp.path()).args(args).args(["--quiet", "--threads", t, "--out", &out]).assert().success();
            texts.push(std::fs::read(tmp.path().join(&out).join(file)).unwrap());
        }
        assert!(texts[0] == texts[1], "{args:?}: {file} differs between 1 and 2 threads");
    }
    // Out of range is a usage error.
    bin_in(tmp.path()).args(["compare", "baseline", "fertility-low", "--threads", "0"]).assert().code(2);
}

#[test]
fn list_with_a_missing_scenarios_folder_is_an_input_error() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [["list", "--scenarios", "no-such-folder"], ["--scenarios", "no-such-folder", "list"]] {
        let got = bin_in(tmp.path()).args(args).assert().code(2).get_output().clone();
        assert!(String::from_utf8_lossy(&got.stderr).contains("no-such-folder"));
        assert!(got.stdout.is_empty());
    }
}

#[test]
fn help_wraps_to_the_terminal_width() {
    for width in [60, 100] {
        for cmd in ["run", "report", "backtest", "show"] {
            let out = common::forcecast()
                .args([cmd, "--help"])
                .env("COLUMNS", width.to_string())
                .assert()
                .success()
                .get_output()
                .stdout
                .clone();
            let text = String::from_utf8(out).unwrap();
            // Examples are preformatted; everything before them wraps.
            let body = text.split("Examples:").next().unwrap();
            let long: Vec<&str> = body.lines().filter(|l| l.chars().count() > width).collect();
            assert!(long.is_empty(), "{cmd} at {width}: {long:#?}");
        }
    }
}

#[test]
fn completions_cover_every_subcommand_in_every_shell() {
    let commands = subcommands();
    for c in ["run", "check", "list", "show", "compare", "sensitivity", "report", "plan", "backtest", "completions"] {
        assert!(commands.iter().any(|x| x == c), "{c} not in {commands:?}");
    }
    let bash = common::forcecast().args(["completions", "bash"]).assert().success().get_output().stdout.clone();
    let bash = String::from_utf8(bash).unwrap();
    assert!(bash.contains("complete -F _forcecast"), "{bash}");
    for c in &commands {
        assert!(bash.contains(&format!("forcecast,{c})")), "bash completion lacks {c}: no `forcecast,{c})` case");
    }
    // Options of a subcommand are completed too.
    assert!(bash.contains("--trajectories") && bash.contains("--diff"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = common::forcecast().args(["completions", shell]).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        assert!(commands.iter().all(|c| text.contains(c.as_str())), "{shell}");
    }
    common::forcecast().args(["completions", "tcsh"]).assert().code(2);
}
