//! The `forcecast` command line: parses arguments, calls the library, maps errors to
//! exit codes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use forcecast::output::years::ChartYears;
use forcecast::output::{WriteOptions, write_projection_with};
use forcecast::{Error, run, scenario, uncertainty};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Exit code: success.
const EXIT_OK: u8 = 0;
/// Exit code: the run failed for a reason that is not the user's input (a model guard,
/// an internal check, writing the outputs).
const EXIT_FAILURE: u8 = 1;
/// Exit code: the input is invalid: the command line, a scenario file, or a country
/// data folder or table (the same for `check` and `run`).
const EXIT_INVALID: u8 = 2;
/// Most Monte Carlo worker threads per available core: more only adds contention.
const THREADS_PER_CORE: usize = 4;
/// Seed of a Monte Carlo run when `--seed` is not given.
const DEFAULT_SEED: u64 = 20250630;

#[derive(Parser)]
#[command(
    name = "forcecast",
    version,
    about = "Scenario model of South Korea's demography and force structure",
    long_about = "Projects the population by single age and sex (cohort-component method), the men \
reaching conscription age, the force they support against a troop target, and the automation \
needed to close the gap.",
    after_help = "Examples:\n  forcecast list\n  forcecast run baseline\n  forcecast run baseline fertility-low --out output/\n  forcecast check scenarios/my-scenario.toml\n  forcecast backtest --force\n  forcecast compare baseline fertility-low service-21-months\n  forcecast sensitivity baseline\n  forcecast report baseline target-450k\n  forcecast show target-450k --diff baseline\n  forcecast completions bash"
)]
struct Cli {
    /// Folder of scenario files (and data/<country>/) searched before the built-in
    /// scenarios and data; a file there overrides the built-in one of the same name
    /// [default: ./scenarios when it exists].
    #[arg(long, global = true, env = "FORCECAST_SCENARIOS", value_name = "DIR")]
    scenarios: Option<PathBuf>,
    /// Treat warnings about implausible values (accepted, but likely a unit slip: a
    /// troop target of 620, service of 1.5 months) as errors (exit 2).
    #[arg(long, global = true)]
    strict: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write their outputs.
    #[command(
        after_help = "Examples:\n  forcecast run baseline\n  forcecast run scenarios/target-450k.toml --out /tmp/t450\n  forcecast run baseline fertility-low fertility-high\n  forcecast run baseline --trajectories 10000 --seed 7"
    )]
    Run {
        /// Scenario names (resolved as scenarios/<name>.toml) or paths to .toml files.
        #[arg(required = true)]
        scenario: Vec<String>,
        /// Output folder (default output/<scenario>; with several scenarios, DIR/<scenario>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the charts.
        #[arg(long)]
        no_charts: bool,
        /// Print nothing but errors (and no progress bar).
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        tables: TableArgs,
        /// Monte Carlo: run N stochastic trajectories besides the deterministic run and
        /// write quantiles.csv, probabilities.csv, calibration.csv and uncertainty.json.
        /// Quantiles are exact while every sample fits 1 GiB (90,565 trajectories of
        /// 2025-2100); beyond, one-pass quantile sketches in constant memory, their rank
        /// error in uncertainty.json
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        trajectories: Option<u64>,
        /// Random seed of the Monte Carlo run (same seed, same outputs on any thread count).
        #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED, requires = "trajectories")]
        seed: u64,
        /// Worker threads of the Monte Carlo run (default: the available cores).
        #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024), requires = "trajectories")]
        threads: Option<u64>,
        /// Also write the first K trajectories' summary rows to trajectories.csv (long:
        /// trajectory, year, metric, value), for statistics of your own. At most N and at most
        /// 10,000.
        #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=10_000), requires = "trajectories")]
        save_trajectories: Option<u64>,
    },
    /// Validate scenario files (and their data) without running them.
    #[command(after_help = "Examples:\n  forcecast check baseline\n  forcecast check scenarios/*.toml")]
    Check {
        /// Scenario names or paths.
        #[arg(required = true)]
        scenario: Vec<String>,
        /// Print nothing but errors (by default a line per valid scenario).
        #[arg(long, short)]
        quiet: bool,
    },
    /// List the named scenarios with their descriptions.
    List,
    /// Print a scenario fully resolved (after `extends`, defaults filled in) as a scenario
    /// file: every key a file can set, with its value.
    #[command(
        after_help = "Examples:\n  forcecast show baseline\n  forcecast show target-450k --diff baseline\n  forcecast show fertility-low > my-scenario.toml"
    )]
    Show {
        /// Scenario name or path to a .toml file.
        scenario: String,
        /// Print only the keys that differ from this scenario, with `extends = "<it>"`, so
        /// that the output read beside it is the same scenario.
        #[arg(long, value_name = "OTHER")]
        diff: Option<String>,
    },
    /// Run several scenarios and compare them: comparison.csv, key_years.csv/.md and
    /// overlay charts.
    #[command(
        after_help = "Examples:\n  forcecast compare baseline fertility-low service-21-months\n  forcecast compare baseline target-450k --out /tmp/cmp"
    )]
    Compare {
        /// Two or more scenario names or paths to .toml files (names must differ).
        #[arg(required = true, num_args = 2..)]
        scenario: Vec<String>,
        /// Output folder (default output/compare-<names joined by _>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the charts.
        #[arg(long)]
        no_charts: bool,
        /// Print nothing but errors (by default the key-years table is printed).
        #[arg(long, short)]
        quiet: bool,
        /// Worker threads (default: the available cores; the outputs are the same on any number).
        #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        #[command(flatten)]
        tables: TableArgs,
    },
    /// Vary each uncertain parameter of a scenario over its documented range, one at a
    /// time: sensitivity.csv/.md and tornado charts of the force gap and automation cost.
    #[command(
        after_help = "Examples:\n  forcecast sensitivity baseline\n  forcecast sensitivity fertility-low --year 2060 --out /tmp/sens"
    )]
    Sensitivity {
        /// Scenario name or path to a .toml file.
        scenario: String,
        /// The year whose outputs are compared.
        #[arg(long, default_value_t = forcecast::analysis::sensitivity::DEFAULT_YEAR)]
        year: i32,
        /// Output folder (default output/sensitivity-<scenario>-<year>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the charts.
        #[arg(long)]
        no_charts: bool,
        /// Print nothing but errors (by default the ranking is printed).
        #[arg(long, short)]
        quiet: bool,
        /// Worker threads (default: the available cores; the outputs are the same on any number).
        #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
    },
    /// Write a self-contained report (report.html, report.md) comparing scenarios:
    /// findings in sentences, charts, key years, sensitivity, definitions, sources.
    #[command(
        after_help = "Examples:\n  forcecast report baseline target-450k\n  forcecast report baseline --year 2050 --out /tmp/report\n  forcecast report baseline target-450k --title \"Korea's shrinking conscript pool\" --author \"J. Kim\" --date 2026-12-01"
    )]
    Report {
        /// One or more scenario names or paths to .toml files; the first is the reference.
        #[arg(required = true)]
        scenario: Vec<String>,
        /// The year the findings quote and the sensitivity analysis uses.
        #[arg(long, default_value_t = forcecast::analysis::sensitivity::DEFAULT_YEAR)]
        year: i32,
        /// Output folder (default output/report-<names joined by _>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave out the sensitivity analysis of the first scenario.
        #[arg(long)]
        no_sensitivity: bool,
        /// Add a section on a plan folder written by `forcecast plan` (levers at the key
        /// years, yearly extra cost, frontier chart, single-lever alternatives).
        #[arg(long, value_name = "DIR")]
        plan: Option<PathBuf>,
        /// Title of the report (default: generated from the country and scenarios).
        #[arg(long, value_parser = report_line)]
        title: Option<String>,
        /// Author line under the title.
        #[arg(long, value_parser = report_line)]
        author: Option<String>,
        /// Date line under the title, as written (default: none, so that the same inputs
        /// give byte-identical files).
        #[arg(long, value_parser = report_line)]
        date: Option<String>,
        #[command(flatten)]
        chart_years: YearArgs,
        /// Monte Carlo: run N trajectories of the first scenario and add the range of
        /// outcomes (fan charts, probabilities of the gap exceeding its thresholds).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        trajectories: Option<u64>,
        /// Random seed of the Monte Carlo trajectories.
        #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED, requires = "trajectories")]
        seed: u64,
        /// Print nothing but errors (by default the findings are printed).
        #[arg(long, short)]
        quiet: bool,
        /// Worker threads (default: the available cores; the outputs are the same on any number).
        #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
    },
    /// Find the least-cost mix of policy levers that keeps troops + civilian substitutes +
    /// automation at or above a requirement every year from a start year; writes plan.toml
    /// (a runnable scenario), plan.csv, frontier.csv (+ chart) and alternatives.csv.
    #[command(
        after_help = "Examples:\n  forcecast plan baseline\n  forcecast plan baseline --require 450000 --from 2030\n  forcecast plan baseline --levers service,civilians,automation --budget-per-year 2e12"
    )]
    Plan {
        /// Scenario name or path to a .toml file.
        scenario: String,
        /// Troops required every year (default: the scenario's troop target).
        #[arg(long, value_name = "N", conflicts_with = "require_path", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        require: Option<u64>,
        /// The requirement as a path: a CSV `year,troops`, interpolated between its years.
        #[arg(long, value_name = "FILE")]
        require_path: Option<PathBuf>,
        /// First year the requirement must be met (default: [plan] from, 2030).
        #[arg(long, value_name = "YEAR")]
        from: Option<i32>,
        /// Levers the plan may use, comma-separated (default: all that apply).
        #[arg(long, value_delimiter = ',', value_name = "LIST")]
        levers: Option<Vec<String>>,
        /// Most extra cost of any year (default: [plan] budget_per_year, none).
        #[arg(long, value_name = "X")]
        budget_per_year: Option<f64>,
        /// Probabilistic goal: the least share (0-1] of Monte Carlo trajectories that must
        /// meet the requirement in every year (default: [plan] probability; none: the
        /// central path must meet it).
        #[arg(long, value_name = "P")]
        probability: Option<f64>,
        /// Trajectories of the probabilistic goal (default: [plan] trajectories, else 1000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
        trajectories: Option<u64>,
        /// Random seed of the trajectories (a run of plan.toml with it sees the same ones).
        #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Worker threads of the trajectories (default: all cores).
        #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        /// Requirement levels of frontier.csv as LOW:HIGH:STEP troops, or `none` (default:
        /// 60% to 100% of the requirement by 4%, 300000:500000:20000 for Korea's 500,000)
        #[arg(long, value_name = "LOW:HIGH:STEP")]
        frontier: Option<String>,
        /// Output folder (default output/plan-<scenario>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the frontier chart.
        #[arg(long)]
        no_charts: bool,
        /// Print nothing but errors (and no progress bar).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Back-test the projection against WPP's estimates (and, with --force, calibrate the
    /// force model to observed troop numbers).
    #[command(
        after_help = "Examples:\n  forcecast backtest\n  forcecast backtest --from 1990 --to 2020 --out /tmp/bt\n  forcecast backtest --force"
    )]
    Backtest {
        /// First year: a year of WPP's 5-yearly population estimates (the base).
        #[arg(long, default_value_t = forcecast::validation::backtest::DEFAULT_FROM)]
        from: i32,
        /// Last compared year (at most the last year of observed births, 2023).
        #[arg(long, default_value_t = forcecast::validation::backtest::DEFAULT_TO)]
        to: i32,
        /// Output folder (default output/backtest).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also calibrate the force model over 2015-2025 against observed troop strengths.
        #[arg(long)]
        force: bool,
        /// Country data folder under <scenarios>/data/.
        #[arg(long, default_value = "korea")]
        country: String,
        /// How net migrants before 2023 are spread over age and sex: WPP's own pattern of
        /// each 5-year period by the residual method (`residual`), in proportion to the
        /// population (`population`, alias `proportional`), or as the model spreads any net
        /// total (`wpp2023`: arrivals by WPP's 2023-2032 single-age arrival shares,
        /// departures by the Rogers-Castro schedule).
        #[arg(long, default_value = "residual", value_parser = clap::builder::PossibleValuesParser::new([
            clap::builder::PossibleValue::new("residual"),
            clap::builder::PossibleValue::new("population").alias("proportional"),
            clap::builder::PossibleValue::new("wpp2023"),
        ]))]
        migration_pattern: String,
        /// Skip the chart.
        #[arg(long)]
        no_charts: bool,
        /// Print nothing but errors (by default the back-test's report is printed).
        #[arg(long, short)]
        quiet: bool,
        /// Worker threads (default: the available cores; the outputs are the same on any number).
        #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  forcecast completions bash > ~/.local/share/bash-completion/completions/forcecast\n  forcecast completions zsh > ~/.zfunc/_forcecast\n  forcecast completions fish > ~/.config/fish/completions/forcecast.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// A `--title`, `--author` or `--date` value: one line of text, not blank.
fn report_line(s: &str) -> std::result::Result<String, String> {
    if s.trim().is_empty() {
        Err("must not be empty".into())
    } else if s.chars().any(char::is_control) {
        Err("must be one line of text (no newlines or control characters)".into())
    } else if let Some(c) = s.chars().find(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')) {
        // Invisible, and they reorder the text around them in report.html and report.md
        // (the terminal shows them escaped; the files would not).
        Err(format!(
            "must not contain the invisible direction control U+{:04X} (it reorders the text after it in the report); write the text in reading order",
            u32::from(c)
        ))
    } else if s.chars().count() > 300 {
        Err(format!("must be at most 300 characters, got {}", s.chars().count()))
    } else {
        Ok(s.trim().to_string())
    }
}

/// clap's message with the user's text it quotes (a rejected value, an unknown argument)
/// escaped, a newline or a terminal escape in it included, and clap's own colours
/// removed (plain text, line by line).
fn clap_message(e: &clap::Error) -> String {
    use clap::error::ContextValue;
    // With clap's styling, so that the user's text is still there as given (the plain
    // rendering drops anything that looks like a colour code, the user's too).
    let mut text = e.render().ansi().to_string();
    for (_, value) in e.context() {
        let quoted: Vec<&String> = match value {
            ContextValue::String(v) => vec![v],
            ContextValue::Strings(v) => v.iter().collect(),
            _ => Vec::new(),
        };
        for v in quoted {
            let safe = forcecast::error::escape(v);
            if safe != v.as_str() {
                text = text.replace(v.as_str(), &safe);
            }
        }
    }
    forcecast::error::escape_lines(&strip_styles(&text))
}

/// `text` without ANSI CSI sequences (ESC `[` parameters, then a final byte @ to ~):
/// clap's colours, once the user's text in it has been escaped.
fn strip_styles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Exit code: interrupted by SIGINT, SIGTERM or SIGHUP (128 + SIGINT, as shells report).
const EXIT_INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap writes them.
        Err(e) if !e.use_stderr() => e.exit(),
        // clap quotes the rejected value as given: escaped here like every other message,
        // so that a value holding a terminal escape or a direction control cannot
        // recolour the terminal or reorder the line (plain text, no colours).
        Err(e) => {
            eprint!("{}", clap_message(&e));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    // An interrupted run removes its unfinished output folder; the previous output stays.
    let _ = ctrlc::set_handler(|| {
        for p in forcecast::output::atomic::abandon() {
            eprintln!("removed the unfinished output {}", p.display());
        }
        eprintln!("error: interrupted");
        std::process::exit(EXIT_INTERRUPTED);
    });
    match dispatch(cli) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            // Library messages escape the user text they quote; this is the last guard
            // for any other text (anyhow context, dependencies' messages).
            eprintln!("{}", forcecast::error::escape_lines(&format!("error: {e:#}")));
            ExitCode::from(exit_code(&e))
        }
    }
}

/// The exit code of an error: invalid input (command line, scenario files, country data)
/// is 2, anything else 1.
fn exit_code(e: &anyhow::Error) -> u8 {
    match e.downcast_ref::<Error>() {
        Some(err) if is_invalid_input(err) => EXIT_INVALID,
        _ => EXIT_FAILURE,
    }
}

fn is_invalid_input(e: &Error) -> bool {
    matches!(e, Error::Scenario(_) | Error::Usage(_) | Error::Data(_))
}

/// Prints a line on standard output; when the reader has gone (`forcecast list | head`)
/// stops quietly with success instead of panicking on the broken pipe.
fn say(line: &str) {
    use std::io::Write as _;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(i32::from(EXIT_OK));
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(i32::from(EXIT_FAILURE));
    }
}

/// The scenarios folder searched before the built-in scenarios: the one the user named
/// (which must exist), else `./scenarios` (which need not).
fn scenarios_folder(given: Option<PathBuf>) -> Result<PathBuf, Error> {
    match given {
        Some(dir) if dir.is_dir() => Ok(dir),
        Some(dir) => Err(Error::Usage(format!(
            "the scenarios folder {} (--scenarios or FORCECAST_SCENARIOS) does not exist or is not a folder",
            dir.display()
        ))),
        None => Ok(PathBuf::from("scenarios")),
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let scenarios = scenarios_folder(cli.scenarios)?;
    scenario::set_strict(cli.strict);
    match cli.command {
        Command::List => {
            let esc = |t: &str| forcecast::error::escape(t).into_owned();
            let list: Vec<(String, String, String)> = scenario::list(&scenarios)?
                .iter()
                .map(|e| {
                    let origin = if e.built_in { "built-in".to_string() } else { e.path.display().to_string() };
                    (esc(&e.name), esc(&e.description), esc(&origin))
                })
                .collect();
            // One column for the names, as wide as the longest (at most 40 characters).
            let width = list.iter().map(|(n, _, _)| n.chars().count()).max().unwrap_or(0).clamp(22, 40);
            for (name, desc, origin) in list {
                say(&format!("{name:<width$} {desc} [{origin}]"));
            }
            Ok(())
        }
        Command::Show { scenario, diff } => {
            say(show(&scenario, diff.as_deref(), &scenarios)?.trim_end());
            Ok(())
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cmd, "forcecast", &mut text);
            say(String::from_utf8_lossy(&text).trim_end());
            Ok(())
        }
        Command::Check { scenario, quiet } => {
            let mut failed = Vec::new();
            let mut internal = false;
            for arg in &scenario {
                match check_one(arg, &scenarios) {
                    Ok(_) if quiet => {}
                    Ok(name) => say(&forcecast::error::escape_lines(&format!("ok: {name}"))),
                    Err(e) => {
                        eprintln!("{}", forcecast::error::escape_lines(&e.to_string()));
                        internal |= !is_invalid_input(&e);
                        failed.push(arg.clone());
                    }
                }
            }
            if failed.is_empty() {
                return Ok(());
            }
            let summary = format!("{} of {} scenario(s) invalid: {}", failed.len(), scenario.len(), failed.join(", "));
            // Same exit code as `run` would give: 2 unless a failure was not the input's.
            if internal { Err(anyhow::anyhow!(summary)) } else { Err(Error::Usage(summary).into()) }
        }
        Command::Backtest { from, to, out, force, country, migration_pattern, no_charts, quiet, threads } => {
            let pattern = forcecast::validation::backtest::MigrationPattern::from_name(&migration_pattern)
                .ok_or_else(|| Error::Usage(format!("unknown --migration-pattern `{migration_pattern}`")))?;
            worker_threads(threads);
            backtest(&scenarios, &country, BacktestArgs { from, to, out, force, pattern, no_charts, quiet })
        }
        Command::Compare { scenario, out, no_charts, quiet, threads, tables } => {
            use forcecast::output::compare;
            worker_threads(threads);
            let xlsx = forcecast::output::xlsx::Formats::parse(&tables.format)?.xlsx;
            let chart_years = tables.chart_years.parse()?;
            if !no_charts {
                compare::check_chart_count(scenario.len())?;
            }
            let bar = spinner(quiet, "running the scenarios");
            let c = forcecast::analysis::Comparison::new(forcecast::analysis::run_all(&scenario, &scenarios)?)?
                .with_chart_years(chart_years)?;
            let dest = out.unwrap_or_else(|| compare::default_dir(&c));
            forcecast::output::check_destination(&dest, &compare::origin(&c))?;
            bar.set_message("writing the comparison");
            let written = compare::write_comparison(&c, &dest, compare::CompareOptions { no_charts, xlsx })?;
            bar.finish_and_clear();
            if !quiet {
                say(compare::key_years_markdown(&c).trim_end());
                eprintln!("wrote {}", shown(&written));
            }
            Ok(())
        }
        Command::Sensitivity { scenario, year, out, no_charts, quiet, threads } => {
            use forcecast::output::sensitivity as out_sens;
            worker_threads(threads);
            let bar = spinner(quiet, "running the scenario");
            let run = forcecast::analysis::run_one(&scenario, &scenarios)?;
            forcecast::analysis::sensitivity::check(&run, year)?;
            // The output folder is checked before the analysis runs.
            let origin = forcecast::output::Origin::new("sensitivity", &format!("sensitivity-{}-{year}", run.name()));
            let dest = out.unwrap_or_else(|| Path::new("output").join(&origin.name));
            forcecast::output::check_destination(&dest, &origin)?;
            bar.set_message("varying each parameter over its range");
            let s = forcecast::analysis::sensitivity::run(&run, year)?;
            bar.set_message("writing the tables and charts");
            let written = out_sens::write_sensitivity(&s, &run, &dest, out_sens::SensitivityOptions { no_charts })?;
            bar.finish_and_clear();
            if !quiet {
                say(out_sens::markdown(&s).trim_end());
                eprintln!("wrote {}", shown(&written));
            }
            Ok(())
        }
        Command::Report {
            scenario,
            year,
            out,
            no_sensitivity,
            plan,
            title,
            author,
            date,
            chart_years,
            trajectories,
            seed,
            quiet,
            threads,
        } => {
            use forcecast::report;
            let chart_years = chart_years.parse()?;
            forcecast::output::compare::check_chart_count(scenario.len())?;
            // The plan folder is read before anything runs or is written.
            let plan = plan.as_deref().map(report::plan::load).transpose()?;
            let threads = worker_threads(threads);
            let bar = spinner(quiet, "running the scenarios");
            let c = forcecast::analysis::Comparison::new(forcecast::analysis::run_all(&scenario, &scenarios)?)?
                .with_chart_years(chart_years)?;
            if let Some(p) = &plan {
                report::plan::check_matches(p, c.runs[0].scenario())?;
            }
            let dest = out.unwrap_or_else(|| report::default_dir(&c));
            let monte_carlo = trajectories.map(|n| uncertainty::Options { trajectories: n as usize, seed, threads });
            let meta = report::build::Meta { title, author, date };
            let opts = report::ReportOptions { year, sensitivity: !no_sensitivity, monte_carlo, meta, plan };
            // A bar over the trajectories (all passes) with Monte Carlo, a spinner without.
            if let Some(o) = &monte_carlo {
                let passes = uncertainty::passes(c.runs[0].scenario(), o);
                trajectory_bar(&bar, o.trajectories as u64 * passes, c.runs[0].name());
            }
            let steps: Vec<&str> = [
                (!no_sensitivity).then_some("sensitivity runs"),
                monte_carlo.map(|_| "trajectories"),
                Some("writing the report"),
            ]
            .into_iter()
            .flatten()
            .collect();
            bar.set_message(steps.join(", then "));
            let w = report::write_report_with(&c, &dest, opts, &|k| bar.inc(k))?;
            bar.finish_and_clear();
            if !quiet {
                let f = &w.findings;
                for p in f.scenarios.iter().chain(&f.comparisons).chain(&f.sensitivity).chain(&f.uncertainty) {
                    say(&format!("- {p}"));
                }
                eprintln!("wrote {} (report.html: {} KB)", shown(&w.dir), w.html_bytes.div_ceil(1024));
            }
            Ok(())
        }
        Command::Plan {
            scenario,
            require,
            require_path,
            from,
            levers,
            budget_per_year,
            probability,
            trajectories,
            seed,
            threads,
            frontier,
            out,
            no_charts,
            quiet,
        } => {
            let threads = worker_threads(threads);
            let levels = frontier.as_deref().map(frontier_levels).transpose()?;
            let args = PlanArgs {
                scenario,
                require,
                require_path,
                from,
                levers,
                budget_per_year,
                levels,
                out,
                no_charts,
                quiet,
                probability,
                trajectories,
                seed,
                threads,
            };
            plan_command(args, &scenarios)
        }
        Command::Run { scenario, out, no_charts, quiet, tables, trajectories, seed, threads, save_trajectories } => {
            let xlsx = forcecast::output::xlsx::Formats::parse(&tables.format)?.xlsx;
            let chart_years = tables.chart_years.parse()?;
            if let (Some(n), Some(k)) = (trajectories, save_trajectories) {
                if k > n {
                    return Err(Error::Usage(format!(
                        "--save-trajectories {k} is more than the {n} trajectories run; give at most {n}"
                    ))
                    .into());
                }
            }
            let fail_midway = std::env::var_os("FORCECAST_FAIL_MIDWAY").is_some();
            let several = scenario.len() > 1;
            // With several scenarios, an error that arises after a scenario is read says
            // which one (the exit code is still the error's own).
            let which = |name: &str, e: anyhow::Error| -> anyhow::Error {
                if several { e.context(format!("scenario `{}`", forcecast::error::escape(name))) } else { e }
            };
            // Every scenario is read and every output folder checked before anything runs,
            // so that a bad file or folder is reported before any output is written.
            let mut paths: Vec<PathBuf> = Vec::with_capacity(scenario.len());
            for arg in &scenario {
                let path = scenario::locate(arg, &scenarios)?;
                let name = scenario::name_of(&path);
                if let Some(first) = paths.iter().find(|p| scenario::name_of(p) == name) {
                    let dest = run_dest(out.as_deref(), several, &name);
                    let both = if *first == path {
                        format!("{} is given twice", path.display())
                    } else {
                        format!("{} and {} are both named `{name}`", first.display(), path.display())
                    };
                    return Err(Error::Usage(format!(
                        "{both}, so both would be written to {}; give each scenario once, with distinct file \
                         names (copy one to a file with another name)",
                        dest.display()
                    ))
                    .into());
                }
                paths.push(path);
            }
            // Every scenario is also projected (deterministic run and Monte Carlo) before the
            // first is written: a scenario that fails leaves no output of the others, in
            // whatever order they were given.
            let mut planned: Vec<(scenario::Scenario, PathBuf, run::Inputs, run::Projection, Duration)> =
                Vec::with_capacity(paths.len());
            for path in paths {
                let start = Instant::now();
                let mut laps = forcecast::timing::Laps::new();
                let s = scenario::load(&path, &scenarios)?;
                chart_years.check(&s.name, s.base_year, s.end_year)?;
                if let (true, Some(k)) = (xlsx, save_trajectories) {
                    forcecast::output::xlsx::check_trajectories(k, (s.end_year - s.base_year + 1).max(0) as usize)?;
                }
                let dest = run_dest(out.as_deref(), several, &s.name);
                forcecast::output::check_destination(&dest, &forcecast::output::Origin::new("run", &s.name))?;
                let prepared = (|| -> forcecast::error::Result<_> {
                    let inputs = run::load_inputs(&s, &scenarios)?;
                    // What `check` validates, so the two accept and reject the same inputs.
                    run::validate(&s, &inputs)?;
                    laps.lap("scenario, data and validation");
                    let p = run::project(&s, &inputs)?;
                    laps.lap("deterministic projection");
                    Ok((inputs, p))
                })();
                let (inputs, p) = prepared.map_err(|e| which(&s.name, e.into()))?;
                planned.push((s, dest, inputs, p, start.elapsed()));
            }
            let mut outcomes = Vec::with_capacity(planned.len());
            for (s, _, inputs, p, took) in &mut planned {
                let start = Instant::now();
                let outcome = trajectories.map(|n| -> anyhow::Result<_> {
                    let mut o = monte_carlo(s, inputs, p, n, seed, threads, quiet)?;
                    if let Some(k) = save_trajectories {
                        o.saved = uncertainty::outcome::saved_trajectories(s, inputs, p, o.options, k as usize)?;
                    }
                    Ok(o)
                });
                outcomes.push(outcome.transpose().map_err(|e| which(&s.name, e))?);
                *took += start.elapsed();
            }
            // The folder holding several scenarios' folders, when this run creates it: removed
            // again if the run fails before writing into it (only while it is empty).
            let new_parent = out.as_deref().filter(|d| several && !d.exists());
            for ((s, dest, inputs, p, took), mc) in planned.iter().zip(outcomes) {
                let start = Instant::now();
                let opts = WriteOptions { no_charts, fail_midway, xlsx, years: chart_years.clone() };
                let written = match write_projection_with(p, inputs, dest, opts, mc.as_ref()) {
                    Ok(w) => w,
                    Err(e) => {
                        if let Some(d) = new_parent {
                            let _ = std::fs::remove_dir(d);
                        }
                        return Err(which(&s.name, e.into()));
                    }
                };
                if !quiet {
                    let last = p.years.len() - 1;
                    let runs = match &mc {
                        Some(o) => format!(
                            " with {} (seed {}){}",
                            forcecast::output::numbers::trajectories(o.options.trajectories),
                            o.options.seed,
                            sketch_note(s, o)
                        ),
                        None => String::new(),
                    };
                    eprintln!(
                        "{}: {}-{} projected{runs}; wrote {} in {:.2} s",
                        forcecast::error::escape(&s.name),
                        p.years[0],
                        p.years[last],
                        shown(&written),
                        (*took + start.elapsed()).as_secs_f64()
                    );
                }
            }
            Ok(())
        }
    }
}

/// For a Monte Carlo run summarised with quantile sketches, what that means for its
/// quantiles (the rank error it reached, and up to how many trajectories they would be
/// exact); nothing for a run that kept every sample.
fn sketch_note(s: &scenario::Scenario, o: &uncertainty::Outcome) -> String {
    match o.quantile_rank_error {
        Some(e) => format!(
            "; quantiles from one-pass sketches (rank error at most {:.2}% of the trajectories; \
             exact up to {}; see quantile_rank_error in uncertainty.json)",
            100.0 * e,
            forcecast::output::numbers::trajectories(uncertainty::outcome::exact_limit(s))
        ),
        None => String::new(),
    }
}

/// The output folder of a scenario of `run`: `--out` itself for one scenario,
/// `<out>/<name>` for several, `output/<name>` by default.
fn run_dest(out: Option<&Path>, several: bool, name: &str) -> PathBuf {
    match (out, several) {
        (Some(d), false) => d.to_path_buf(),
        (Some(d), true) => d.join(name),
        (None, _) => Path::new("output").join(name),
    }
}

/// Runs the Monte Carlo trajectories of one scenario, with a progress bar on a terminal.
fn monte_carlo(
    s: &scenario::Scenario,
    inputs: &run::Inputs,
    p: &run::Projection,
    n: u64,
    seed: u64,
    threads: Option<u64>,
    quiet: bool,
) -> anyhow::Result<uncertainty::Outcome> {
    let threads = worker_threads(threads);
    let options = uncertainty::Options { trajectories: n as usize, seed, threads };
    // Passes over the trajectories (one: a run too large to keep its samples summarises
    // them with quantile sketches as they come).
    let passes = uncertainty::passes(s, &options);
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(Some(n * passes), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{prefix} [{bar:30}] {human_pos}/{human_len} trajectories ({eta} left)")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        let prefix = if passes > 1 { format!("{} ({passes} passes)", s.name) } else { s.name.clone() };
        bar.set_prefix(prefix);
        bar
    };
    let outcome = uncertainty::run(s, inputs, p, options, &|k| bar.inc(k))?;
    bar.finish_and_clear();
    Ok(outcome)
}

/// The worker threads of a command: `--threads` capped by [`capped_threads`], or the
/// available cores. They size the pool of parallel work (scenarios, sensitivity runs,
/// charts; set once per process) and are returned for the Monte Carlo workers.
fn worker_threads(asked: Option<u64>) -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = match asked {
        Some(t) => capped_threads(t, cores),
        None => cores,
    };
    if asked.is_some() {
        // Fails only when the pool was already built; the first size then stands.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
    }
    threads
}

/// A spinner with a message on standard error, ticking while work runs; hidden when
/// quiet or when standard error is not a terminal (no escape codes in logs).
fn spinner(quiet: bool, message: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Turns a visible spinner into a bar over `len` trajectories of `name`.
fn trajectory_bar(bar: &ProgressBar, len: u64, name: &str) {
    if bar.is_hidden() {
        return;
    }
    bar.set_length(len);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:30}] {human_pos}/{human_len} trajectories ({eta} left) {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(name.to_string());
}

/// A path as printed: control and reordering characters escaped.
fn shown(p: &Path) -> String {
    forcecast::error::escape(&p.display().to_string()).into_owned()
}

/// The worker threads of a Monte Carlo run: as asked, but at most [`THREADS_PER_CORE`]
/// per available core (with a warning), since more only slow the run down. The outputs
/// do not depend on the number of threads.
fn capped_threads(asked: u64, cores: usize) -> usize {
    let cap = THREADS_PER_CORE * cores.max(1);
    let asked = usize::try_from(asked).unwrap_or(usize::MAX);
    if asked > cap {
        eprintln!(
            "warning: --threads {asked} is more than {THREADS_PER_CORE} per available core ({cores}); using {cap} (the outputs are the same on any number of threads)"
        );
        cap
    } else {
        asked
    }
}

/// `--years` and `--pyramid-years` (run, compare, report).
#[derive(clap::Args, Debug, Clone)]
struct YearArgs {
    /// Key years, comma-separated and ascending (key-years tables, fan-chart
    /// probabilities) [default: 2030,2040,2050,2070; fan chart 2030,2035,2040,2050].
    #[arg(long, value_name = "LIST")]
    years: Option<String>,
    /// Years drawn as outlines over the base year's population pyramid (at most 4,
    /// after the base year) [default: 2050,2070].
    #[arg(long, value_name = "LIST")]
    pyramid_years: Option<String>,
}

impl YearArgs {
    fn parse(&self) -> forcecast::Result<ChartYears> {
        ChartYears::parse(self.years.as_deref(), self.pyramid_years.as_deref())
    }
}

/// `--format` and the chart years (run, compare).
#[derive(clap::Args, Debug, Clone)]
struct TableArgs {
    /// Table formats: `csv` (default), or `xlsx` / `csv,xlsx` to add tables.xlsx, one
    /// sheet per CSV (the CSV files are always written).
    #[arg(long, value_name = "LIST", default_value = "csv")]
    format: String,
    #[command(flatten)]
    chart_years: YearArgs,
}

struct PlanArgs {
    scenario: String,
    require: Option<u64>,
    require_path: Option<PathBuf>,
    from: Option<i32>,
    levers: Option<Vec<String>>,
    budget_per_year: Option<f64>,
    /// `None`: the default, from the requirement.
    levels: Option<Vec<f64>>,
    out: Option<PathBuf>,
    no_charts: bool,
    quiet: bool,
    probability: Option<f64>,
    trajectories: Option<u64>,
    seed: u64,
    threads: usize,
}

/// The requirement levels of `--frontier LOW:HIGH:STEP` (`none`: no frontier).
fn frontier_levels(text: &str) -> Result<Vec<f64>, Error> {
    if text == "none" {
        return Ok(Vec::new());
    }
    let bad = || {
        Error::Usage(format!(
            "--frontier: expected LOW:HIGH:STEP in troops (e.g. 300000:500000:20000, at most 100 levels) or `none`, got `{text}`"
        ))
    };
    let parts: Vec<u64> =
        text.split(':').map(|p| p.trim().parse::<u64>().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let [lo, hi, step] = parts[..] else { return Err(bad()) };
    if step == 0 || lo > hi || hi > 10_000_000 || (hi - lo) / step >= 100 {
        return Err(bad());
    }
    Ok((0..=(hi - lo) / step).map(|k| (lo + k * step) as f64).collect())
}

/// `forcecast plan`.
fn plan_command(a: PlanArgs, scenarios: &Path) -> anyhow::Result<()> {
    use forcecast::plan::{self as planner, Lever};
    let path = scenario::locate(&a.scenario, scenarios)?;
    let s = scenario::load(&path, scenarios)?;
    // plan.toml extends the input by name; an input not found by that name (a file given
    // by path) is copied beside it with the files it extends. Both are checked before
    // any work: the name must be one `extends` can read, and not plan.toml's own.
    let extends = scenario::extendable_name(&path, &format!("plan.toml of `plan {}`", a.scenario))?;
    let named_plan = |f: &Path| {
        Error::Usage(format!(
            "{} is named `plan`, the name of the plan's own file; copy it to a file with another name",
            f.display()
        ))
    };
    // Even when found by its name: plan.toml extending `plan` would read itself.
    if extends == "plan" {
        return Err(named_plan(&path).into());
    }
    let mut copies = Vec::new();
    for f in &s.files {
        let name = scenario::name_of(f);
        let found = scenario::locate(&name, scenarios).ok();
        let same = found.map(|p| p.canonicalize().ok() == f.canonicalize().ok()).unwrap_or(false);
        if !same && f.is_file() {
            if name == "plan" {
                return Err(named_plan(f).into());
            }
            copies.push(f.clone());
        }
    }
    let origin = forcecast::output::Origin::new("plan", &format!("plan-{}", s.name));
    let dest = a.out.unwrap_or_else(|| Path::new("output").join(&origin.name));
    forcecast::output::check_destination(&dest, &origin)?;
    let inputs = run::load_inputs(&s, scenarios)?;
    run::validate(&s, &inputs)?;
    let from = a.from.unwrap_or(s.plan.from);
    if from <= s.base_year || from > s.end_year {
        // Say where the year came from: the option, or the scenario's `[plan] from` (2030
        // unless the file sets it).
        let given = if a.from.is_some() {
            format!("--from {from}")
        } else {
            format!("the plan's start year {from} ([plan] from of {}, or its default; give --from)", s.name)
        };
        return Err(Error::Usage(format!(
            "{given}: must be after the base year {} and at most the end year {}",
            s.base_year, s.end_year
        ))
        .into());
    }
    let levers: Vec<Lever> = match &a.levers {
        Some(names) => {
            let mut v = Vec::new();
            for n in names {
                let l = Lever::parse(n.trim()).ok_or_else(|| {
                    let known: Vec<&str> = Lever::ALL.iter().map(|l| l.name()).collect();
                    Error::Usage(format!("--levers: unknown lever `{n}`; known: {}", known.join(", ")))
                })?;
                if !v.contains(&l) {
                    v.push(l);
                }
            }
            v.sort();
            v
        }
        // Women only where the scenario has volunteer shares to scale.
        None => Lever::ALL
            .into_iter()
            .filter(|l| *l != Lever::Women || !s.force.female_volunteer_age_shares.is_empty())
            .collect(),
    };
    let budget = match a.budget_per_year.or(s.plan.budget_per_year) {
        Some(b) if !(b.is_finite() && b >= 0.0) => {
            return Err(Error::Usage(format!("--budget-per-year: must be a non-negative number, got {b}")).into());
        }
        b => b,
    };
    let target = match (a.require, &a.require_path) {
        (Some(n), _) => Some(vec![(s.base_year, n as f64)]),
        (None, Some(p)) => Some(planner::read_requirement_path(p)?),
        (None, None) => None,
    };
    let problem = planner::Problem { target, from, levers: levers.clone(), budget_per_year: budget };
    let probability = a.probability.or(s.plan.probability);
    if let Some(p) = probability {
        if !(p.is_finite() && p > 0.0 && p <= 1.0) {
            return Err(Error::Usage(format!("--probability: must be above 0 and at most 1, got {p}")).into());
        }
    } else if a.trajectories.is_some() {
        return Err(Error::Usage(
            "--trajectories: give --probability P (or [plan] probability) for the probabilistic goal".into(),
        )
        .into());
    }
    let n_traj = a.trajectories.or(s.plan.trajectories).unwrap_or(planner::mc::TRAJECTORIES) as usize;
    let start = Instant::now();
    let bar = if a.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix}: {human_pos} plans evaluated ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_prefix(s.name.clone());
        bar
    };
    let tick = |k: u64| bar.inc(k);
    let mut ctx = planner::Context::new(&s, &inputs)?;
    let (mut solution, mc) = match probability {
        None => (planner::solve(&mut ctx, &problem, planner::EFFORT, &[], &tick)?, None),
        Some(p) => {
            let traj = planner::mc::Trajectories::new(&ctx, &problem, p, n_traj, a.seed, a.threads)?;
            let sol = planner::mc::solve(&mut ctx, &problem, &traj, planner::EFFORT, &tick)?;
            if !sol.mc.score.feasible() {
                bar.finish_and_clear();
                return Err(anyhow::anyhow!(
                    "no plan found for {} with levers {} that meets the requirement with probability {p} on {} \
                     trajectories: the best found meets it in {:.1}% of them in its worst year ({} plans evaluated)",
                    s.name,
                    levers.iter().map(|l| l.name()).collect::<Vec<_>>().join(","),
                    traj.n,
                    100.0 * sol.mc.min_share,
                    ctx.evaluations.get() + traj.evaluations.get()
                ));
            }
            let evaluated = traj.evaluations.get();
            (sol.solution, Some((sol.mc, traj.n, a.seed, p, evaluated)))
        }
    };
    let main_evals = ctx.evaluations.get() + mc.as_ref().map_or(0, |m| m.4);
    let main_secs = start.elapsed().as_secs_f64();
    if !solution.detail.score.feasible() {
        bar.finish_and_clear();
        let d = &solution.detail;
        let worst = (0..d.years.len())
            .filter(|&t| d.years[t] >= from)
            .max_by(|&x, &y| d.automation.uncovered_gap[x].total_cmp(&d.automation.uncovered_gap[y]))
            .unwrap_or(0);
        let within = if budget.is_some() { " while keeping every year within --budget-per-year" } else { "" };
        let why = if solution.detail.score.shortfall > 0.0 {
            format!(
                "the best plan found{within} still misses the requirement by {} troops in {}",
                forcecast::output::numbers::count(d.automation.uncovered_gap[worst]),
                d.years[worst]
            )
        } else {
            "every plan that meets the requirement costs more than --budget-per-year in some year".to_string()
        };
        // Levers whose grid holds only the scenario's own setting cannot move at all (the
        // retention lever of a corps already at the ceiling of continuation).
        let idle: Vec<&str> =
            solution.spaces.iter().filter(|sp| sp.values.len() == 1).map(|sp| sp.lever.name()).collect();
        let idle = if idle.is_empty() {
            String::new()
        } else {
            format!("; no room to move from the scenario's own setting: {}", idle.join(", "))
        };
        return Err(anyhow::anyhow!(
            "no feasible plan for {} with levers {}: {why} ({} plans evaluated){idle}",
            s.name,
            levers.iter().map(|l| l.name()).collect::<Vec<_>>().join(","),
            main_evals
        ));
    }
    // By default the frontier spans 60% to 100% of the largest requirement from `from`, by
    // 4% (Korea's 500,000: 300,000 to 500,000 by 20,000; Taiwan's 215,000: 129,000 to
    // 215,000 by 8,600), so that it brackets this country's requirement.
    let levels = a.levels.clone().unwrap_or_else(|| {
        let d = &solution.detail;
        let top = (0..d.years.len()).filter(|&t| d.years[t] >= from).map(|t| d.requirement[t]).fold(0.0, f64::max);
        let mut levels: Vec<f64> = (0..=10).map(|k| (top * (0.6 + 0.04 * f64::from(k))).round()).collect();
        // A small requirement rounds several steps to the same level (all eleven are 1
        // troop for a requirement of 1): each level once.
        levels.dedup();
        levels
    });
    // The frontier's search starts its highest level from the plan, and the plan and the
    // frontier's level with the same requirement keep the cheaper of their two solutions,
    // so that the two outputs never disagree on the cost of the same problem.
    let seed = mc.is_none().then(|| solution.choice.clone());
    let mut frontier = planner::frontier(
        &mut ctx,
        &problem,
        &levels,
        planner::Effort { random_starts: 0, passes: 8 },
        seed.as_ref(),
        &tick,
    )?;
    if mc.is_none() {
        planner::reconcile(&mut solution, &mut frontier);
    }
    let mut alternatives = Vec::new();
    for &l in &levers {
        let p = planner::Problem { levers: vec![l], ..problem.clone() };
        alternatives.push((l, planner::solve(&mut ctx, &p, planner::EFFORT, &[], &tick)?));
    }
    bar.finish_and_clear();
    let outputs = planner::write::PlanOutputs {
        scenario: &s,
        problem: &problem,
        solution: &solution,
        frontier: &frontier,
        alternatives: &alternatives,
        extends,
        copies,
        no_charts: a.no_charts,
        probabilistic: mc.as_ref().map(|(m, n, seed, p, _)| planner::write::Probabilistic {
            score: m,
            trajectories: *n,
            seed: *seed,
            probability: *p,
        }),
    };
    let dir = forcecast::output::AtomicDir::new(&dest, origin)?;
    planner::write::write_all(&outputs, dir.path())?;
    let written = dir.commit()?;
    if !a.quiet {
        let d = &solution.detail;
        match &mc {
            None => say(&format!(
                "{}: least-cost plan meets the requirement every year from {from}; discounted extra cost {} {}",
                forcecast::error::escape(&s.name),
                forcecast::output::numbers::count(d.score.cost),
                s.automation.currency
            )),
            Some((m, n, seed, p, evaluated)) => say(&format!(
                "{}: least-cost plan found meets the requirement every year from {from} in at least {:.1}% of {n} \
                 trajectories (seed {seed}, goal {:.1}%); mean discounted extra cost {} {} ({evaluated} plans \
                 evaluated on the trajectories); frontier and alternatives are deterministic",
                forcecast::error::escape(&s.name),
                100.0 * m.min_share,
                100.0 * p,
                forcecast::output::numbers::count(m.score.cost),
                s.automation.currency
            )),
        }
        eprintln!(
            "{main_evals} plans evaluated in {main_secs:.2} s ({:.0} a second) for the plan; {} in all with the \
             frontier and alternatives in {:.2} s; wrote {}",
            main_evals as f64 / main_secs.max(1e-9),
            ctx.evaluations.get(),
            start.elapsed().as_secs_f64(),
            shown(&written)
        );
    }
    Ok(())
}

struct BacktestArgs {
    from: i32,
    to: i32,
    out: Option<PathBuf>,
    force: bool,
    pattern: forcecast::validation::backtest::MigrationPattern,
    no_charts: bool,
    quiet: bool,
}

fn backtest(scenarios: &Path, country: &str, args: BacktestArgs) -> anyhow::Result<()> {
    use forcecast::validation::{backtest, calibration, chart};
    let BacktestArgs { from, to, out, force, pattern, no_charts, quiet } = args;
    let bar = spinner(quiet, "back-testing the projection");
    // The country first: an unknown --country is the user's first mistake to hear of.
    let inputs = backtest::load(country, scenarios)?;
    let dest = out.unwrap_or_else(|| Path::new("output").join("backtest"));
    let origin = forcecast::output::Origin::new("backtest", "backtest");
    forcecast::output::check_destination(&dest, &origin)?;
    // The baseline that --force calibrates is read and checked before anything is written.
    let baseline = match force {
        true => {
            // The country's own baseline (`[force] baseline` of its country.toml).
            let dir = forcecast::embedded::data_dir(scenarios, country);
            let name = forcecast::data::country::force_structure(&dir)?
                .map_or_else(|| "baseline".to_string(), |st| st.baseline.clone());
            let s = scenario::load(&scenario::locate(&name, scenarios)?, scenarios)?;
            let inputs = run::load_inputs(&s, scenarios)?;
            run::validate(&s, &inputs)?;
            Some((s, inputs))
        }
        false => None,
    };
    let bt = backtest::run(&inputs, from, to, pattern)?;
    let dir = forcecast::output::AtomicDir::new(&dest, origin)?;
    backtest::write_csv(&bt, &dir.path().join("backtest.csv"))?;
    if !no_charts {
        chart::write(&bt, dir.path(), "backtest")?;
    }
    let refs = backtest::references(&inputs, &bt)?;
    let mut text = backtest::report(&bt, &refs).trim_end().to_string();
    if let Some((baseline, binputs)) = baseline {
        bar.set_message("calibrating the force model");
        let projection = run::project(&baseline, &binputs)?;
        let base = &projection.population[0];
        let c = calibration::run(&binputs, &baseline.force, base, baseline.base_year, &projection.population)?;
        calibration::write_csv(&c, &dir.path().join("force_calibration.csv"))?;
        calibration::write_years_csv(&c, &dir.path().join("force_calibration_years.csv"))?;
        if !no_charts {
            chart::write_force(&c, dir.path(), "force_calibration")?;
        }
        text.push_str(&format!("\n\n{}", calibration::report(&c).trim_end()));
    }
    let tables = ["backtest.csv", "force_calibration.csv", "force_calibration_years.csv"];
    let tables: Vec<String> = tables.iter().filter(|f| dir.path().join(f).exists()).map(|f| f.to_string()).collect();
    forcecast::output::columns::write(dir.path(), &tables, &[])?;
    let written = dir.commit()?;
    bar.finish_and_clear();
    if !quiet {
        say(&text);
        eprintln!("wrote {}", shown(&written));
    }
    Ok(())
}

/// The text of `forcecast show`: the scenario as a file, or its difference from `other`.
fn show(arg: &str, other: Option<&str>, dir: &Path) -> Result<String, Error> {
    use forcecast::scenario::show as sh;
    // Both scenarios are read before anything is printed.
    let path = scenario::locate(arg, dir)?;
    let s = scenario::load(&path, dir)?;
    let base = match other {
        Some(o) => {
            let p = scenario::locate(o, dir)?;
            // The output extends OTHER by its file name, which must be a scenario name.
            let name = scenario::extendable_name(&p, &format!("the output of `show {arg} --diff {o}`"))?;
            Some((name, scenario::load(&p, dir)?))
        }
        None => None,
    };
    // The country's defaults (its defaults.toml over the built-in ones), with what
    // applies to unset keys in the scenario's words.
    let mut like = scenario::country_default_scenario(&s.country, dir)?;
    like.unset = s.unset.clone();
    // The country itself is the scenario's choice unless it is the default country.
    like.country = scenario::resolve::DEFAULT_COUNTRY.to_string();
    let defaults = sh::entries(&like);
    let entries = sh::entries(&s);
    let files: Vec<String> = s.files.iter().map(|f| f.display().to_string()).collect();
    match &base {
        None => Ok(sh::to_toml(
            &entries,
            &sh::TomlOptions {
                header: vec![
                    format!(
                        "Scenario `{}` resolved by forcecast {}: read from {}.",
                        s.name,
                        forcecast::VERSION,
                        files.join(" <- ")
                    ),
                    "Every key is written out; `# default` marks a default (built in, or the country's defaults.toml). Run this file as it is.".into(),
                ],
                extends: None,
                defaults: Some(&defaults),
            },
        )),
        Some((name, b)) if b.country != s.country => Err(Error::Usage(format!(
            "show {} --diff {name}: `{}` is a scenario of {} and `{name}` of {}; a scenario cannot extend another \
             country's (its force tables differ), so no difference between them runs as the same scenario. Compare \
             them with `forcecast compare {} {name}`, or diff against a scenario of {}",
            s.name, s.name, s.country, b.country, s.name, s.country
        ))),
        Some((name, b)) => {
            let d = sh::diff(&entries, &sh::entries(b));
            // A key `name` sets and this scenario leaves unset cannot be unset by a file
            // that extends `name`: the file is then not the same scenario, and says so.
            let unset: Vec<String> = d.iter().filter(|e| e.value.is_none()).map(sh::Entry::path).collect();
            let same = if unset.is_empty() {
                "this file is the same scenario.".to_string()
            } else {
                format!(
                    "this file is NOT the same scenario: `{name}` sets {} and a file that extends it cannot unset a \
                     key (see the comment below).",
                    unset.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )
            };
            let mut header = vec![format!(
                "Scenario `{}` ({}) as the keys that differ from `{name}`: extending `{name}`, {same}",
                s.name,
                files.join(" <- ")
            )];
            if d.is_empty() {
                header.push(format!("No key differs from `{name}`."));
            }
            Ok(sh::to_toml(&d, &sh::TomlOptions { header, extends: Some(name), defaults: Some(&defaults) }))
        }
    }
}

fn check_one(arg: &str, dir: &Path) -> Result<String, Error> {
    let path = scenario::locate(arg, dir)?;
    let s = scenario::load(&path, dir)?;
    let inputs = run::load_inputs(&s, dir)?;
    // The same validation `run` starts with, and the deterministic projection
    // (milliseconds): whether the population can supply the net departures asked for
    // shows only there, and `check` must agree with `run`.
    run::validate(&s, &inputs)?;
    run::project(&s, &inputs)?;
    Ok(format!("{} ({})", s.name, path.display()))
}
