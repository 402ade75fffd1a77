//! Automation substitution: how many systems the gap needs, how many can be fielded
//! under the fielding ramp, what they cost, and the gap left uncovered.
//!
//! Each year t ≥ start: systems needed N(t) = ⌈gap(t) / k⌉ with k soldiers replaced per
//! system. The fielded stock S loses the systems bought `service_life` years earlier,
//! then buys B(t) = min(max(0, N(t) − S), capacity(t)). Cost(t) = B(t) × c(t) +
//! V(t) × yearly cost share, with c(t) the unit cost of year t and V(t) = Σ B(v) c(v)
//! over the vintages v in service: a system's operation and support cost is a share of
//! its own purchase price, so a later price change never reaches the systems already
//! bought (the value leaves with the vintage that retires). Unit cost and capacity are policies
//! ([`crate::force::policy`]): a scenario's path acts from its first anchor year and
//! never before the base year (the first year simulated); before then the default does. Uncovered gap = max(0, gap − k S(t)); density
//! = S(t) per 10,000 troops available (compare: 1,012 robots per 10,000 manufacturing
//! workers in Korea, IFR World Robotics 2024).

use crate::scenario::AutomationSpec;

/// Automation results per projection year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutomationResult {
    /// Manpower-equivalents automation must supply (the gap).
    pub manpower_equivalent: Vec<f64>,
    /// Systems needed to cover the gap.
    pub systems_needed: Vec<f64>,
    /// Systems in service at 1 July.
    pub systems_fielded: Vec<f64>,
    /// Systems bought in the year.
    pub systems_bought: Vec<f64>,
    /// Purchase plus operating cost in the year (scenario currency).
    pub cost: Vec<f64>,
    /// Gap not covered by fielded systems.
    pub uncovered_gap: Vec<f64>,
    /// Fielded systems per 10,000 troops available.
    pub density_per_10k: Vec<f64>,
    /// Running sum of `cost` from the first projection year to the year (scenario currency).
    pub cost_cumulative: Vec<f64>,
    /// Running sum of `cost` discounted to the first projection year at the scenario's
    /// `automation.discount_rate` ([`discount_factor`]).
    pub cost_npv: Vec<f64>,
}

/// The factor that brings money of year `first_year + t` back to `first_year`:
/// (1 + rate)^−t. Costs are in constant prices (the unit cost is a real price), so the
/// rate is a real one, as Korea's social discount rate is.
pub fn discount_factor(rate: f64, t: usize) -> f64 {
    (1.0 + rate).powi(-(t as i32))
}

/// Cumulative and discounted running sums of a yearly cost series whose first element
/// is the first projection year: `(cumulative, npv)`, both summed year by year in order
/// (the Monte Carlo engine sums in the same order, so an unperturbed trajectory gives
/// the same bits).
pub fn running_costs(cost: &[f64], rate: f64) -> (Vec<f64>, Vec<f64>) {
    let (mut cum, mut npv) = (0.0, 0.0);
    cost.iter()
        .enumerate()
        .map(|(t, &c)| {
            cum += c;
            npv += c * discount_factor(rate, t);
            (cum, npv)
        })
        .unzip()
}

/// The fleet's purchase value `value` once a vintage worth `retired` leaves it, with
/// `stock` systems left in service: exactly 0 for an empty fleet (the running sum of
/// prices that vary in time would otherwise keep a rounding residue), never negative.
/// The Monte Carlo's trajectories call it too, so that both sum the same bits.
#[inline(always)]
pub fn retire_value(value: f64, retired: f64, stock: f64) -> f64 {
    if stock > 0.0 { (value - retired).max(0.0) } else { 0.0 }
}

/// Runs the automation model for the years from `first_year` (the base year).
pub fn simulate(gap: &[f64], available: &[f64], first_year: i32, spec: &AutomationSpec) -> AutomationResult {
    let n = gap.len();
    let life = spec.service_life_years.max(1);
    let mut r = AutomationResult::default();
    let mut stock = 0.0;
    // The fleet's purchase value and each vintage's (systems bought × their unit cost).
    let mut value = 0.0;
    let mut bought_hist: Vec<f64> = Vec::with_capacity(n);
    let mut value_hist: Vec<f64> = Vec::with_capacity(n);
    let k = spec.soldiers_replaced_per_system;
    for t in 0..n {
        let year = first_year + t as i32;
        let needed = (gap[t] / k - 1e-9).ceil().max(0.0);
        if t >= life {
            stock -= bought_hist[t - life];
            value = retire_value(value, value_hist[t - life], stock);
        }
        let buy = if year >= spec.start_year {
            let cap = spec.capacity_at(first_year, year).floor();
            (needed - stock).max(0.0).min(cap)
        } else {
            0.0
        };
        let unit_cost = spec.unit_cost_at(first_year, year);
        stock += buy;
        let purchase = buy * unit_cost;
        value += purchase;
        bought_hist.push(buy);
        value_hist.push(purchase);
        r.manpower_equivalent.push(gap[t]);
        r.systems_needed.push(needed);
        r.systems_fielded.push(stock);
        r.systems_bought.push(buy);
        r.cost.push(purchase + value * spec.annual_cost_share);
        r.uncovered_gap.push((gap[t] - k * stock).max(0.0));
        r.density_per_10k.push(if available[t] > 0.0 { stock / available[t] * 1.0e4 } else { 0.0 });
    }
    (r.cost_cumulative, r.cost_npv) = running_costs(&r.cost, spec.discount_rate);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_limits_fielding_and_cost_adds_up() {
        let spec = AutomationSpec {
            start_year: 2026,
            soldiers_replaced_per_system: 4.0,
            unit_cost: Some(vec![(2025, 100.0)]),
            annual_cost_share: 0.1,
            service_life_years: 2,
            fielding_capacity: Some(vec![(2026, 10.0)]),
            discount_rate: 0.045,
            currency: "X".into(),
        };
        let gap = [100.0, 100.0, 100.0, 100.0];
        let avail = [1.0e4; 4];
        let r = simulate(&gap, &avail, 2025, &spec);
        assert_eq!(r.systems_needed, vec![25.0; 4]);
        // 2025 before start; 2026 buys 10; 2027 buys 10 more; 2028 the 2026 batch retires.
        assert_eq!(r.systems_fielded, vec![0.0, 10.0, 20.0, 20.0]);
        assert_eq!(r.systems_bought, vec![0.0, 10.0, 10.0, 10.0]);
        assert_eq!(r.cost[1], 10.0 * 100.0 + 10.0 * 10.0);
        assert_eq!(r.uncovered_gap[2], 20.0);
    }

    #[test]
    fn policies_act_from_their_first_year_and_never_before_the_base_year() {
        let spec = AutomationSpec {
            start_year: 2025,
            soldiers_replaced_per_system: 1.0,
            // A price change in 2027 and capacity anchors written from 2020.
            unit_cost: Some(vec![(2027, 200.0)]),
            annual_cost_share: 0.0,
            service_life_years: 50,
            fielding_capacity: Some(vec![(2020, 0.0), (2030, 10_000.0)]),
            discount_rate: 0.045,
            currency: "X".into(),
        };
        let gap = [1.0e6; 4];
        let r = simulate(&gap, &[1.0e4; 4], 2025, &spec);
        // Capacity: the path from the base year on (5,000 in 2025, +1,000 a year).
        assert_eq!(r.systems_bought, vec![5_000.0, 6_000.0, 7_000.0, 8_000.0]);
        // Unit cost: the default before 2027, the path's 200 from 2027.
        let d = crate::scenario::spec::DEFAULT_UNIT_COST;
        assert_eq!(r.cost, vec![5_000.0 * d, 6_000.0 * d, 7_000.0 * 200.0, 8_000.0 * 200.0]);
        // No path: the default ramp (500 in 2026) and the default price.
        let none = AutomationSpec { unit_cost: None, fielding_capacity: None, ..spec };
        let r = simulate(&gap, &[1.0e4; 4], 2025, &none);
        assert_eq!(r.systems_bought[1], 500.0);
        assert_eq!(r.cost[1], 500.0 * d);
    }

    /// A system's operation and support cost is a share of its own purchase price: a price
    /// step changes nothing before its year, and the systems bought before it keep their
    /// running cost (hand-computed: 10 bought a year, life 3, 10% a year, 100 to 2027,
    /// then 0).
    #[test]
    fn running_cost_is_a_share_of_each_systems_own_price() {
        let spec = AutomationSpec {
            start_year: 2025,
            soldiers_replaced_per_system: 1.0,
            unit_cost: Some(vec![(2025, 100.0), (2027, 100.0), (2028, 0.0)]),
            annual_cost_share: 0.1,
            service_life_years: 3,
            fielding_capacity: Some(vec![(2025, 10.0)]),
            discount_rate: 0.045,
            currency: "X".into(),
        };
        let gap = [1.0e6; 7];
        let step = simulate(&gap, &[1.0e4; 7], 2025, &spec);
        assert_eq!(step.systems_fielded, vec![10.0, 20.0, 30.0, 30.0, 30.0, 30.0, 30.0]);
        // Purchases 1,000 a year to 2027, then free; the fleet's value 1,000, 2,000, 3,000,
        // then the 100-a-piece vintages retire one a year: 2,000, 1,000, 0.
        assert_eq!(step.cost, vec![1_100.0, 1_200.0, 1_300.0, 200.0, 100.0, 0.0, 0.0]);
        // The same price throughout: the years before 2028 are the same, and from 2028 the
        // systems bought before it cost what they cost there (the 10 a year bought from
        // 2028 add 100 each in this run).
        let flat =
            simulate(&gap, &[1.0e4; 7], 2025, &AutomationSpec { unit_cost: Some(vec![(2025, 100.0)]), ..spec.clone() });
        assert_eq!(flat.cost[..3], step.cost[..3]);
        for t in 3..7 {
            let newer = (t - 2..=t).filter(|&v| v >= 3).count() as f64 * 10.0;
            let running_before = flat.cost[t] - 10.0 * 100.0 - 0.1 * newer * 100.0;
            assert_eq!(step.cost[t], running_before, "{}", 2025 + t);
        }
        // A price rise reaches only the systems bought from its year.
        let dear = simulate(
            &gap,
            &[1.0e4; 7],
            2025,
            &AutomationSpec { unit_cost: Some(vec![(2025, 100.0), (2027, 100.0), (2028, 500.0)]), ..spec },
        );
        assert_eq!(dear.cost[3], 10.0 * 500.0 + 0.1 * (20.0 * 100.0 + 10.0 * 500.0));
    }

    #[test]
    fn cumulative_cost_is_the_running_sum_and_npv_discounts_to_the_first_year() {
        let spec = AutomationSpec {
            start_year: 2025,
            soldiers_replaced_per_system: 1.0,
            unit_cost: Some(vec![(2025, 7.0)]),
            annual_cost_share: 0.25,
            service_life_years: 3,
            fielding_capacity: Some(vec![(2025, 3.0)]),
            discount_rate: 0.045,
            currency: "X".into(),
        };
        let gap = [10.0, 4.0, 8.0, 0.0, 12.0, 12.0];
        let r = simulate(&gap, &[1.0e4; 6], 2025, &spec);
        // Invariant: cumulative = running sum of the yearly cost, year by year.
        let mut sum = 0.0;
        for (c, cum) in r.cost.iter().zip(&r.cost_cumulative) {
            sum += c;
            assert!((cum - sum).abs() <= 1e-9 * sum.max(1.0), "{cum} vs {sum}");
        }
        // NPV never exceeds the undiscounted sum when costs are not negative.
        assert!(r.cost_npv.iter().zip(&r.cost_cumulative).all(|(n, c)| n <= c));
        // A zero rate leaves the cumulative cost.
        let undiscounted = simulate(&gap, &[1.0e4; 6], 2025, &AutomationSpec { discount_rate: 0.0, ..spec });
        assert_eq!(undiscounted.cost_npv, undiscounted.cost_cumulative);
    }

    #[test]
    fn npv_of_a_hand_computed_three_year_case() {
        // 100, 200, 300 at 5%: 100 + 200/1.05 + 300/1.05² = 100 + 190.476190476… + 272.108843537…
        let (cum, npv) = running_costs(&[100.0, 200.0, 300.0], 0.05);
        assert_eq!(cum, vec![100.0, 300.0, 600.0]);
        let expected: [f64; 3] = [100.0, 100.0 + 200.0 / 1.05, 100.0 + 200.0 / 1.05 + 300.0 / (1.05 * 1.05)];
        assert!((expected[2] - 562.585_034_013_605_4).abs() < 1e-9);
        for (n, e) in npv.iter().zip(expected) {
            assert!((n - e).abs() < 1e-9, "{n} vs {e}");
        }
        // At 4.5%, the default: 100 + 200/1.045 + 300/1.045² = 100 + 191.3875598… + 274.7189853… = 566.1065451…
        let (_, npv) = running_costs(&[100.0, 200.0, 300.0], 0.045);
        assert!((npv[2] - 566.106_545_179_826_5).abs() < 1e-9, "{}", npv[2]);
    }
}
