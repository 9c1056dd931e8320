//! The shop's own brand: its name, logo and colour, shown instead of the product's name in the
//! member portal, on public pages and (once the campaigns issue sends them) in emails. Owners
//! and managers set it in Console → Settings; the logo is uploaded as a plain form post (see
//! the server's `brand` routes) and served from `/brand/logo`, the colour as `/brand.css`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

mod page;

pub use page::{BrandMark, SettingsPage};

/// The product's name, shown while the shop has not set its own.
pub const PRODUCT: &str = "Regulars";
/// The default brand colour (the stylesheet's).
pub const DEFAULT_COLOUR: &str = "#1f5f4a";
/// Largest logo accepted, in bytes.
pub const MAX_LOGO: usize = 256 * 1024;
/// Longest shop name.
pub const MAX_NAME: usize = 60;

/// The brand as pages show it.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// The shop's name; empty: not set (pages show [`PRODUCT`]).
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    /// A logo was uploaded.
    pub has_logo: bool,
    /// When it last changed: part of the logo's and stylesheet's URLs, so browsers fetch the
    /// new ones at once and may keep them for a year.
    pub version: String,
}

impl Brand {
    /// The name to show.
    pub fn shown_name(&self) -> &str {
        if self.name.is_empty() {
            PRODUCT
        } else {
            &self.name
        }
    }

    /// The logo's URL, if there is one.
    pub fn logo_url(&self) -> Option<String> {
        self.has_logo
            .then(|| format!("/brand/logo?v={}", self.url_version()))
    }

    /// The stylesheet with the brand colour.
    pub fn css_url(&self) -> String {
        format!("/brand.css?v={}", self.url_version())
    }

    fn url_version(&self) -> String {
        self.version.chars().filter(char::is_ascii_digit).collect()
    }
}

/// A colour as stored (`#rrggbb`, lower case), if `raw` is one.
pub fn parse_colour(raw: &str) -> Option<String> {
    let c = raw.trim().to_ascii_lowercase();
    let hex = c.strip_prefix('#')?;
    (hex.len() == 6 && hex.chars().all(|ch| ch.is_ascii_hexdigit())).then_some(c)
}

/// The colour's channels, 0–255.
fn rgb(colour: &str) -> [u8; 3] {
    let hex = colour.trim_start_matches('#');
    let at = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    [at(0), at(2), at(4)]
}

/// WCAG relative luminance.
fn luminance(colour: &str) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb(colour);
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The contrast of white text on `colour` (1–21).
pub fn contrast_with_white(colour: &str) -> f64 {
    1.05 / (luminance(colour) + 0.05)
}

/// The least contrast white text (buttons) must have on the brand colour: WCAG AA.
pub const MIN_CONTRAST: f64 = 4.5;

/// `colour` mixed with `toward` (`[r, g, b]`) by `share` (0–1), as `#rrggbb`.
pub fn mix(colour: &str, toward: [u8; 3], share: f64) -> String {
    let c = rgb(colour);
    let m = |a: u8, b: u8| {
        let v = f64::from(a) + (f64::from(b) - f64::from(a)) * share;
        // Within 0–255 by construction.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0–255"
        )]
        let v = v.round().clamp(0.0, 255.0) as u8;
        v
    };
    format!(
        "#{:02x}{:02x}{:02x}",
        m(c[0], toward[0]),
        m(c[1], toward[1]),
        m(c[2], toward[2])
    )
}

/// The brand stylesheet: the colour and its shades for light and dark pages.
pub fn stylesheet(colour: &str) -> String {
    let (white, black) = ([255, 255, 255], [0, 0, 0]);
    format!(
        ":root{{--c-brand:{colour};--c-brand-strong:{};--c-brand-soft:{}}}\n\
         @media (prefers-color-scheme: dark){{:root{{--c-brand:{};--c-brand-strong:{};\
         --c-brand-soft:{}}}}}\n",
        mix(colour, black, 0.3),
        mix(colour, white, 0.88),
        mix(colour, white, 0.45),
        mix(colour, white, 0.6),
        mix(colour, black, 0.65),
    )
}

/// The shop's brand (anyone may read it: every page shows it).
#[server(prefix = "/api", endpoint = "shop/brand")]
pub async fn shop_brand() -> Result<Brand, AppError> {
    let mut conn = crate::server::state()?.db.reader.acquire().await?;
    Ok(db::brand(&mut conn).await?)
}

/// Saves the shop's name (empty: the product's) and colour. Owners and managers.
#[server(prefix = "/api", endpoint = "shop/brand_save")]
pub async fn save_brand(name: String, colour: String) -> Result<(), AppError> {
    use crate::{accounts::Role, error::Msg};
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(AppError::field("name", Msg::TextTooLong));
    }
    let colour = parse_colour(&colour).ok_or(AppError::field("colour", Msg::ColourInvalid))?;
    if contrast_with_white(&colour) < MIN_CONTRAST {
        return Err(AppError::field("colour", Msg::ColourTooLight));
    }
    crate::server::write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            sqlx::query(
                "UPDATE shop_brand SET name = $1, colour = $2, updated_at = $3 WHERE id = 1",
            )
            .bind(&name)
            .bind(&colour)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let detail = format!("name={name} colour={colour}");
            crate::audit::db::record(tx, Some(me.id), "shop.brand", "shop", &detail).await?;
            Ok(())
        })
    })
    .await
}

/// Brand queries.
#[cfg(feature = "ssr")]
pub mod db {
    use sqlx::SqliteConnection;

    use super::Brand;
    use crate::db::Stamp;

    /// The brand.
    pub async fn brand(conn: &mut SqliteConnection) -> Result<Brand, sqlx::Error> {
        sqlx::query_as(
            "SELECT name, colour, logo IS NOT NULL AS has_logo, updated_at AS version
             FROM shop_brand WHERE id = 1",
        )
        .fetch_one(conn)
        .await
    }

    /// The logo's bytes and type, if there is one.
    pub async fn logo(
        conn: &mut SqliteConnection,
    ) -> Result<Option<(Vec<u8>, String)>, sqlx::Error> {
        sqlx::query_as("SELECT logo, logo_type FROM shop_brand WHERE id = 1 AND logo IS NOT NULL")
            .fetch_optional(conn)
            .await
    }

    /// Replaces the logo (`None`: removes it).
    pub async fn set_logo(
        conn: &mut SqliteConnection,
        logo: Option<(&[u8], &str)>,
        at: Stamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE shop_brand SET logo = $1, logo_type = $2, updated_at = $3 WHERE id = 1",
        )
        .bind(logo.map(|l| l.0))
        .bind(logo.map(|l| l.1))
        .bind(at)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// The image type of an uploaded logo, told by its first bytes (PNG, JPEG or WebP; SVG is
/// refused: it can carry scripts).
pub fn logo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_strictly_and_light_ones_are_told_apart() {
        assert_eq!(parse_colour(" #1F5F4A "), Some("#1f5f4a".to_owned()));
        for bad in ["1f5f4a", "#1f5f4", "#1f5f4g", "red", ""] {
            assert_eq!(parse_colour(bad), None, "{bad}");
        }
        assert!(contrast_with_white(DEFAULT_COLOUR) >= MIN_CONTRAST);
        assert!((contrast_with_white("#000000") - 21.0).abs() < 0.01);
        assert!(
            contrast_with_white("#ffd700") < MIN_CONTRAST,
            "gold is too light for white text"
        );
        assert_eq!(mix("#000000", [255, 255, 255], 0.5), "#808080");
        let css = stylesheet("#123456");
        assert!(css.starts_with(":root{--c-brand:#123456;"), "{css}");
    }

    #[test]
    fn logos_are_known_by_their_first_bytes() {
        assert_eq!(logo_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(logo_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(logo_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(logo_type(b"<svg onload=alert(1)>"), None);
    }
}
