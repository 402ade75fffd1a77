//! Chart 1, `pyramid`: population by sex and single year of age, men left and women
//! right, for the base year (shaded) and 2050 and 2070 (outlines; `--pyramid-years`)
//! when the projection reaches them. The top bar is the open age group 100+ (everyone
//! aged 100 and over, not one year of age): it is drawn apart, dotted and lighter, and
//! labelled as such, so that its width is not read as the number aged exactly 100.

use super::basis::Basis;
use super::format::TickFormat;
use super::palette::{BLUE, GREEN, GREY, INK, MUTED, PURPLE, VERMILLION};
use super::spec::{Area, Axis, Chart, Dash, HPos, Line, Note, Panel, VPos};
use crate::run::Projection;
use crate::{AgeVec, NAGES};

/// Projection years compared with the base year.
pub const YEARS: [i32; 2] = [2050, 2070];

/// The open age group: the last age of the vectors (100 = 100 and over).
const OPEN: usize = NAGES - 1;

/// The step outline of one sex over the single years of age 0-99: bars one year of age
/// high, from x = 0 at age 0 to x = 0 at age 100 (the open group is drawn apart, see
/// [`open_bar`]); men are drawn with `sign = -1`.
fn outline(v: &AgeVec, sign: f64) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * OPEN + 2);
    pts.push((0.0, 0.0));
    for a in 0..OPEN {
        let x = sign * v[a];
        pts.push((x, a as f64));
        pts.push((x, a as f64 + 1.0));
    }
    pts.push((0.0, OPEN as f64));
    pts
}

/// The outline of the open group's bar of one sex: a rectangle from age 100 to 101.
fn open_bar(v: &AgeVec, sign: f64) -> Vec<(f64, f64)> {
    let (x, y0, y1) = (sign * v[OPEN], OPEN as f64, NAGES as f64);
    vec![(0.0, y0), (x, y0), (x, y1), (0.0, y1)]
}

/// The pyramid chart: the base year shaded and `years` (default [`YEARS`]) as outlines.
pub fn chart(p: &Projection, basis: &Basis, source: String, years: Option<&[i32]>) -> Chart {
    let base = p.years[0];
    let mut shown: Vec<(usize, i32)> = vec![(0, base)];
    shown.extend(
        years
            .unwrap_or(&YEARS)
            .iter()
            .filter(|&&y| y > base)
            .filter_map(|&y| p.years.iter().position(|&t| t == y).map(|i| (i, y))),
    );
    let widest =
        shown.iter().map(|&(i, _)| p.population[i].male.max().max(p.population[i].female.max())).fold(0.0, f64::max);
    let xm = super::format::nice_ceil(widest / 5.0) * 5.0 * 1.02;

    let x = Axis::values("persons by single year of age (thousands)", TickFormat::Count { divisor: 1e3, abs: true })
        .range(-xm, xm)
        .ticks(11);
    let y = Axis::values("age (years)", TickFormat::Age { open: 100.0 }).range(0.0, NAGES as f64).ticks(11);
    let mut panel = Panel::new(x, y);
    // Up to four projection years (the --pyramid-years limit), each its own colour.
    let colours = [BLUE, VERMILLION, GREEN, PURPLE];
    for (k, &(i, year)) in shown.iter().enumerate() {
        let pop = &p.population[i];
        let (men, women) = (outline(&pop.male, -1.0), outline(&pop.female, 1.0));
        let open = [open_bar(&pop.male, -1.0), open_bar(&pop.female, 1.0)];
        if k == 0 {
            let label = format!("{year} (base year)");
            panel.areas.push(Area::polygon(label, GREY, men).opacity(0.35).outline(1));
            panel.areas.push(Area::polygon("", GREY, women).opacity(0.35).outline(1).unlabelled());
            for bar in open {
                panel.areas.push(Area::polygon("", GREY, bar.clone()).opacity(0.15).unlabelled());
                panel.lines.push(Line::new("", GREY, bar).dash(Dash::Dotted).width(2).unlabelled());
            }
        } else {
            let c = colours[(k - 1) % colours.len()];
            panel.lines.push(Line::new(format!("{year} (projection)"), c, men));
            panel.lines.push(Line::new("", c, women).unlabelled());
            for bar in open {
                panel.lines.push(Line::new("", c, bar).dash(Dash::Dotted).width(2).unlabelled());
            }
        }
    }
    panel.notes.push(Note::new((-xm / 2.0, 93.0), "Men", INK).bold().size(26.0).anchor(HPos::Center, VPos::Center));
    panel.notes.push(Note::new((xm / 2.0, 93.0), "Women", INK).bold().size(26.0).anchor(HPos::Center, VPos::Center));
    panel.notes.push(
        Note::new((-xm, NAGES as f64 - 0.5), "100+: open group, all ages 100 and over (dotted)", MUTED)
            .offset(6, 0)
            .anchor(HPos::Left, VPos::Center),
    );

    let years: Vec<String> = shown.iter().map(|(_, y)| y.to_string()).collect();
    Chart::new(format!("Population pyramid, {}", years.join(", ")), source, panel).subtitle(format!(
        "{} by sex and single year of age (top bar: the open group 100+) at 1 July; scenario {}",
        capitalised(basis.counted),
        p.scenario.name
    ))
}

/// `s` with its first letter in upper case.
pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
