//! A signature drawn on a phone's screen. The signing pad (`signature_pad`) sends the
//! strokes' points; the server keeps them in a canonical form and draws the SVG and the PNG
//! from them itself, so that what is kept is never a file a browser made up (an SVG from a
//! client could carry a script) and the same strokes always give the same bytes and digests.

use super::HandoverError;
use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};

/// The largest body a pad may send, in bytes.
pub const MAX_BYTES: usize = 256 * 1024;
const MAX_STROKES: usize = 300;
const MAX_POINTS: usize = 20_000;
const MAX_SIDE: u32 = 2_000;
const MIN_SIDE: u32 = 60;
/// The ink must reach this far (in pad pixels) across or down: a tap is not a signature.
const MIN_REACH: u32 = 20;
/// The pen's width in the kept drawings, in pad pixels.
const PEN: f32 = 2.5;

/// What the pad sends: its drawing area and the strokes, each a list of `[x, y]`.
#[derive(Debug, Clone, Deserialize)]
struct Raw {
    w: f64,
    h: f64,
    strokes: Vec<Vec<[f64; 2]>>,
}

/// A signature in canonical form: whole pixels inside the pad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strokes {
    pub w: u32,
    pub h: u32,
    pub strokes: Vec<Vec<[u32; 2]>>,
}

/// A signature as kept: its strokes, the drawings made from them and their digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub strokes: Strokes,
    /// The canonical JSON of the strokes (what is stored).
    pub json: String,
    pub svg: String,
    pub svg_sha256: String,
    pub png: Vec<u8>,
    pub png_sha256: String,
}

impl Strokes {
    /// Reads what the pad sent; an empty pad, a tap or anything else is refused.
    pub fn parse(body: &str) -> Result<Strokes, HandoverError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(HandoverError::SignatureEmpty);
        }
        if body.len() > MAX_BYTES {
            return Err(HandoverError::SignatureInvalid);
        }
        let raw: Raw = serde_json::from_str(body).map_err(|_| HandoverError::SignatureInvalid)?;
        let side = |v: f64| {
            (v.is_finite() && v >= MIN_SIDE as f64 && v <= MAX_SIDE as f64)
                .then(|| v.round() as u32)
        };
        let (Some(w), Some(h)) = (side(raw.w), side(raw.h)) else {
            return Err(HandoverError::SignatureInvalid);
        };
        let points: usize = raw.strokes.iter().map(Vec::len).sum();
        if raw.strokes.len() > MAX_STROKES || points > MAX_POINTS {
            return Err(HandoverError::SignatureInvalid);
        }
        let mut strokes = Vec::new();
        for stroke in raw.strokes {
            let mut out: Vec<[u32; 2]> = Vec::with_capacity(stroke.len());
            for [x, y] in stroke {
                if !x.is_finite() || !y.is_finite() {
                    return Err(HandoverError::SignatureInvalid);
                }
                // A finger slides past the edge: keep the point on the edge.
                let p = [
                    x.round().clamp(0.0, w as f64) as u32,
                    y.round().clamp(0.0, h as f64) as u32,
                ];
                if out.last() != Some(&p) {
                    out.push(p);
                }
            }
            if !out.is_empty() {
                strokes.push(out);
            }
        }
        let all = || strokes.iter().flatten();
        let reach = |i: usize| {
            let lo = all().map(|p| p[i]).min().unwrap_or(0);
            let hi = all().map(|p| p[i]).max().unwrap_or(0);
            hi - lo
        };
        if strokes.is_empty() || (reach(0) < MIN_REACH && reach(1) < MIN_REACH) {
            return Err(HandoverError::SignatureEmpty);
        }
        Ok(Strokes { w, h, strokes })
    }

    /// The strokes drawn as SVG: one path per stroke, black, round pen.
    pub fn svg(&self) -> String {
        let mut d = String::new();
        for stroke in &self.strokes {
            for (i, [x, y]) in stroke.iter().enumerate() {
                if !d.is_empty() {
                    d.push(' ');
                }
                d.push_str(&format!("{}{x} {y}", if i == 0 { 'M' } else { 'L' }));
            }
            if stroke.len() == 1 {
                d.push_str(" l0 0");
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
<path d=\"{d}\" fill=\"none\" stroke=\"#000\" stroke-width=\"{PEN}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>",
            w = self.w,
            h = self.h,
        )
    }

    /// The strokes drawn as a PNG the pad's size: black ink on white, grey levels for the
    /// pen's edge.
    pub fn png(&self) -> Vec<u8> {
        let (w, h) = (self.w as usize, self.h as usize);
        // Ink coverage per pixel, 0..=255; the pen is stamped along each segment.
        let mut ink = vec![0u8; w * h];
        let r = PEN / 2.0 + 0.5;
        let mut stamp = |cx: f32, cy: f32| {
            let (x0, x1) = ((cx - r).floor().max(0.0) as usize, (cx + r).ceil() as usize);
            let (y0, y1) = ((cy - r).floor().max(0.0) as usize, (cy + r).ceil() as usize);
            for y in y0..y1.min(h) {
                for x in x0..x1.min(w) {
                    let dist =
                        ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
                    let cover = (r - dist).clamp(0.0, 1.0);
                    let v = (cover * 255.0).round() as u8;
                    let cell = &mut ink[y * w + x];
                    *cell = (*cell).max(v);
                }
            }
        };
        for stroke in &self.strokes {
            let mut prev: Option<[u32; 2]> = None;
            for &p in stroke {
                let (px, py) = (p[0] as f32, p[1] as f32);
                match prev {
                    None => stamp(px, py),
                    Some(q) => {
                        let (qx, qy) = (q[0] as f32, q[1] as f32);
                        let len = ((px - qx).powi(2) + (py - qy).powi(2)).sqrt();
                        let steps = (len * 2.0).ceil().max(1.0) as u32;
                        for i in 1..=steps {
                            let t = i as f32 / steps as f32;
                            stamp(qx + (px - qx) * t, qy + (py - qy) * t);
                        }
                    }
                }
                prev = Some(p);
            }
        }
        let grey: Vec<u8> = ink.into_iter().map(|v| 255 - v).collect();
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.w, self.h);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().expect("a PNG header in memory");
            writer.write_image_data(&grey).expect("PNG data in memory");
        }
        out
    }

    /// The canonical JSON kept in the record.
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("strokes serialise")
    }

    /// The signature as kept: strokes, SVG, PNG and their digests.
    pub fn drawn(self) -> Drawn {
        let svg = self.svg();
        let png = self.png();
        Drawn {
            json: self.json(),
            svg_sha256: sha256_hex(svg.as_bytes()),
            png_sha256: sha256_hex(&png),
            svg,
            png,
            strokes: self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str =
        r#"{"w":300,"h":120,"strokes":[[[20.4,60],[60,20],[100,90.6],[140,30]],[[180,60]]]}"#;

    #[test]
    fn strokes_are_canonical_whole_pixels_inside_the_pad() {
        let s = Strokes::parse(SIGNED).unwrap();
        assert_eq!((s.w, s.h), (300, 120));
        assert_eq!(s.strokes[0], vec![[20, 60], [60, 20], [100, 91], [140, 30]]);
        assert_eq!(s.strokes[1], vec![[180, 60]]);
        let edge =
            Strokes::parse(r#"{"w":100,"h":100,"strokes":[[[-5,10],[50,150],[50,150]]]}"#).unwrap();
        assert_eq!(edge.strokes, vec![vec![[0, 10], [50, 100]]]);
        // The canonical form reads back to itself.
        assert_eq!(Strokes::parse(&s.json()).unwrap(), s);
    }

    #[test]
    fn an_empty_pad_a_tap_or_a_made_up_body_is_refused() {
        for empty in [
            "",
            "  ",
            r#"{"w":300,"h":120,"strokes":[]}"#,
            r#"{"w":300,"h":120,"strokes":[[],[]]}"#,
            r#"{"w":300,"h":120,"strokes":[[[10,10],[12,14]]]}"#,
        ] {
            assert_eq!(
                Strokes::parse(empty),
                Err(HandoverError::SignatureEmpty),
                "{empty}"
            );
        }
        let huge = format!(
            r#"{{"w":300,"h":120,"strokes":[{}]}}"#,
            vec!["[[1,1],[50,50]]"; 400].join(",")
        );
        for bad in [
            "<svg onload=alert(1)>",
            r#"{"w":300,"h":120}"#,
            r#"{"w":30,"h":120,"strokes":[[[1,1],[25,25]]]}"#,
            r#"{"w":1e9,"h":120,"strokes":[[[1,1],[25,25]]]}"#,
            r#"{"w":300,"h":120,"strokes":[[[1,"x"]]]}"#,
            huge.as_str(),
        ] {
            assert_eq!(
                Strokes::parse(bad),
                Err(HandoverError::SignatureInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_svg_is_drawn_by_the_server_from_the_points() {
        let s = Strokes::parse(SIGNED).unwrap();
        assert_eq!(
            s.svg(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"120\" viewBox=\"0 0 300 120\">\
<path d=\"M20 60 L60 20 L100 91 L140 30 M180 60 l0 0\" fill=\"none\" stroke=\"#000\" stroke-width=\"2.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>"
        );
    }

    /// The PNG decodes (with the `png` crate's own decoder) to the pad's size, white where
    /// nothing was drawn and black on the strokes; the same strokes give the same bytes.
    #[test]
    fn the_png_has_ink_on_the_strokes_and_nowhere_else() {
        let s = Strokes::parse(SIGNED).unwrap();
        let bytes = s.png();
        assert_eq!(bytes, s.png());
        let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (300, 120));
        let at = |x: usize, y: usize| buf[y * 300 + x];
        // On the first segment's midpoint (40, 40), and on the lone dot.
        assert_eq!(at(40, 40), 0);
        assert_eq!(at(180, 60), 0);
        // Far from every stroke.
        assert_eq!(at(5, 5), 255);
        assert_eq!(at(250, 110), 255);
        assert_eq!(at(60, 100), 255);
        let drawn = s.drawn();
        assert_eq!(drawn.png_sha256, sha256_hex(&drawn.png));
        assert_eq!(drawn.svg_sha256, sha256_hex(drawn.svg.as_bytes()));
    }
}
