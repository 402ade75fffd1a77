//! Single-age period life table, ages 0..=100 with 100 the open group.
//!
//! ## Reference
//! Preston, Heuveline & Guillot (2001), *Demography*, ch. 3: q_x = m_x / (1 + (1 − a_x) m_x),
//! L_x = l_{x+1} + a_x d_x, open group L_100 = l_100 / m_100. a_x = 0.5 above age 0;
//! a_0 by Andreev & Kingkade (2015), "Average age at death in infancy and infant
//! mortality level", Demographic Research 33:363-390, Table 3 (rules by m_0 and sex).

use serde::Serialize;

use crate::{AgeVec, NAGES};

/// Sex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl Sex {
    /// Both sexes, male first.
    pub const BOTH: [Sex; 2] = [Sex::Male, Sex::Female];

    /// `male` or `female`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Andreev-Kingkade a_0 from m_0.
pub fn a0(m0: f64, sex: Sex) -> f64 {
    match sex {
        Sex::Male if m0 < 0.02300 => 0.14929 - 1.99545 * m0,
        Sex::Male if m0 < 0.08307 => 0.02832 + 3.26021 * m0,
        Sex::Male => 0.29915,
        Sex::Female if m0 < 0.01724 => 0.14903 - 2.05527 * m0,
        Sex::Female if m0 < 0.06891 => 0.04667 + 3.88089 * m0,
        Sex::Female => 0.31411,
    }
}

/// A complete single-age life table with radix l_0 = 1.
#[derive(Debug, Clone)]
pub struct LifeTable {
    /// Central death rates.
    pub mx: AgeVec,
    /// Probability of dying between x and x+1 (1 for the open group).
    pub qx: AgeVec,
    /// Survivors to exact age x.
    pub lx: AgeVec,
    /// Person-years lived between x and x+1 (L_x); open group to infinity.
    pub lx_big: AgeVec,
    /// Person-years lived above x (T_x).
    pub tx: AgeVec,
}

impl LifeTable {
    /// Builds the table from single-age mx (all positive).
    pub fn new(mx: &AgeVec, sex: Sex) -> LifeTable {
        let mut qx = AgeVec::zeros();
        let mut lx = AgeVec::zeros();
        let mut big = AgeVec::zeros();
        let mut tx = AgeVec::zeros();
        lx[0] = 1.0;
        for x in 0..NAGES - 1 {
            let ax = if x == 0 { a0(mx[0], sex) } else { 0.5 };
            let q = (mx[x] / (1.0 + (1.0 - ax) * mx[x])).min(1.0);
            qx[x] = q;
            let d = lx[x] * q;
            lx[x + 1] = lx[x] - d;
            big[x] = lx[x + 1] + ax * d;
        }
        let last = NAGES - 1;
        qx[last] = 1.0;
        big[last] = if mx[last] > 0.0 { lx[last] / mx[last] } else { 0.0 };
        let mut acc = 0.0;
        for x in (0..NAGES).rev() {
            acc += big[x];
            tx[x] = acc;
        }
        LifeTable { mx: *mx, qx, lx, lx_big: big, tx }
    }

    /// Life expectancy at birth.
    pub fn e0(&self) -> f64 {
        self.tx[0]
    }

    /// Life expectancy at age x.
    pub fn ex(&self, x: usize) -> f64 {
        if self.lx[x] > 0.0 { self.tx[x] / self.lx[x] } else { 0.0 }
    }
}

/// What a projection step needs from a life table.
#[derive(Debug, Clone, PartialEq)]
pub struct Survival {
    /// `s[x]` = L_{x+1} / L_x: share of those aged x at t alive and aged x+1 at t+1,
    /// for x = 0..=98. `s[99]` = T_100 / T_99 applies to the group 99+ moving to 100+.
    pub s: AgeVec,
    /// L_0: share of the year's births alive at age 0 at the end of the year.
    pub newborn: f64,
    /// Life expectancy at birth.
    pub e0: f64,
}

impl Survival {
    /// Survival ratios of a life table.
    pub fn from_table(lt: &LifeTable) -> Survival {
        let mut s = AgeVec::zeros();
        for x in 0..NAGES - 2 {
            s[x] = if lt.lx_big[x] > 0.0 { lt.lx_big[x + 1] / lt.lx_big[x] } else { 0.0 };
        }
        let open = NAGES - 2;
        s[open] = if lt.mx[NAGES - 1] <= 0.0 {
            1.0 // no deaths in the open group: nobody leaves it
        } else if lt.tx[open] > 0.0 {
            lt.tx[open + 1] / lt.tx[open]
        } else {
            0.0
        };
        s[NAGES - 1] = s[open];
        Survival { s, newborn: lt.lx_big[0], e0: lt.e0() }
    }

    /// Survival ratios straight from mx.
    pub fn from_mx(mx: &AgeVec, sex: Sex) -> Survival {
        Survival::from_table(&LifeTable::new(mx, sex))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_hazard_gives_known_e0() {
        // With m constant the life table is close to exponential: e0 ~ 1/m.
        let m = AgeVec::from_element(0.05);
        let lt = LifeTable::new(&m, Sex::Female);
        // a0 = 0.14903 - 2.05527*... only applies below 0.01724; here a0 = 0.04667+3.88089*0.05.
        assert!((lt.e0() - 20.0).abs() < 0.2, "e0 = {}", lt.e0());
        assert!((lt.lx[1] - (1.0 - 0.05 / (1.0 + (1.0 - a0(0.05, Sex::Female)) * 0.05))).abs() < 1e-12);
    }

    #[test]
    fn survival_ratios_are_probabilities() {
        let mut m = AgeVec::from_element(0.001);
        for x in 0..NAGES {
            m[x] = 0.0005 * (0.09 * x as f64).exp();
        }
        let s = Survival::from_mx(&m, Sex::Male);
        assert!(s.s.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(s.newborn > 0.99 && s.newborn < 1.0);
    }
}
