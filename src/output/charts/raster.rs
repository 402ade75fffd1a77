//! PNG from the chart's own SVG: the SVG that `render` writes is rasterised with `resvg`
//! and the bundled DejaVu fonts, so the PNG's text is the SVG's text (same glyphs, same
//! positions, sub-pixel placement and kerning). plotters' bitmap backend placed each
//! glyph on a whole pixel and spaced letters unevenly ("enlistm ent", "1 8 months"); the
//! PNGs are the files people paste into slides.

use std::path::Path;
use std::sync::OnceLock;

use resvg::{tiny_skia, usvg};

use super::text::{BOLD, REGULAR};
use crate::error::{Error, Result};

/// The family the charts name first (`text::FAMILY`), resolved to the bundled fonts.
const FACE: &str = "DejaVu Sans";

/// Parsing options with only the bundled fonts (no system fonts: the same pixels on
/// every machine).
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut o = usvg::Options::default();
        let db = o.fontdb_mut();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family(FACE);
        o.font_family = FACE.to_string();
        o
    })
}

/// `svg` with the opacity of every filled shape that has no stroke (plotters writes a
/// translucent band or swatch as `<polygon opacity="0.3" fill=…>`) moved to the fill:
/// `fill-opacity`. For one fill without a stroke the two mean the same picture, but an
/// element's `opacity` makes a rasteriser draw the shape into a layer of its own and
/// composite that, where a fill's is a plain translucent fill (resvg: a fan chart's
/// bands took about a third of its rasterising time as layers).
pub fn fill_opacity(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + 64);
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        let (before, element) = (&rest[..start], &rest[start..end]);
        out.push_str(before);
        let shape = element.starts_with("<polygon ") || element.starts_with("<rect ");
        let stroked = element.contains(" stroke=\"") && !element.contains(" stroke=\"none\"");
        if shape && !stroked && element.contains(" fill=\"") && !element.contains("fill-opacity=") {
            out.push_str(&element.replacen(" opacity=\"", " fill-opacity=\"", 1));
        } else {
            out.push_str(element);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `svg` rasterised at its own size, as PNG bytes.
pub fn svg_to_png(svg: &str) -> std::result::Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| format!("cannot read the chart's SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("cannot allocate a {} x {} image", size.width(), size.height()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| format!("cannot encode PNG: {e}"))
}

/// `pixmap` as PNG bytes: every pixel is opaque (the charts are drawn over white), so
/// the premultiplied colours are the colours and the image is written as RGB without
/// its alpha channel, deflated at level 2 with no filter. (tiny-skia's encoder, RGBA at
/// the default level 6 with adaptive filters, spent about a third of the charts' time
/// deflating. On the baseline's nine charts, level 2 unfiltered deflates in 19-21 ms
/// against 31-45 ms at level 4 after the Paeth filter, and into 651 kB against 764 kB:
/// the charts are flat colour and thin lines, which a filter only turns into noisier
/// bytes.) A pixmap with a pixel not opaque keeps its alpha (tiny-skia's own encoder).
fn encode(pixmap: &tiny_skia::Pixmap) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let data = pixmap.data();
    if data.chunks_exact(4).any(|px| px[3] != u8::MAX) {
        return pixmap.encode_png();
    }
    let mut rgb = Vec::with_capacity(data.len() / 4 * 3);
    for px in data.chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(2));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

/// Writes `svg` rasterised to `path`.
pub fn write_png(svg: &str, path: &Path) -> Result<()> {
    let bytes = svg_to_png(svg).map_err(|m| Error::io(path, std::io::Error::other(m)))?;
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chart's PNG decodes to the rasterised pixels exactly (RGB, the alpha dropped only
    /// where every pixel is opaque), and a pixmap with transparent pixels keeps its alpha.
    #[test]
    fn png_holds_the_rendered_pixels() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">
            <rect width="120" height="60" fill="#FFFFFF"/>
            <path d="M5 50 L60 8 L115 40" stroke="#1f77b4" stroke-width="3" fill="none"/>
            <circle cx="40" cy="30" r="12" fill="#d62728" fill-opacity="0.5"/>
            <text x="8" y="20" font-size="12">Troops</text>
            </svg>"##;
        let tree = usvg::Tree::from_str(svg, options()).unwrap();
        let mut pixmap = tiny_skia::Pixmap::new(120, 60).unwrap();
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        let decode = |bytes: &[u8]| {
            let mut reader = ::png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            buf.truncate(info.buffer_size());
            (info.color_type, buf)
        };
        let (colour, pixels) = decode(&encode(&pixmap).unwrap());
        assert_eq!(colour, ::png::ColorType::Rgb);
        let want: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|px| px[..3].to_vec()).collect();
        assert!(want.iter().any(|&v| v < 200), "something is drawn");
        assert_eq!(pixels, want);
        // Not opaque: RGBA, as tiny-skia encodes it.
        let mut clear = tiny_skia::Pixmap::new(4, 2).unwrap();
        clear.fill(tiny_skia::Color::from_rgba8(10, 20, 30, 128));
        let (colour, _) = decode(&encode(&clear).unwrap());
        assert_eq!(colour, ::png::ColorType::Rgba);
    }

    /// A fill's opacity moved from the element to the fill only on filled shapes without
    /// a stroke, and the picture stays the same (every channel within 1 of 255).
    #[test]
    fn element_opacity_becomes_fill_opacity_on_unstroked_fills() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">
            <rect x="0" y="0" width="120" height="60" opacity="1" fill="#FFFFFF" stroke="none"/>
            <polygon opacity="0.3" fill="#17375E" points="5,55 60,5 115,55 "/>
            <rect x="10" y="10" width="40" height="18" opacity="0.5413600000000001" fill="#E69F00" stroke="none"/>
            <rect x="70" y="10" width="40" height="18" opacity="0.5" fill="#E69F00" stroke="#000000"/>
            <polyline fill="none" opacity="0.5" stroke="#1A1A1A" stroke-width="2" points="5,5 115,5 "/>
            <text x="8" y="50" opacity="0.5" font-size="12">opacity="0.5"</text>
            </svg>"##;
        let moved = fill_opacity(svg);
        assert!(moved.contains(r##"<polygon fill-opacity="0.3" fill="#17375E""##), "{moved}");
        assert!(moved.contains(r##"fill-opacity="0.5413600000000001" fill="#E69F00" stroke="none""##), "{moved}");
        // Stroked shapes, lines and text keep their element opacity.
        assert!(moved.contains(r##"opacity="0.5" fill="#E69F00" stroke="#000000""##), "{moved}");
        assert!(moved.contains(r##"<polyline fill="none" opacity="0.5""##), "{moved}");
        assert!(moved.contains(r##"<text x="8" y="50" opacity="0.5""##), "{moved}");
        assert_eq!(moved.len(), svg.len() + 3 * "fill-".len());
        let pixels = |svg: &str| {
            let tree = usvg::Tree::from_str(svg, options()).unwrap();
            let mut pixmap = tiny_skia::Pixmap::new(120, 60).unwrap();
            pixmap.fill(tiny_skia::Color::WHITE);
            resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
            pixmap.data().to_vec()
        };
        let (before, after) = (pixels(svg), pixels(&moved));
        let worst = before.iter().zip(&after).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 1, "largest channel difference {worst}");
        assert!(
            after.chunks_exact(4).any(|px| u16::from(px[2]) > u16::from(px[0]) + 20),
            "the translucent fills are drawn"
        );
    }

    /// Ink per pixel column of row band `rows` of an RGBA image (0 white, 255 black).
    fn column_ink(png: &[u8]) -> Vec<f64> {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let (w, h) = (info.width as usize, info.height as usize);
        (0..w).map(|x| (0..h).map(|y| 255.0 - f64::from(buf[(y * w + x) * channels])).sum::<f64>()).collect()
    }

    #[test]
    fn letters_are_evenly_spaced_at_sub_pixel_positions() {
        // Ten 'i's: their advance in DejaVu Sans at 20 px is about 5.56 px, not a whole
        // number, so glyphs snapped to pixels would step 5, 6, 5, 6… (up to a pixel
        // off); placed at their true positions the ink centres step evenly.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">
            <rect width="200" height="40" fill="#FFFFFF"/>
            <text x="10" y="28" font-family="DejaVu Sans, sans-serif" font-size="20" fill="#000000">iiiiiiiiii</text>
            </svg>"##;
        let ink = column_ink(&svg_to_png(svg).unwrap());
        // Ink centroids of the runs of inked columns (one per glyph).
        let mut centres = Vec::new();
        let (mut mass, mut moment) = (0.0, 0.0);
        for (x, v) in ink.iter().enumerate() {
            if *v > 1.0 {
                mass += v;
                moment += v * x as f64;
            } else if mass > 0.0 {
                centres.push(moment / mass);
                (mass, moment) = (0.0, 0.0);
            }
        }
        assert_eq!(centres.len(), 10, "one ink run per glyph: {centres:?}");
        let steps: Vec<f64> = centres.windows(2).map(|w| w[1] - w[0]).collect();
        let mean = steps.iter().sum::<f64>() / steps.len() as f64;
        assert!((mean - 5.56).abs() < 0.1, "advance {mean}");
        for s in &steps {
            assert!((s - mean).abs() < 0.25, "uneven letter spacing: steps {steps:?}");
        }
    }

    #[test]
    fn bold_and_regular_resolve_to_the_bundled_faces() {
        let text = |weight: &str| {
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><rect width="300" height="40" fill="#FFFFFF"/><text x="5" y="28" font-family="DejaVu Sans, sans-serif" font-size="20" font-weight="{weight}">Active-duty rate</text></svg>"##
            );
            column_ink(&svg_to_png(&svg).unwrap()).iter().sum::<f64>()
        };
        let (regular, bold) = (text("normal"), text("bold"));
        assert!(regular > 1000.0, "text drawn: ink {regular}");
        assert!(bold > 1.2 * regular, "bold is heavier: {bold} vs {regular}");
    }
}
