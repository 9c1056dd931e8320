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

pub use generated::i18n::{I18nContextProvider, Locale, t, t_string, td_string, use_i18n};
/// The trait that gives [`Locale`] its `as_str`; import as `LocaleExt as _`.
pub use leptos_i18n::Locale as LocaleExt;

/// Name of the cookie that carries the chosen language.
pub const LANG_COOKIE: &str = "regulars_lang";

/// The `Set-Cookie` value that remembers language `code` for a year.
pub fn lang_cookie(code: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{LANG_COOKIE}={code}; Path=/; Max-Age=31536000; SameSite=Lax{secure}")
}

/// The language codes the product speaks, in the order the switcher lists them.
pub const LANGUAGES: [(&str, &str); 5] = [
    ("en", "English"),
    ("sv", "Svenska"),
    ("nb", "Norsk bokmål"),
    ("lv", "Latviešu"),
    ("pt", "Português"),
];

/// The name of `locale` in its own language (`Svenska`), as the switcher lists it.
pub fn language_name(locale: Locale) -> &'static str {
    language_name_of(locale.as_str())
}

/// The name of the language with `code`, in that language (empty for an unknown code).
pub fn language_name_of(code: &str) -> &'static str {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| name)
}

/// A language is stored as its code (`en`, `sv`, `nb`, `lv`, `pt`), bound and read as a
/// [`Locale`]: a code we do not speak never gets in or out.
#[cfg(feature = "ssr")]
mod stored {
    use sqlx::{
        Decode, Encode, Sqlite, Type,
        encode::IsNull,
        error::BoxDynError,
        sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef},
    };

    use super::{Locale, LocaleExt as _, parse_locale};

    impl Type<Sqlite> for Locale {
        fn type_info() -> SqliteTypeInfo {
            <&str as Type<Sqlite>>::type_info()
        }

        fn compatible(ty: &SqliteTypeInfo) -> bool {
            <&str as Type<Sqlite>>::compatible(ty)
        }
    }

    impl<'q> Encode<'q, Sqlite> for Locale {
        fn encode_by_ref(
            &self,
            buf: &mut Vec<SqliteArgumentValue<'q>>,
        ) -> Result<IsNull, BoxDynError> {
            <&str as Encode<'q, Sqlite>>::encode(self.as_str(), buf)
        }
    }

    impl<'r> Decode<'r, Sqlite> for Locale {
        fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
            let code = <&str as Decode<'r, Sqlite>>::decode(value)?;
            parse_locale(code).ok_or_else(|| format!("not a language we speak: {code:?}").into())
        }
    }
}

/// Parses a language code into a [`Locale`], if it is one we speak.
pub fn parse_locale(code: &str) -> Option<Locale> {
    Locale::get_all()
        .iter()
        .copied()
        .find(|l| l.as_str() == code)
}

/// The first language of an `Accept-Language` header we speak, by preference weight
/// (`sv-SE,sv;q=0.9,en;q=0.8` → `sv`); regions are ignored, `q=0` means "not this one".
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(u16, &'static str)> = None;
    for part in header.split(',') {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or("").trim();
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let weight = bits
            .find_map(|b| b.trim().strip_prefix("q="))
            .map_or(Some(1000), |q| {
                q.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    // A weight has at most three decimals, so this is exact.
                    .map(|q| (q * 1000.0).round() as u16)
            });
        let Some(weight) = weight.filter(|w| *w > 0) else {
            continue;
        };
        let Some((code, _)) = LANGUAGES.iter().find(|(c, _)| *c == primary) else {
            continue;
        };
        if best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, code));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_spoken_language() {
        assert_eq!(from_accept_language("sv-SE,sv;q=0.9,en;q=0.8"), Some("sv"));
        assert_eq!(
            from_accept_language("de-DE, lv;q=0.5, en;q=0.4"),
            Some("lv")
        );
        assert_eq!(from_accept_language("en;q=0.2, pt-BR;q=0.7"), Some("pt"));
        assert_eq!(from_accept_language("nb;q=0, en"), Some("en"));
        assert_eq!(from_accept_language("de, fr;q=0.9"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("sv;q=banana"), None);
    }

    #[test]
    fn every_listed_language_has_translations() {
        for (code, _) in LANGUAGES {
            assert!(parse_locale(code).is_some(), "{code}");
        }
        assert!(parse_locale("de").is_none());
    }
}
