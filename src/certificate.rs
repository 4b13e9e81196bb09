//! Invite-contest certificates: a PNG with the member's name, their count,
//! the campaign and the date, which they show to claim their prize.
//!
//! Names and campaigns are often Chinese, so the font must carry CJK
//! glyphs; one is checked for that when it is loaded, so a wrong font is a
//! clear error at start-up instead of a certificate full of empty boxes.
//! Drawing is plain arithmetic on an RGB buffer: a few rectangles and text,
//! nothing a graphics library would earn its keep for.

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};

use crate::domain::Lang;

/// Where Debian and most distributions keep fonts with Chinese glyphs,
/// tried in order when no font is configured.
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 840;
const PAPER: [u8; 3] = [0xFF, 0xF8, 0xE7];
const RED: [u8; 3] = [0xB0, 0x1E, 0x23];
const GOLD: [u8; 3] = [0xC9, 0x9A, 0x2E];
const INK: [u8; 3] = [0x2B, 0x2B, 0x2B];
const GREY: [u8; 3] = [0x6B, 0x63, 0x5A];
/// Where each line of [`Certificate::lines`] sits, in pixels from the top.
const BASELINES: [f32; 5] = [185.0, 275.0, 390.0, 490.0, 570.0];
/// Text never runs closer than this to the inner border.
const MARGIN: f32 = 110.0;

/// A font that can write Chinese.
pub struct CertificateFont {
    font: FontVec,
    path: PathBuf,
}

impl std::fmt::Debug for CertificateFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateFont")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Why a font cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "no font with Chinese glyphs found; install fonts-wqy-microhei or set HEARTH_CERTIFICATE_FONT"
    )]
    NotFound,
    #[error("reading the certificate font {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0} is not a TrueType or OpenType font")]
    Invalid(PathBuf),
    #[error("{0} has no Chinese glyphs; certificates need a CJK font such as WenQuanYi Micro Hei")]
    NoChinese(PathBuf),
}

impl CertificateFont {
    /// Loads `path`, or the first of [`FONT_CANDIDATES`] present.
    pub fn load(path: Option<&Path>) -> Result<Self, FontError> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => FONT_CANDIDATES
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
                .ok_or(FontError::NotFound)?,
        };
        let bytes = std::fs::read(&path).map_err(|e| FontError::Read(path.clone(), e))?;
        // A collection's first face is its regular one.
        let font = FontVec::try_from_vec_and_index(bytes, 0)
            .map_err(|_| FontError::Invalid(path.clone()))?;
        if "中文证书".chars().any(|c| font.glyph_id(c).0 == 0) {
            return Err(FontError::NoChinese(path));
        }
        Ok(Self { font, path })
    }

    /// Where the font was read from, for the start-up log.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether every character of `text` has a glyph (spaces aside).
    pub fn covers(&self, text: &str) -> bool {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| self.font.glyph_id(c).0 != 0)
    }
}

/// What a certificate says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub lang: Lang,
    /// The member's display name as the group shows it.
    pub name: String,
    pub invites: u32,
    /// The campaign under way, or the group's title.
    pub campaign: String,
    /// Local date, `2026-11-11`.
    pub date: String,
    /// The award's number: one group, threshold and member always give
    /// the same one, and any other give another.
    pub serial: String,
}

impl Certificate {
    /// The lines, top to bottom: (text, size in px, colour); each sits on
    /// its place in [`BASELINES`].
    fn lines(&self) -> Vec<(String, f32, [u8; 3])> {
        let name = clean(&self.name, 24);
        let campaign = clean(&self.campaign, 30);
        match self.lang {
            Lang::Zh => vec![
                ("邀请达人证书".to_owned(), 72.0, RED),
                ("兹证明".to_owned(), 34.0, GREY),
                (name, 88.0, INK),
                (format!("在「{campaign}」中"), 38.0, INK),
                (format!("成功邀请 {} 位好友", self.invites), 46.0, RED),
            ],
            Lang::En => vec![
                ("Certificate of Invitation".to_owned(), 66.0, RED),
                ("This certifies that".to_owned(), 34.0, GREY),
                (name, 88.0, INK),
                (format!("invited {} friends to", self.invites), 40.0, INK),
                (campaign, 46.0, RED),
            ],
        }
    }

    /// The certificate as a PNG.
    pub fn render(&self, font: &CertificateFont) -> Vec<u8> {
        let mut canvas = Canvas::new(WIDTH, HEIGHT, PAPER);
        canvas.frame(24, 14, RED);
        canvas.frame(52, 4, GOLD);
        for (x, y) in [
            (52, 52),
            (WIDTH - 92, 52),
            (52, HEIGHT - 92),
            (WIDTH - 92, HEIGHT - 92),
        ] {
            canvas.fill(x, y, 40, 40, GOLD);
        }
        for ((text, size, colour), baseline) in self.lines().into_iter().zip(BASELINES) {
            canvas.text_centred(&font.font, &text, size, baseline, colour);
        }
        let footer = match self.lang {
            Lang::Zh => format!("{}　·　证书编号 No.{}", self.date, self.serial),
            Lang::En => format!("{}  ·  Certificate No. {}", self.date, self.serial),
        };
        canvas.text_centred(&font.font, &footer, 28.0, HEIGHT as f32 - 110.0, GREY);
        canvas.png()
    }
}

/// `text` without control characters or direction overrides, cut to `max`
/// characters.
fn clean(text: &str, max: usize) -> String {
    let text = crate::domain::name::strip_unsafe(text);
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// An RGB image being drawn.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32, background: [u8; 3]) -> Self {
        Self {
            width,
            height,
            pixels: background.repeat((width * height) as usize),
        }
    }

    /// Mixes `colour` into a pixel with coverage `alpha` (0 to 1).
    fn blend(&mut self, x: u32, y: u32, colour: [u8; 3], alpha: f32) {
        if x >= self.width || y >= self.height {
            return;
        }
        let alpha = alpha.clamp(0.0, 1.0);
        let at = ((y * self.width + x) * 3) as usize;
        for (i, c) in colour.iter().enumerate() {
            let old = f32::from(self.pixels[at + i]);
            self.pixels[at + i] = (old + (f32::from(*c) - old) * alpha).round() as u8;
        }
    }

    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, colour: [u8; 3]) {
        for yy in y..(y + h).min(self.height) {
            for xx in x..(x + w).min(self.width) {
                self.blend(xx, yy, colour, 1.0);
            }
        }
    }

    /// A border `inset` pixels in from the edge, `thickness` wide.
    fn frame(&mut self, inset: u32, thickness: u32, colour: [u8; 3]) {
        let (w, h) = (self.width - 2 * inset, self.height - 2 * inset);
        self.fill(inset, inset, w, thickness, colour);
        self.fill(inset, self.height - inset - thickness, w, thickness, colour);
        self.fill(inset, inset, thickness, h, colour);
        self.fill(self.width - inset - thickness, inset, thickness, h, colour);
    }

    /// Writes one line centred across the page, shrunk to fit the margins.
    fn text_centred(
        &mut self,
        font: &FontVec,
        text: &str,
        size: f32,
        baseline: f32,
        colour: [u8; 3],
    ) {
        let room = self.width as f32 - 2.0 * MARGIN;
        let mut scale = PxScale::from(size);
        let width = line_width(font, text, scale);
        if width > room {
            scale = PxScale::from(size * room / width);
        }
        let width = line_width(font, text, scale);
        let scaled = font.as_scaled(scale);
        let mut x = (self.width as f32 - width) / 2.0;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                x += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, baseline));
            x += scaled.h_advance(id);
            previous = Some(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x + gx as f32;
                let py = bounds.min.y + gy as f32;
                if px >= 0.0 && py >= 0.0 {
                    self.blend(px as u32, py as u32, colour, coverage);
                }
            });
        }
    }

    fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Writing into memory cannot fail but for a wrong buffer size,
        // which `new` rules out; an empty result would be refused loudly
        // by the platform rather than pass unseen.
        let written = encoder.write_header().and_then(|mut writer| {
            writer.write_image_data(&self.pixels)?;
            writer.finish()
        });
        if written.is_err() {
            return Vec::new();
        }
        out
    }
}

/// How wide `text` is at `scale`, in pixels.
fn line_width(font: &FontVec, text: &str, scale: PxScale) -> f32 {
    let scaled = font.as_scaled(scale);
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(lang: Lang) -> Certificate {
        Certificate {
            lang,
            name: "小美\u{202e}<b>".to_owned(),
            invites: 30,
            campaign: "双十一狂欢节".to_owned(),
            date: "2026-11-11".to_owned(),
            serial: "3F2A9C01".to_owned(),
        }
    }

    #[test]
    fn names_lose_control_characters_and_are_cut() {
        assert_eq!(clean("A\u{202e}B\n", 10), "AB");
        assert_eq!(clean(&"长".repeat(30), 24).chars().count(), 24);
        assert!(clean(&"长".repeat(30), 24).ends_with('…'));
    }

    #[test]
    fn lines_say_who_how_many_and_where() {
        let zh = sample(Lang::Zh).lines();
        assert_eq!(zh[2].0, "小美<b>");
        assert_eq!(zh[3].0, "在「双十一狂欢节」中");
        assert_eq!(zh[4].0, "成功邀请 30 位好友");
        let en = sample(Lang::En).lines();
        assert_eq!(en[3].0, "invited 30 friends to");
    }

    /// Rendering needs a CJK font; the test suite's scripts install one
    /// (`scripts/font-up`), so its absence is a failure, not a skip.
    #[test]
    fn chinese_text_renders_as_ink_not_empty_boxes() {
        let font = CertificateFont::load(None).expect("a CJK font (run scripts/font-up)");
        assert!(font.covers("小美 双十一狂欢节 邀请达人证书"));
        let png = sample(Lang::Zh).render(&font);
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).expect("a frame");
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        // The name (third line, baseline at 390 px) is drawn in dark ink.
        let row_dark = |y: u32| {
            (0..WIDTH)
                .filter(|x| {
                    let at = ((y * WIDTH + x) * 3) as usize;
                    pixels[at] < 0x60 && pixels[at + 1] < 0x60 && pixels[at + 2] < 0x60
                })
                .count()
        };
        let name_rows: usize = (300..410).map(row_dark).sum();
        assert!(
            name_rows > 500,
            "the name is drawn: {name_rows} dark pixels"
        );
        // A blank line between the border and the title stays paper.
        assert_eq!(row_dark(100), 0);
    }
}
