//! The names of the countries [`super::phone`] knows, in the five languages, for the shop's
//! country setting. Pure data, shared by server and browser.

/// `(code, [en, sv, nb, lv, pt])`, in the order of [`super::phone::countries`].
const NAMES: &[(&str, [&str; 5])] = &[
    (
        "SE",
        ["Sweden", "Sverige", "Sverige", "Zviedrija", "Suécia"],
    ),
    ("NO", ["Norway", "Norge", "Norge", "Norvēģija", "Noruega"]),
    (
        "DK",
        ["Denmark", "Danmark", "Danmark", "Dānija", "Dinamarca"],
    ),
    (
        "FI",
        ["Finland", "Finland", "Finland", "Somija", "Finlândia"],
    ),
    ("IS", ["Iceland", "Island", "Island", "Islande", "Islândia"]),
    (
        "EE",
        ["Estonia", "Estland", "Estland", "Igaunija", "Estônia"],
    ),
    ("LV", ["Latvia", "Lettland", "Latvia", "Latvija", "Letônia"]),
    (
        "LT",
        ["Lithuania", "Litauen", "Litauen", "Lietuva", "Lituânia"],
    ),
    ("PL", ["Poland", "Polen", "Polen", "Polija", "Polônia"]),
    (
        "DE",
        ["Germany", "Tyskland", "Tyskland", "Vācija", "Alemanha"],
    ),
    (
        "AT",
        ["Austria", "Österrike", "Østerrike", "Austrija", "Áustria"],
    ),
    (
        "CH",
        ["Switzerland", "Schweiz", "Sveits", "Šveice", "Suíça"],
    ),
    (
        "NL",
        [
            "Netherlands",
            "Nederländerna",
            "Nederland",
            "Nīderlande",
            "Países Baixos",
        ],
    ),
    ("BE", ["Belgium", "Belgien", "Belgia", "Beļģija", "Bélgica"]),
    (
        "FR",
        ["France", "Frankrike", "Frankrike", "Francija", "França"],
    ),
    ("ES", ["Spain", "Spanien", "Spania", "Spānija", "Espanha"]),
    ("IT", ["Italy", "Italien", "Italia", "Itālija", "Itália"]),
    (
        "PT",
        ["Portugal", "Portugal", "Portugal", "Portugāle", "Portugal"],
    ),
    ("IE", ["Ireland", "Irland", "Irland", "Īrija", "Irlanda"]),
    (
        "GB",
        [
            "United Kingdom",
            "Storbritannien",
            "Storbritannia",
            "Apvienotā Karaliste",
            "Reino Unido",
        ],
    ),
    (
        "BR",
        ["Brazil", "Brasilien", "Brasil", "Brazīlija", "Brasil"],
    ),
    (
        "US",
        ["United States", "USA", "USA", "ASV", "Estados Unidos"],
    ),
    ("CA", ["Canada", "Kanada", "Canada", "Kanāda", "Canadá"]),
    (
        "AU",
        [
            "Australia",
            "Australien",
            "Australia",
            "Austrālija",
            "Austrália",
        ],
    ),
    (
        "NZ",
        [
            "New Zealand",
            "Nya Zeeland",
            "New Zealand",
            "Jaunzēlande",
            "Nova Zelândia",
        ],
    ),
];

/// The country's name in `locale` (`en`, `sv`, `nb`, `lv`, `pt`; others get English), or
/// the code itself for a country not in the list.
pub fn name<'a>(locale: &str, code: &'a str) -> &'a str {
    let column = match locale {
        "sv" => 1,
        "nb" => 2,
        "lv" => 3,
        "pt" => 4,
        _ => 0,
    };
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, names)| names[column])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_a_phone_number_can_have_is_named_in_every_language() {
        let codes: Vec<&str> = NAMES.iter().map(|(c, _)| *c).collect();
        let known: Vec<&str> = super::super::phone::countries().collect();
        assert_eq!(codes, known, "same countries, same order");
        for (code, names) in NAMES {
            assert!(names.iter().all(|n| !n.is_empty() && *n != *code), "{code}");
        }
        assert_eq!(name("sv", "NO"), "Norge");
        assert_eq!(name("lv", "SE"), "Zviedrija");
        assert_eq!(name("xx", "DE"), "Germany");
        assert_eq!(name("pt", "ZZ"), "ZZ");
    }
}
