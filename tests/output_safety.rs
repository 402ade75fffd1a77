//! Output folders belong to forcecast (issue 10, items 1, 6 and 7), through the binary and
//! for every command with `--out`: a folder holding anything forcecast did not write is
//! refused with exit 2 and left byte for byte; forcecast's own folder is replaced whole;
//! `kill -9` and SIGINT at the write phase leave the previous output intact and the next
//! run leaves no partial folder; concurrent runs into one folder all succeed with the
//! output of one run; two scenarios of one name are refused.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A command with `--out`, and two requests of it that write different folders.
struct Cmd {
    name: &'static str,
    a: &'static [&'static str],
    b: &'static [&'static str],
}

const COMMANDS: &[Cmd] = &[
    Cmd { name: "run", a: &["run", "baseline", "--no-charts", "-q"], b: &["run", "fertility-low", "-q"] },
    Cmd {
        name: "compare",
        a: &["compare", "baseline", "fertility-low", "--no-charts", "-q"],
        b: &["compare", "baseline", "target-450k", "--no-charts", "-q"],
    },
    Cmd {
        name: "report",
        a: &["report", "baseline", "--no-sensitivity", "-q"],
        b: &["report", "baseline", "fertility-low", "--no-sensitivity", "-q"],
    },
    Cmd {
        name: "sensitivity",
        a: &["sensitivity", "baseline", "--no-charts", "-q"],
        b: &["sensitivity", "fertility-low", "--no-charts", "-q"],
    },
    Cmd { name: "backtest", a: &["backtest", "--no-charts"], b: &["backtest", "--no-charts", "--from", "1990"] },
];

/// The binary with the shipped scenarios, run from `cwd`.
fn forcecast(cwd: &Path, args: &[&str], out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_forcecast"));
    c.current_dir(cwd).arg("--scenarios").arg(common::scenarios()).args(args).arg("--out").arg(out);
    c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn run(cwd: &Path, args: &[&str], out: &Path) -> Output {
    forcecast(cwd, args, out).output().unwrap()
}

fn ok(cwd: &Path, args: &[&str], out: &Path) {
    let o = run(cwd, args, out);
    assert!(o.status.success(), "{args:?} --out {}: {}", out.display(), String::from_utf8_lossy(&o.stderr));
}

/// Every file under `dir` (path → bytes), folders as `path/` with no bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, rel: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(root.join(rel)).unwrap() {
            let e = e.unwrap();
            let path = rel.join(e.file_name());
            let key = path.to_string_lossy().into_owned();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                out.insert(format!("{key}/"), Vec::new());
                walk(root, &path, out);
            } else if t.is_symlink() {
                out.insert(
                    format!("{key} ->"),
                    std::fs::read_link(e.path()).unwrap().into_os_string().into_encoded_bytes(),
                );
            } else {
                out.insert(key, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, Path::new(""), &mut out);
    out
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// The partial folders of `out` whose marker says they are complete (the write phase is
/// over and the run is about to swap).
fn complete_partials(out: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}.partial-", out.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix))
        .filter(|p| std::fs::read_to_string(p.join(".forcecast-output")).is_ok_and(|t| t.contains("state: complete")))
        .collect()
}

/// Waits until `ready` holds, or fails the test after 60 s (or when the child ends).
fn wait_until(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("the run ended ({status}) before {what}: {err}");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &Child, sig: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
}

#[test]
fn every_command_refuses_a_folder_holding_a_foreign_file_and_keeps_it() {
    for cmd in COMMANDS {
        let tmp = tempfile::tempdir().unwrap();
        let docs = tmp.path().join("mydocs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("thesis.docx"), b"precious\x00\xff bytes").unwrap();
        let before = snapshot(tmp.path());
        let o = run(tmp.path(), cmd.a, &docs);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", cmd.name);
        assert!(err.contains("cannot write output to") && err.contains("mydocs"), "{}: {err}", cmd.name);
        assert!(err.contains("thesis.docx") && err.contains("--out "), "{}: {err}", cmd.name);
        assert_eq!(snapshot(tmp.path()), before, "{}: something was written or removed", cmd.name);

        // forcecast's own folder with a file added later: refused too, the file kept.
        let out = tmp.path().join("out");
        ok(tmp.path(), cmd.a, &out);
        std::fs::write(out.join("notes.txt"), b"mine").unwrap();
        let before = snapshot(tmp.path());
        let o = run(tmp.path(), cmd.b, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", cmd.name);
        assert!(err.contains("notes.txt"), "{}: {err}", cmd.name);
        assert_eq!(snapshot(tmp.path()), before, "{}: something was written or removed", cmd.name);
    }
}

#[test]
fn every_command_refuses_the_scenarios_folder_and_deletes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("scenarios");
    let copy = Command::new("cp").arg("-r").arg(common::scenarios()).arg(tmp.path()).status().unwrap();
    assert!(copy.success());
    let before = snapshot(tmp.path());
    for cmd in COMMANDS {
        for out in [scen.clone(), scen.join("data"), scen.join("data/korea")] {
            let o = Command::new(env!("CARGO_BIN_EXE_forcecast"))
                .current_dir(tmp.path())
                .arg("--scenarios")
                .arg(&scen)
                .args(cmd.a)
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{} --out {}: {err}", cmd.name, out.display());
            assert!(err.contains("forcecast did not write"), "{}: {err}", cmd.name);
        }
        // The current folder, under any name.
        for out in [".", "../scenarios", "./"] {
            let o = run(&scen, cmd.a, Path::new(out));
            assert_eq!(o.status.code(), Some(2), "{} --out {out}: {}", cmd.name, String::from_utf8_lossy(&o.stderr));
        }
    }
    assert_eq!(snapshot(tmp.path()), before, "the scenarios folder changed");
}

#[test]
fn every_command_replaces_its_own_folder_with_exactly_a_fresh_output() {
    for cmd in COMMANDS {
        let tmp = tempfile::tempdir().unwrap();
        let (out, fresh_a, fresh_b) = (tmp.path().join("out"), tmp.path().join("a"), tmp.path().join("b"));
        ok(tmp.path(), cmd.a, &fresh_a);
        ok(tmp.path(), cmd.b, &fresh_b);
        assert!(snapshot(&fresh_a).contains_key(".forcecast-output"), "{}: no marker", cmd.name);
        assert_ne!(snapshot(&fresh_a), snapshot(&fresh_b), "{}: the two requests must differ", cmd.name);
        // An empty folder is taken; then the output is replaced back and forth.
        std::fs::create_dir(&out).unwrap();
        for (args, fresh) in [(cmd.a, &fresh_a), (cmd.b, &fresh_b), (cmd.a, &fresh_a)] {
            ok(tmp.path(), args, &out);
            assert_eq!(snapshot(&out), snapshot(fresh), "{}: the replaced folder differs from a fresh one", cmd.name);
            assert_eq!(names(tmp.path()), ["a", "b", "out"], "{}: leftovers", cmd.name);
        }
    }
}

/// A folder written by `cmd.a`, its snapshot, and `cmd.b` running into it, held with
/// its partial folder complete just before the swap.
struct Paused {
    tmp: tempfile::TempDir,
    out: PathBuf,
    previous: BTreeMap<String, Vec<u8>>,
    child: Child,
}

fn paused_before_commit(cmd: &Cmd) -> Paused {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(tmp.path(), cmd.a, &out);
    let previous = snapshot(&out);
    let mut child =
        forcecast(tmp.path(), cmd.b, &out).env("FORCECAST_PAUSE_BEFORE_COMMIT_MS", "60000").spawn().unwrap();
    wait_until(&mut child, "the partial folder is complete", || !complete_partials(&out).is_empty());
    Paused { tmp, out, previous, child }
}

#[test]
fn kill_9_in_the_write_phase_keeps_the_previous_output_and_the_next_run_cleans_up() {
    for cmd in COMMANDS {
        let Paused { tmp, out, previous, mut child } = paused_before_commit(cmd);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(snapshot(&out), previous, "{}: previous output changed", cmd.name);
        assert_eq!(complete_partials(&out).len(), 1, "{}: the killed run's partial folder", cmd.name);
        ok(tmp.path(), cmd.a, &out);
        assert_eq!(names(tmp.path()), ["out"], "{}: a partial folder was left", cmd.name);
        assert_eq!(snapshot(&out), previous, "{}", cmd.name);
    }
}

#[test]
fn kill_9_right_after_the_swap_leaves_the_new_output_and_the_next_run_cleans_up() {
    let cmd = &COMMANDS[0];
    let tmp = tempfile::tempdir().unwrap();
    let (out, fresh_b) = (tmp.path().join("out"), tmp.path().join("b"));
    ok(tmp.path(), cmd.b, &fresh_b);
    ok(tmp.path(), cmd.a, &out);
    let previous = snapshot(&out);
    let mut child = forcecast(tmp.path(), cmd.b, &out).env("FORCECAST_PAUSE_AFTER_SWAP_MS", "60000").spawn().unwrap();
    let marker = out.join(".forcecast-output");
    wait_until(&mut child, "the swap", || std::fs::read_to_string(&marker).is_ok_and(|t| t.contains("fertility-low")));
    child.kill().unwrap();
    child.wait().unwrap();
    // The destination holds the new output, whole; the previous one waits beside it.
    assert_eq!(snapshot(&out), snapshot(&fresh_b));
    assert_eq!(names(tmp.path()).len(), 3, "{:?}", names(tmp.path()));
    ok(tmp.path(), cmd.a, &out);
    assert_eq!(names(tmp.path()), ["b", "out"], "a partial folder was left");
    assert_eq!(snapshot(&out), previous);
}

#[test]
fn sigint_or_sigterm_in_the_write_phase_removes_the_partial_folder_and_exits_130() {
    use nix::sys::signal::Signal;
    let cases = COMMANDS.iter().map(|c| (c, Signal::SIGINT)).chain([(&COMMANDS[0], Signal::SIGTERM)]);
    for (cmd, sig) in cases {
        let Paused { tmp, out, previous, child } = paused_before_commit(cmd);
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(130), "{} {sig}: {err}", cmd.name);
        assert!(err.contains("removed the unfinished output") && err.contains("interrupted"), "{err}");
        assert_eq!(names(tmp.path()), ["out"], "{} {sig}: a partial folder was left", cmd.name);
        assert_eq!(snapshot(&out), previous, "{} {sig}: previous output changed", cmd.name);
    }
}

#[test]
fn four_concurrent_runs_into_one_folder_all_succeed_with_the_output_of_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, single) = (tmp.path().join("out"), tmp.path().join("single"));
    let args = &["run", "baseline", "--no-charts", "-q"];
    ok(tmp.path(), args, &single);
    let expected = snapshot(&single);
    // The race this guards against failed about one round in 14; 30 rounds miss it with
    // probability (13/14)^30 ≈ 11% per test run, and the swap below is made to collide.
    for round in 0..30 {
        let children: Vec<Child> = (0..4)
            .map(|i| {
                let mut c = forcecast(tmp.path(), args, &out);
                // Half the rounds start the swaps together (the runs wait the same time).
                if round % 2 == 1 {
                    c.env("FORCECAST_PAUSE_BEFORE_COMMIT_MS", (20 + i).to_string());
                }
                c.spawn().unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "round {round}: {}", String::from_utf8_lossy(&o.stderr));
        }
        assert_eq!(names(tmp.path()), ["out", "single"], "round {round}: leftovers");
        assert_eq!(snapshot(&out), expected, "round {round}: output differs from a single run's");
    }
}

#[test]
fn two_scenarios_of_one_name_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    for d in ["a", "b"] {
        std::fs::create_dir(tmp.path().join(d)).unwrap();
        std::fs::copy(common::scenarios().join("baseline.toml"), tmp.path().join(d).join("same.toml")).unwrap();
    }
    let out = tmp.path().join("x");
    let cases = [
        (
            &["run", "a/same.toml", "b/same.toml", "--no-charts"][..],
            "a/same.toml and b/same.toml are both named `same`",
        ),
        (&["run", "a/same.toml", "baseline", "a/same.toml"], "a/same.toml is given twice"),
    ];
    for (args, says) in cases {
        let o = run(tmp.path(), args, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let o = run(tmp.path(), &["compare", "a/same.toml", "b/same.toml"], &out);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(names(tmp.path()), ["a", "b"], "something was written");
}

/// A scenario that fails in its projection (a valid file whose emigration would empty
/// cohorts) stops a run of several before any of them is written, whichever comes first.
#[test]
fn a_scenario_failing_in_its_projection_leaves_no_output_of_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = "description = \"x\"\nextends = \"baseline\"\n[migration]\nnet_anchors = [[2025, -1000000]]\n";
    std::fs::write(tmp.path().join("bad.toml"), bad).unwrap();
    let out = tmp.path().join("x");
    for args in [&["run", "baseline", "bad.toml", "--no-charts"][..], &["run", "bad.toml", "baseline", "--no-charts"]] {
        let o = run(tmp.path(), args, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("bad.toml") && err.contains("net_anchors"), "{args:?}: {err}");
        // Which of the several failed is said first (the exit code stays the error's own).
        assert!(err.contains("error: scenario `bad`: "), "{args:?}: {err}");
        assert_eq!(names(tmp.path()), ["bad.toml"], "{args:?}: something was written");
    }
    // The same for a number stopped by the output guard (exit 1).
    let costly = "description = \"x\"\nextends = \"baseline\"\n[force]\ntarget_anchors = [[2025, 10000000]]\n\
                  [automation]\nunit_cost = 1e13\nannual_cost_share = 1.0\nsoldiers_replaced_per_system = 0.01\n\
                  fielding_capacity_anchors = [[2026, 10000000]]\n";
    std::fs::write(tmp.path().join("costly.toml"), costly).unwrap();
    let o = run(tmp.path(), &["run", "baseline", "costly.toml", "--no-charts"], &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error: scenario `costly`: numeric guard: automation_cost in 2026"), "{err}");
    std::fs::remove_file(tmp.path().join("costly.toml")).unwrap();
    assert_eq!(names(tmp.path()), ["bad.toml"], "something was written");
    // A write that fails leaves no folder the run created for several scenarios.
    let o = forcecast(tmp.path(), &["run", "baseline", "fertility-low", "--no-charts"], &out)
        .env("FORCECAST_FAIL_MIDWAY", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(names(tmp.path()), ["bad.toml"], "the empty --out folder was left");
}

#[test]
fn links_files_and_folders_inside_an_output_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("keep.txt"), "keep").unwrap();
    let args = COMMANDS[0].a;
    // A link to a folder (even an empty one), and a file.
    std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("empty"), tmp.path().join("link-empty")).unwrap();
    std::fs::write(tmp.path().join("file"), "keep").unwrap();
    let before = snapshot(tmp.path());
    for (out, why) in [("link", "symbolic link"), ("link-empty", "symbolic link"), ("file", "is a file")] {
        let o = run(tmp.path(), args, &tmp.path().join(out));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{out}: {err}");
        assert!(err.contains(why), "{out}: {err}");
    }
    // Inside forcecast's own output folder (which its next run replaces whole).
    let out = tmp.path().join("out");
    ok(tmp.path(), args, &out);
    let o = run(tmp.path(), args, &out.join("nested"));
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_dir_all(&out).unwrap();
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn the_default_output_folder_works_from_a_clean_clone_and_keeps_gitkeep() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("output")).unwrap();
    std::fs::write(tmp.path().join("output/.gitkeep"), "").unwrap();
    let bin = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_forcecast"));
        c.current_dir(tmp.path()).arg("--scenarios").arg(common::scenarios());
        c
    };
    for _ in 0..2 {
        let o = bin().args(["run", "baseline", "--no-charts", "-q"]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(names(&tmp.path().join("output")), [".gitkeep", "baseline"]);
    }
    let o = bin().args(["run", "baseline", "--no-charts", "--out", "output"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(".gitkeep"), "{err}");
    assert!(tmp.path().join("output/.gitkeep").is_file());
}

#[test]
fn a_failed_write_keeps_the_previous_output_for_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(tmp.path(), COMMANDS[0].a, &out);
    let previous = snapshot(&out);
    let o = forcecast(tmp.path(), COMMANDS[0].b, &out).env("FORCECAST_FAIL_MIDWAY", "1").output().unwrap();
    // A failed write is a failed run (exit 1), not invalid input.
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(names(tmp.path()), ["out"]);
    assert_eq!(snapshot(&out), previous);
}

/// A marker edited to name files outside its folder (`../`, an absolute path) is not
/// forcecast's: the folder is refused as foreign (exit 2) and the named files survive.
#[test]
fn a_marker_naming_files_outside_its_folder_deletes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let args = COMMANDS[0].a;
    let out = tmp.path().join("out");
    ok(tmp.path(), args, &out);
    let victim = tmp.path().join("thesis.docx");
    std::fs::write(&victim, "precious").unwrap();
    let marker = out.join(".forcecast-output");
    let good = std::fs::read_to_string(&marker).unwrap();
    for extra in ["../thesis.docx".to_string(), victim.display().to_string(), "charts/../../thesis.docx".into()] {
        std::fs::write(&marker, format!("{good}{extra}\n")).unwrap();
        let before = snapshot(tmp.path());
        let o = run(tmp.path(), args, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra}: {err}");
        assert!(err.contains("did not write"), "{extra}: {err}");
        assert_eq!(snapshot(tmp.path()), before, "{extra}: nothing may change");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

/// A place the system does not let anyone create a folder in (/proc/self here, like /sys
/// or a read-only mount) is refused by every command before it works (exit 2, the place
/// named and a folder suggested), not reported as an I/O failure after the projection or
/// the plan search (was exit 1, `/proc/self/.x.partial-<pid>: No such file or directory`).
#[cfg(target_os = "linux")]
#[test]
fn every_command_refuses_a_place_the_system_will_not_write_before_it_works() {
    let tmp = tempfile::tempdir().unwrap();
    let plan: &[&str] = &["plan", "baseline", "-q"];
    for place in ["/proc/self/forcecast-out", "/proc/forcecast-test-out/deeper/x"] {
        for args in COMMANDS.iter().map(|c| c.a).chain([plan]) {
            let start = Instant::now();
            let o = run(tmp.path(), args, Path::new(place));
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?} --out {place}: {err}");
            assert!(
                err.contains(&format!("cannot write output to {place}")) && err.contains("--out output/"),
                "{args:?}: {err}"
            );
            assert!(!err.contains("partial"), "{args:?}: {err}");
            // The plan search alone takes seconds: refused before it.
            assert!(start.elapsed() < Duration::from_secs(5), "{args:?} took {:?}", start.elapsed());
        }
    }
    assert!(names(tmp.path()).is_empty(), "nothing is written where the command ran");
}

/// A folder holding the outputs of a run of several scenarios (one folder each) is
/// refused as the output of one scenario, in words that say what it holds (it was
/// "files that forcecast did not write"), suggesting a folder beside them; nothing in it
/// changes, and the suggestion works.
#[test]
fn a_folder_of_several_outputs_is_refused_for_what_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("several");
    common::forcecast()
        .args(["run", "baseline", "fertility-low", "--no-charts", "-q", "--out", dir.to_str().unwrap()])
        .assert()
        .success();
    let before = std::fs::read(dir.join("baseline/summary.csv")).unwrap();
    let out = common::forcecast()
        .args(["run", "fertility-high", "--no-charts", "-q", "--out", dir.to_str().unwrap()])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("it holds earlier forcecast outputs in folders of their own (baseline/, fertility-low/)"),
        "{err}"
    );
    let beside = dir.join("fertility-high");
    assert!(err.contains(&format!("--out {}", beside.display())), "{err}");
    assert_eq!(std::fs::read(dir.join("baseline/summary.csv")).unwrap(), before);
    common::forcecast()
        .args(["run", "fertility-high", "--no-charts", "-q", "--out", beside.to_str().unwrap()])
        .assert()
        .success();
}
