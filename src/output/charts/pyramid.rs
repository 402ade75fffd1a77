//! Chart 1, `pyramid`: population by sex and single year of age, men left and women
//! right, for the base year (shaded) and 2050 and 2070 (outlines) when the projection
//! reaches them.

use super::basis::Basis;
use super::format::TickFormat;
use super::palette::{BLUE, GREY, INK, VERMILLION};
use super::spec::{Area, Axis, Chart, HPos, Line, Note, Panel, VPos};
use crate::run::Projection;
use crate::{AgeVec, NAGES};

/// Projection years compared with the base year.
pub const YEARS: [i32; 2] = [2050, 2070];

/// The step outline of one sex: bars one year of age high, from x = 0 at age 0 to
/// x = 0 at the top of the open group; men are drawn with `sign = -1`.
fn outline(v: &AgeVec, sign: f64) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * NAGES + 2);
    pts.push((0.0, 0.0));
    for a in 0..NAGES {
        let x = sign * v[a];
        pts.push((x, a as f64));
        pts.push((x, a as f64 + 1.0));
    }
    pts.push((0.0, NAGES as f64));
    pts
}

/// The pyramid chart.
pub fn chart(p: &Projection, basis: &Basis, source: String) -> Chart {
    let base = p.years[0];
    let mut shown: Vec<(usize, i32)> = vec![(0, base)];
    shown.extend(
        YEARS.iter().filter(|&&y| y > base).filter_map(|&y| p.years.iter().position(|&t| t == y).map(|i| (i, y))),
    );
    let widest =
        shown.iter().map(|&(i, _)| p.population[i].male.max().max(p.population[i].female.max())).fold(0.0, f64::max);
    let xm = super::format::nice_ceil(widest / 5.0) * 5.0 * 1.02;

    let x = Axis::values("persons by single year of age (thousands)", TickFormat::Count { divisor: 1e3, abs: true })
        .range(-xm, xm)
        .ticks(11);
    let y = Axis::values("age (years)", TickFormat::Age { open: 100.0 }).range(0.0, NAGES as f64).ticks(11);
    let mut panel = Panel::new(x, y);
    let colours = [BLUE, VERMILLION];
    for (k, &(i, year)) in shown.iter().enumerate() {
        let pop = &p.population[i];
        let (men, women) = (outline(&pop.male, -1.0), outline(&pop.female, 1.0));
        if k == 0 {
            let label = format!("{year} (base year)");
            panel.areas.push(Area::polygon(label, GREY, men).opacity(0.35).outline(1));
            panel.areas.push(Area::polygon("", GREY, women).opacity(0.35).outline(1).unlabelled());
        } else {
            let c = colours[(k - 1) % colours.len()];
            panel.lines.push(Line::new(format!("{year} (projection)"), c, men));
            panel.lines.push(Line::new("", c, women).unlabelled());
        }
    }
    panel.notes.push(Note::new((-xm / 2.0, 96.0), "Men", INK).bold().size(26.0).anchor(HPos::Center, VPos::Center));
    panel.notes.push(Note::new((xm / 2.0, 96.0), "Women", INK).bold().size(26.0).anchor(HPos::Center, VPos::Center));

    let years: Vec<String> = shown.iter().map(|(_, y)| y.to_string()).collect();
    Chart::new(format!("Population pyramid, {}", years.join(", ")), source, panel).subtitle(format!(
        "{} by sex and single year of age (100 = 100 and over) at 1 July; scenario {}",
        capitalised(basis.counted),
        p.scenario.name
    ))
}

/// `s` with its first letter in upper case.
pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
