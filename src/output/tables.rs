//! The tidy tables: `summary.csv` (one row per year) and `population.csv` (long).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::run::Projection;

/// One row of `summary.csv`. Stocks at 1 July of `year`; flows over 1 July `year` to
/// 1 July `year + 1`. Persons, not thousands; money in the scenario's currency.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SummaryRow {
    /// Year (1 July).
    pub year: i32,
    /// Total population.
    pub population_total: f64,
    /// Population aged 15-64.
    pub population_15_64: f64,
    /// Population aged 65+.
    pub population_65_plus: f64,
    /// Births over year → year+1.
    pub births: f64,
    /// Deaths over year → year+1.
    pub deaths: f64,
    /// Net migrants over year → year+1.
    pub net_migration: f64,
    /// TFR over year → year+1 (children per woman).
    pub tfr: f64,
    /// Male life expectancy at birth of the year → year+1 life table.
    pub e0_male: f64,
    /// Female life expectancy at birth.
    pub e0_female: f64,
    /// Men aged exactly 20 (completed years).
    pub men_age_20: f64,
    /// Men liable in the year: Σ_a share_a × men aged a.
    pub eligible_men: f64,
    /// Conscripts inducted in the year (including women volunteers).
    pub conscript_intake: f64,
    /// Women volunteers inducted.
    pub female_volunteers: f64,
    /// Serving conscripts.
    pub conscripts: f64,
    /// Career cadre (officers and NCOs).
    pub cadre: f64,
    /// Cadre recruits over year → year+1.
    pub cadre_recruits: f64,
    /// Cadre need left unmet over year → year+1.
    pub cadre_shortfall: f64,
    /// Conscripts + cadre.
    pub force_available: f64,
    /// Troop target.
    pub force_target: f64,
    /// max(0, target − available).
    pub force_gap: f64,
    /// Manpower-equivalents automation must supply.
    pub automation_manpower_equivalent: f64,
    /// Systems needed to cover the gap.
    pub automation_systems_needed: f64,
    /// Systems in service.
    pub automation_systems_fielded: f64,
    /// Systems bought in the year.
    pub automation_systems_bought: f64,
    /// Purchase and operating cost in the year.
    pub automation_cost: f64,
    /// Fielded systems per 10,000 troops available.
    pub automation_density_per_10k: f64,
    /// Gap not covered by automation.
    pub uncovered_gap: f64,
    /// Men of the birth cohort year − 20 at 1 July, ½ (men aged 19 + men aged 20): the
    /// conscription authorities' "men turning 20".
    pub men_turning_20: f64,
    /// Officers at 1 July.
    pub officers: f64,
    /// NCOs at 1 July.
    pub ncos: f64,
    /// Serving Army conscripts (women volunteers included).
    pub conscripts_army: f64,
    /// Serving Navy conscripts.
    pub conscripts_navy: f64,
    /// Serving Air Force conscripts.
    pub conscripts_air_force: f64,
    /// Serving Marine conscripts.
    pub conscripts_marines: f64,
    /// Men entering alternative and supplementary service over year → year+1 (not in the force).
    pub alternative_service_intake: f64,
    /// Officers and NCOs recruited over year → year+1 (equal to `cadre_recruits`).
    pub cadre_accessions: f64,
    /// Officers and NCOs leaving over year → year+1.
    pub cadre_separations: f64,
    /// `automation_cost` summed from the first projection year to this year.
    pub automation_cost_cumulative: f64,
    /// `automation_cost` discounted to the first projection year at
    /// `automation.discount_rate` and summed to this year (present value).
    pub automation_cost_npv: f64,
}

/// The summary rows of a projection.
pub fn summary_rows(p: &Projection) -> Vec<SummaryRow> {
    let f = &p.force;
    let a = &p.automation;
    p.years
        .iter()
        .enumerate()
        .map(|(t, &year)| {
            let pop = &p.population[t];
            SummaryRow {
                year,
                population_total: pop.total(),
                population_15_64: pop.between(15, 64),
                population_65_plus: pop.between(65, 100),
                births: p.flows[t].births(),
                deaths: p.flows[t].deaths(),
                net_migration: p.flows[t].net_migration(),
                tfr: p.tfr[t],
                e0_male: p.e0[t][0],
                e0_female: p.e0[t][1],
                men_age_20: pop.male[20],
                eligible_men: f.years[t].eligible_men,
                conscript_intake: f.years[t].intake,
                female_volunteers: f.years[t].female_volunteers,
                conscripts: f.years[t].conscripts,
                cadre: f.years[t].cadre,
                cadre_recruits: f.years[t].cadre_accessions,
                cadre_shortfall: f.years[t].cadre_shortfall,
                force_available: f.years[t].available,
                force_target: f.years[t].target,
                force_gap: f.years[t].gap,
                automation_manpower_equivalent: a.manpower_equivalent[t],
                automation_systems_needed: a.systems_needed[t],
                automation_systems_fielded: a.systems_fielded[t],
                automation_systems_bought: a.systems_bought[t],
                automation_cost: a.cost[t],
                automation_density_per_10k: a.density_per_10k[t],
                uncovered_gap: a.uncovered_gap[t],
                men_turning_20: f.years[t].men_turning_20,
                officers: f.years[t].corps[0],
                ncos: f.years[t].corps[1],
                conscripts_army: f.years[t].conscripts_by_branch[0],
                conscripts_navy: f.years[t].conscripts_by_branch[1],
                conscripts_air_force: f.years[t].conscripts_by_branch[2],
                conscripts_marines: f.years[t].conscripts_by_branch[3],
                alternative_service_intake: f.years[t].alternative_service_intake,
                cadre_accessions: f.years[t].cadre_accessions,
                cadre_separations: f.years[t].cadre_separations,
                automation_cost_cumulative: a.cost_cumulative[t],
                automation_cost_npv: a.cost_npv[t],
            }
        })
        .collect()
}

/// The summary rows as JSON objects (`summary.json`), keys in `summary.csv`'s column
/// order, each value exactly as `summary.csv` writes it: the same rounding
/// ([`fmt_num`]), whole numbers without a fraction, and never `-0` (a JSON reader sees
/// the CSV's numbers).
pub fn summary_json<'a>(rows: &'a [SummaryRow], columns: &'a [(usize, String)]) -> Vec<JsonRow<'a>> {
    rows.iter().map(|r| JsonRow(r, columns)).collect()
}

/// A summary row as `summary.json` writes it (see [`summary_json`]), with the columns of
/// [`summary_columns`].
pub struct JsonRow<'a>(pub &'a SummaryRow, pub &'a [(usize, String)]);

impl Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.1.len()))?;
        let v = row_values(self.0);
        for (i, c) in self.1 {
            map.serialize_entry(c, &json_number(v[*i]))?;
        }
        map.end()
    }
}

/// First [`SUMMARY_COLUMNS`] index of the corps slots (`officers`, `ncos` for Korea).
const CORPS_SLOTS: usize = 29;
/// First [`SUMMARY_COLUMNS`] index of the branch slots (`conscripts_army`, …).
const BRANCH_SLOTS: usize = 31;

/// The name of `summary.csv` column `i` ([`SUMMARY_COLUMNS`] order) for a country's
/// force structure: the corps slots take the corps' keys, the branch slots
/// `conscripts_<branch key>`; `None` for a slot the country does not declare. Without a
/// structure, [`SUMMARY_COLUMNS`] as they are.
pub fn column_name(i: usize, st: Option<&crate::force::ForceStructure>) -> Option<String> {
    let Some(st) = st else { return SUMMARY_COLUMNS.get(i).map(|c| c.to_string()) };
    match i {
        i if (CORPS_SLOTS..CORPS_SLOTS + crate::force::MAX_CORPS).contains(&i) => {
            st.corps.get(i - CORPS_SLOTS).map(|c| c.key.clone())
        }
        i if (BRANCH_SLOTS..BRANCH_SLOTS + crate::force::MAX_BRANCHES).contains(&i) => {
            st.branches.get(i - BRANCH_SLOTS).map(|b| format!("conscripts_{}", b.key))
        }
        i => SUMMARY_COLUMNS.get(i).map(|c| c.to_string()),
    }
}

/// A [`SUMMARY_COLUMNS`] name as a structure names it (the slot columns take the
/// country's keys); `None` for a slot the country does not declare or an unknown name.
pub fn renamed(column: &str, st: Option<&crate::force::ForceStructure>) -> Option<String> {
    let i = SUMMARY_COLUMNS.iter().position(|c| *c == column)?;
    column_name(i, st)
}

/// Whether a [`SUMMARY_COLUMNS`] name is a component slot (a corps or a branch).
pub fn slot(column: &str) -> bool {
    SUMMARY_COLUMNS.iter().position(|c| *c == column).is_some_and(|i| {
        (CORPS_SLOTS..CORPS_SLOTS + crate::force::MAX_CORPS).contains(&i)
            || (BRANCH_SLOTS..BRANCH_SLOTS + crate::force::MAX_BRANCHES).contains(&i)
    })
}

/// The columns `summary.csv` has for a structure: `(index into [`row_values`], name)`.
/// Korea's are [`SUMMARY_COLUMNS`] exactly.
pub fn summary_columns(st: Option<&crate::force::ForceStructure>) -> Vec<(usize, String)> {
    (0..SUMMARY_COLUMNS.len()).filter_map(|i| column_name(i, st).map(|c| (i, c))).collect()
}

/// A number as [`fmt_num`] writes it, as JSON: an integer when it has no fraction, else
/// the shortest decimal that reads back to the rounded value; `null` if not finite (the
/// output guard stops such a run before anything is written).
pub fn json_number(x: f64) -> serde_json::Value {
    let text = fmt_num(x);
    if let Ok(i) = text.parse::<i64>() {
        return serde_json::Value::from(i);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => serde_json::Value::from(v + 0.0),
        _ => serde_json::Value::Null,
    }
}

/// Formats a number for CSV: counts to 3 decimals, rates with more, no exponent, and
/// never a negative zero (a tiny negative such as -1e-9 is written `0.000000`, not
/// `-0.000000`).
pub fn fmt_num(x: f64) -> String {
    let x = x + 0.0; // turns -0 into 0
    if x == x.trunc() && x.abs() < 1e15 {
        // Exact in an i64: the same digits as `{x:.0}`.
        return (x as i64).to_string();
    }
    let decimals = if x.abs() >= 100.0 { 3 } else { 6 };
    if let Some(s) = fixed_decimals(x, decimals) {
        return s;
    }
    let s = if decimals == 3 { format!("{x:.3}") } else { format!("{x:.6}") };
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// `x` with `decimals` (3 or 6) decimals, as `format!("{x:.3}")` or `{x:.6}` writes it
/// (then without the sign of a zero), from the integer nearest x·10^decimals: the digits
/// are the same wherever that product, rounded once, is not within two units of its last
/// place of a half (where the exact value could round the other way); None there, and for
/// values too large for the shortcut (the caller formats those exactly). Tables hold tens
/// of thousands of numbers; the exact formatting is several times slower.
fn fixed_decimals(x: f64, decimals: u32) -> Option<String> {
    let scale: u64 = if decimals == 3 { 1_000 } else { 1_000_000 };
    let y = x * scale as f64;
    if y.is_nan() || y.abs() >= 4.0e15 {
        return None;
    }
    let r = y.round();
    // |y − r| is exact (the two are within a half of each other).
    if 0.5 - (y - r).abs() <= 2.0 * f64::EPSILON * y.abs().max(1.0) {
        return None;
    }
    let n = r as i64;
    let (whole, frac) = (n.unsigned_abs() / scale, n.unsigned_abs() % scale);
    let sign = if n < 0 { "-" } else { "" };
    Some(format!("{sign}{whole}.{frac:0width$}", width = decimals as usize))
}

fn csv_writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::new(f)))
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// Writes `summary.csv`. Numbers are written with fixed decimals so files are
/// byte-identical across runs.
pub fn write_summary(rows: &[SummaryRow], columns: &[(usize, String)], path: &Path) -> Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(columns.iter().map(|c| c.1.as_str())).map_err(|e| csv_err(path, e))?;
    for r in rows {
        let v = row_values(r);
        w.write_record(columns.iter().map(|c| fmt_num(v[c.0]))).map_err(|e| csv_err(path, e))?;
    }
    w.flush().map_err(|e| Error::io(path, e))
}

/// Column names of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 40] = [
    "year",
    "population_total",
    "population_15_64",
    "population_65_plus",
    "births",
    "deaths",
    "net_migration",
    "tfr",
    "e0_male",
    "e0_female",
    "men_age_20",
    "eligible_men",
    "conscript_intake",
    "female_volunteers",
    "conscripts",
    "cadre",
    "cadre_recruits",
    "cadre_shortfall",
    "force_available",
    "force_target",
    "force_gap",
    "automation_manpower_equivalent",
    "automation_systems_needed",
    "automation_systems_fielded",
    "automation_systems_bought",
    "automation_cost",
    "automation_density_per_10k",
    "uncovered_gap",
    "men_turning_20",
    "officers",
    "ncos",
    "conscripts_army",
    "conscripts_navy",
    "conscripts_air_force",
    "conscripts_marines",
    "alternative_service_intake",
    "cadre_accessions",
    "cadre_separations",
    "automation_cost_cumulative",
    "automation_cost_npv",
];

/// The row's values in [`SUMMARY_COLUMNS`] order.
pub fn row_values(r: &SummaryRow) -> [f64; 40] {
    [
        f64::from(r.year),
        r.population_total,
        r.population_15_64,
        r.population_65_plus,
        r.births,
        r.deaths,
        r.net_migration,
        r.tfr,
        r.e0_male,
        r.e0_female,
        r.men_age_20,
        r.eligible_men,
        r.conscript_intake,
        r.female_volunteers,
        r.conscripts,
        r.cadre,
        r.cadre_recruits,
        r.cadre_shortfall,
        r.force_available,
        r.force_target,
        r.force_gap,
        r.automation_manpower_equivalent,
        r.automation_systems_needed,
        r.automation_systems_fielded,
        r.automation_systems_bought,
        r.automation_cost,
        r.automation_density_per_10k,
        r.uncovered_gap,
        r.men_turning_20,
        r.officers,
        r.ncos,
        r.conscripts_army,
        r.conscripts_navy,
        r.conscripts_air_force,
        r.conscripts_marines,
        r.alternative_service_intake,
        r.cadre_accessions,
        r.cadre_separations,
        r.automation_cost_cumulative,
        r.automation_cost_npv,
    ]
}

/// The inverse of [`row_values`].
pub fn summary_from_values(v: &[f64; 40]) -> SummaryRow {
    SummaryRow {
        year: v[0] as i32,
        population_total: v[1],
        population_15_64: v[2],
        population_65_plus: v[3],
        births: v[4],
        deaths: v[5],
        net_migration: v[6],
        tfr: v[7],
        e0_male: v[8],
        e0_female: v[9],
        men_age_20: v[10],
        eligible_men: v[11],
        conscript_intake: v[12],
        female_volunteers: v[13],
        conscripts: v[14],
        cadre: v[15],
        cadre_recruits: v[16],
        cadre_shortfall: v[17],
        force_available: v[18],
        force_target: v[19],
        force_gap: v[20],
        automation_manpower_equivalent: v[21],
        automation_systems_needed: v[22],
        automation_systems_fielded: v[23],
        automation_systems_bought: v[24],
        automation_cost: v[25],
        automation_density_per_10k: v[26],
        uncovered_gap: v[27],
        men_turning_20: v[28],
        officers: v[29],
        ncos: v[30],
        conscripts_army: v[31],
        conscripts_navy: v[32],
        conscripts_air_force: v[33],
        conscripts_marines: v[34],
        alternative_service_intake: v[35],
        cadre_accessions: v[36],
        cadre_separations: v[37],
        automation_cost_cumulative: v[38],
        automation_cost_npv: v[39],
    }
}

/// Writes `population.csv`: `year,sex,age,population`.
pub fn write_population(p: &Projection, path: &Path) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::new(f);
    let io = |e| Error::io(path, e);
    writeln!(w, "year,sex,age,population").map_err(io)?;
    for (t, &year) in p.years.iter().enumerate() {
        for (sex, v) in [("male", &p.population[t].male), ("female", &p.population[t].female)] {
            for (age, x) in v.iter().enumerate() {
                writeln!(w, "{year},{sex},{age},{x:.3}").map_err(io)?;
            }
        }
    }
    w.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut writes what the exact formatting writes: values of every size and
    /// sign, and values a few units of the last place from a half at the last decimal
    /// (where it must defer to the exact formatting).
    #[test]
    fn fixed_decimals_agree_with_exact_formatting() {
        let exact = |x: f64, d: u32| {
            let s = if d == 3 { format!("{x:.3}") } else { format!("{x:.6}") };
            match s.strip_prefix('-') {
                Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
                _ => s,
            }
        };
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut checked, mut deferred) = (0, 0);
        for k in 0..200_000 {
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            let magnitude = 10f64.powf(-9.0 + 22.0 * u);
            let sign = if next() % 2 == 0 { 1.0 } else { -1.0 };
            let mut x = sign * magnitude;
            if k % 4 == 0 {
                // Near a half at the last decimal: (m + 0.5) / 10^d, moved a few ulps.
                let d = if next() % 2 == 0 { 3 } else { 6 };
                let m = (next() % 100_000_000) as f64;
                let t = (m + 0.5) / if d == 3 { 1e3 } else { 1e6 };
                let ulps = (next() % 9) as i64 - 4;
                x = sign * f64::from_bits((t.to_bits() as i64 + ulps) as u64);
            }
            for d in [3, 6] {
                match fixed_decimals(x, d) {
                    Some(s) => {
                        assert_eq!(s, exact(x, d), "x = {x:e}, {d} decimals");
                        checked += 1;
                    }
                    None => deferred += 1,
                }
            }
        }
        assert!(checked > 300_000, "{checked} checked, {deferred} deferred");
        assert_eq!(fmt_num(1234.5675), format!("{:.3}", 1234.5675));
        assert_eq!(fmt_num(-0.0000001), "0.000000");
        assert_eq!(fmt_num(2.5e15), "2500000000000000.000");
        assert_eq!(fmt_num(-17.0), "-17");
    }

    #[test]
    fn no_negative_zero() {
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(-1e-9), "0.000000");
        assert_eq!(fmt_num(-1e-4), "-0.000100");
        assert_eq!(fmt_num(-123.0004), "-123.000");
        assert_eq!(fmt_num(-5.0), "-5");
        assert_eq!(json_number(-1e-9).to_string(), "0.0");
        assert_eq!(json_number(-0.0).to_string(), "0");
        assert_eq!(json_number(231_614.444_9).to_string(), "231614.445");
        assert_eq!(json_number(0.8123456789).to_string(), "0.812346");
        assert_eq!(json_number(12.0).to_string(), "12");
    }
}
