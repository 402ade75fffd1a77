//! Survival ratios in closed form: the same life table as
//! [`crate::demography::LifeTable`] (a_x = ½ above age 0, Andreev-Kingkade a_0, open
//! group L_100 = l_100 / m_100), with the algebra done once so that a trajectory-year
//! needs one division per age and no table.
//!
//! With a_x = ½, q_x = m_x / (1 + m_x/2), so L_x = l_x / (1 + m_x/2) and
//! l_{x+1} = l_x (1 − m_x/2) / (1 + m_x/2). Hence, with r_x = 1 / (1 + m_x/2):
//! - S_x = L_{x+1} / L_x = (1 − m_x/2) r_{x+1} for x = 1..98;
//! - L_0 = 1 / (1 + (1 − a_0) m_0), l_1 = (1 − a_0 m_0) L_0, S_0 = (1 − a_0 m_0) r_1;
//! - S_99 = T_100 / T_99 = (1 − m_99/2) / (m_100 + 1 − m_99/2);
//! - e_0 = Σ L_x, accumulated along l_x.
//!
//! This holds while q_x ≤ 1, i.e. m_x ≤ 2 below the open group; otherwise the full
//! table is used.

use crate::demography::{LifeTable, Sex, Survival, lifetable::a0};
use crate::{AgeVec, NAGES};

/// Survival ratios, newborn survival and e0 from single-age mx.
pub fn survival(mx: &AgeVec, sex: Sex) -> Survival {
    let mut out = Survival { s: AgeVec::zeros(), newborn: 0.0, e0: 0.0 };
    survival_into(mx, sex, &mut out, &mut AgeVec::zeros());
    out
}

/// [`survival`] into `out`, with `r` as scratch (no copies).
#[inline(always)]
pub fn survival_into(mx: &AgeVec, sex: Sex, out: &mut Survival, r: &mut AgeVec) {
    let open = NAGES - 1;
    let extreme = mx[open] <= 0.0 || mx.as_slice()[..open].iter().fold(false, |e, &m| e | (m > 2.0));
    if extreme {
        *out = Survival::from_table(&LifeTable::new(mx, sex));
        return;
    }
    let a = a0(mx[0], sex);
    r[0] = 0.0;
    r[open] = 0.0;
    for (o, &m) in r.as_mut_slice()[1..open].iter_mut().zip(&mx.as_slice()[1..open]) {
        *o = 1.0 / (1.0 + 0.5 * m);
    }
    let l0_big = 1.0 / (1.0 + (1.0 - a) * mx[0]);
    let s = &mut out.s;
    s[0] = (1.0 - a * mx[0]) * r[1];
    for ((o, &m), &rn) in
        s.as_mut_slice()[1..open - 1].iter_mut().zip(&mx.as_slice()[1..open - 1]).zip(&r.as_slice()[2..open])
    {
        *o = (1.0 - 0.5 * m) * rn;
    }
    let h = 1.0 - 0.5 * mx[open - 1];
    s[open - 1] = h / (mx[open] + h);
    s[open] = s[open - 1];
    // e0 = L_0 + Σ_{x=1}^{99} l_x r_x + l_100 / m_100.
    // l_{x+1} = l_x g_x with g_x = (1 − m_x/2) r_x. Two independent chains (ages 1..50
    // from l_1, ages 50..100 from 1, rescaled by l_50) halve the serial multiply latency.
    const MID: usize = 50;
    let (mut la, mut lb) = ((1.0 - a * mx[0]) * l0_big, 1.0);
    let (mut ea, mut eb) = (l0_big, 0.0);
    for k in 0..MID - 1 {
        let (xa, xb) = (1 + k, MID + k);
        ea += la * r[xa];
        la *= (1.0 - 0.5 * mx[xa]) * r[xa];
        eb += lb * r[xb];
        lb *= (1.0 - 0.5 * mx[xb]) * r[xb];
    }
    // Age 99 closes the second chain (MID + 49 = 99).
    eb += lb * r[open - 1];
    lb *= (1.0 - 0.5 * mx[open - 1]) * r[open - 1];
    let l = la * lb; // l_100
    let mut e0 = ea + la * eb;
    e0 += l / mx[open];
    out.newborn = l0_big;
    out.e0 = e0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gompertz(level: f64) -> AgeVec {
        let mut m = AgeVec::zeros();
        m[0] = 0.003 * level;
        for x in 1..NAGES {
            m[x] = (0.0002 * level * (0.095 * x as f64).exp()).min(0.999);
        }
        m
    }

    #[test]
    fn matches_the_full_life_table() {
        for level in [0.2, 1.0, 5.0, 30.0] {
            for sex in Sex::BOTH {
                let m = gompertz(level);
                let full = Survival::from_mx(&m, sex);
                let fast = survival(&m, sex);
                for x in 0..NAGES {
                    assert!((full.s[x] - fast.s[x]).abs() < 1e-13, "level {level} age {x}");
                }
                assert!((full.newborn - fast.newborn).abs() < 1e-14);
                assert!((full.e0 - fast.e0).abs() < 1e-10 * full.e0, "{} vs {}", full.e0, fast.e0);
            }
        }
    }

    #[test]
    fn falls_back_on_extreme_rates() {
        let mut m = gompertz(1.0);
        m[50] = 3.0;
        let full = Survival::from_mx(&m, Sex::Male);
        assert_eq!(survival(&m, Sex::Male), full);
    }
}
