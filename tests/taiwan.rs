//! Issue 15 (demographic half): Taiwan's data as a second country, a base dated any day
//! carried to the next 1 July, and Korea's outputs unchanged by that step.

mod common;

use sha2::{Digest, Sha256};

/// Every shipped Korean scenario writes the same summary.csv as the binary built from
/// main before the base-date step (tests/golden/korea_summary_sha256.txt).
#[test]
fn korean_summaries_are_byte_identical_to_main() {
    let golden = std::fs::read_to_string(common::root().join("tests/golden/korea_summary_sha256.txt")).unwrap();
    let expected: Vec<(&str, &str)> = golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once(' ').expect("name and checksum"))
        .collect();
    assert_eq!(expected.len(), 12, "one checksum per shipped Korean scenario");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = common::forcecast();
    cmd.args(["run", "--no-charts", "-q", "--out"]).arg(&out);
    for (name, _) in &expected {
        cmd.arg(name);
    }
    cmd.assert().success();
    for (name, sum) in expected {
        let bytes = std::fs::read(out.join(name).join("summary.csv")).unwrap();
        let got: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, sum, "{name}: summary.csv differs from main's");
    }
}
