//! Languages: the translations generated from `locales/*.json` by `leptos_i18n`, plus
//! locale-aware formatting of numbers, money and dates (see [`format`]).
//!
//! Which language a page uses: the signed-in account's setting (the server writes it into the
//! request's language cookie before rendering), else the language cookie set by the
//! switcher, else `Accept-Language`, else English.

pub mod format;

/// Code generated from `locales/*.json` at compile time. `load_locales!` is deprecated in
/// favour of a build-script generator, but that generator pulls in ICU's data tooling (with
/// network features); the macro produces the same module without it.
#[expect(deprecated)]
mod generated {
    leptos_i18n::load_locales!();
}

pub use generated::i18n::{I18nContextProvider, Locale, t, t_string, use_i18n};
/// The trait that gives [`Locale`] its `as_str`; import as `LocaleExt as _`.
pub use leptos_i18n::Locale as LocaleExt;

/// Name of the cookie that carries the chosen language.
pub const LANG_COOKIE: &str = "regulars_lang";

/// The language codes the product speaks, in the order the switcher lists them.
pub const LANGUAGES: [(&str, &str); 5] = [
    ("en", "English"),
    ("sv", "Svenska"),
    ("nb", "Norsk bokmål"),
    ("lv", "Latviešu"),
    ("pt", "Português"),
];

/// Parses a language code into a [`Locale`], if it is one we speak.
pub fn parse_locale(code: &str) -> Option<Locale> {
    Locale::get_all()
        .iter()
        .copied()
        .find(|l| l.as_str() == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_language_has_translations() {
        for (code, _) in LANGUAGES {
            assert!(parse_locale(code).is_some(), "{code}");
        }
        assert!(parse_locale("de").is_none());
    }
}
