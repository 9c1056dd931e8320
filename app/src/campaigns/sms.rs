//! What a text message costs, and the words that stop them. Pure functions: the editor counts
//! live in the browser, the server counts previews, and the inbound webhook reads replies.
//!
//! An SMS carries 140 bytes. Text that fits the GSM 03.38 alphabet is packed in 7 bits: 160
//! characters, or 153 per part once a message is split (the rest carries the header that
//! joins the parts); characters of the extension table (`€ [ ] { } \ ~ ^ |` and form feed)
//! take two. One character outside it turns the whole message into UCS-2: 70 UTF-16 units, 67
//! per part, and a character outside the basic plane takes two units. A two-unit character is
//! never split between parts.

use serde::{Deserialize, Serialize};

/// The GSM 03.38 basic character set (escape excluded).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: each is sent as escape + character.
const GSM_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a message is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// 7-bit GSM alphabet: 160 characters in one part, 153 per part when split.
    Gsm7,
    /// UCS-2: 70 units in one part, 67 per part when split.
    Ucs2,
}

/// What a text costs to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The encoding the whole text needs.
    pub encoding: Encoding,
    /// Septets (GSM) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Parts the phone network sends (each billed as one SMS).
    pub parts: usize,
    /// Units left in the last part.
    pub left: usize,
    /// The characters that force UCS-2, each once, in order of appearance.
    pub wide: Vec<char>,
}

/// The cost of `c` in GSM septets, or `None` outside the alphabet.
fn gsm_cost(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts `text` as a phone would send it.
pub fn count(text: &str) -> Count {
    let mut wide: Vec<char> = Vec::new();
    for c in text.chars() {
        if gsm_cost(c).is_none() && !wide.contains(&c) {
            wide.push(c);
        }
    }
    let (encoding, single, multi) = if wide.is_empty() {
        (Encoding::Gsm7, 160, 153)
    } else {
        (Encoding::Ucs2, 70, 67)
    };
    let cost = |c: char| match encoding {
        Encoding::Gsm7 => gsm_cost(c).unwrap_or(1),
        Encoding::Ucs2 => c.len_utf16(),
    };
    let units: usize = text.chars().map(cost).sum();
    if units <= single {
        return Count {
            encoding,
            units,
            parts: usize::from(units > 0),
            left: single - units,
            wide,
        };
    }
    // Split: fill parts in order; a two-unit character that does not fit starts the next.
    let (mut parts, mut used) = (1, 0);
    for c in text.chars() {
        let n = cost(c);
        if used + n > multi {
            parts += 1;
            used = 0;
        }
        used += n;
    }
    Count {
        encoding,
        units,
        parts,
        left: multi - used,
        wide,
    }
}

/// Replies that withdraw SMS consent, in the five languages (compared without case, accents
/// and surrounding punctuation; the whole reply must be the word).
pub const STOP_WORDS: &[&str] = &[
    // English (the carriers' standard set).
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "optout", // Swedish.
    "stopp",
    "avsluta",
    "avregistrera", // Norwegian.
    "avmeld",
    "slutt", // Latvian.
    "atteikt",
    "atteikties",
    "beigt", // Portuguese.
    "parar",
    "pare",
    "sair",
    "cancelar",
];

/// Whether a reply asks to stop messages.
pub fn is_stop(reply: &str) -> bool {
    let word: String = reply
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ā' | 'á' | 'à' | 'ã' | 'â' => 'a',
            'ē' | 'é' | 'ê' => 'e',
            'ī' | 'í' => 'i',
            'ū' | 'ú' => 'u',
            'ó' | 'õ' | 'ô' => 'o',
            'ķ' => 'k',
            'ļ' => 'l',
            'ņ' => 'n',
            'š' => 's',
            'ž' => 'z',
            'č' | 'ç' => 'c',
            'ģ' => 'g',
            c => c,
        })
        .collect();
    STOP_WORDS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_text_fits_160_then_153_per_part() {
        let c = count(&"a".repeat(160));
        assert_eq!(
            (c.encoding, c.units, c.parts, c.left),
            (Encoding::Gsm7, 160, 1, 0)
        );
        let c = count(&"a".repeat(161));
        assert_eq!((c.units, c.parts, c.left), (161, 2, 145));
        assert_eq!(count(&"a".repeat(306)).parts, 2);
        assert_eq!(count(&"a".repeat(307)).parts, 3);
        assert_eq!(count("").parts, 0);
    }

    #[test]
    fn swedish_and_norwegian_letters_stay_gsm() {
        let c = count("Hej Åsa! Ät, drick och spara: æøå ÆØÅ é ü ß");
        assert_eq!(c.encoding, Encoding::Gsm7);
        assert!(c.wide.is_empty());
    }

    #[test]
    fn extension_characters_count_twice_and_never_split() {
        let c = count("Only 5€ [today]");
        assert_eq!((c.encoding, c.units), (Encoding::Gsm7, 18));
        // 152 plain + € (2) cannot share the first part's last septet.
        let text = format!("{}€", "a".repeat(152));
        let c = count(&format!("{text}{}", "b".repeat(10)));
        assert_eq!(c.units, 164);
        assert_eq!((c.parts, c.left), (2, 153 - 12));
    }

    #[test]
    fn one_latvian_letter_makes_it_ucs2_and_is_named() {
        let c = count("Sveiki, Līga! Jūsu punkti: 120");
        assert_eq!(c.encoding, Encoding::Ucs2);
        assert_eq!(c.wide, vec!['ī', 'ū']);
        assert_eq!((c.units, c.parts, c.left), (30, 1, 40));
        let c = count(&format!("ā{}", "a".repeat(70)));
        assert_eq!((c.units, c.parts), (71, 2));
        let c = count(&format!("ā{}", "a".repeat(134)));
        assert_eq!((c.units, c.parts, c.left), (135, 3, 66));
        assert_eq!(count("Olá, João").wide, vec!['á', 'ã']);
    }

    #[test]
    fn characters_outside_the_basic_plane_take_two_units() {
        let c = count("Hi 🎉");
        assert_eq!((c.encoding, c.units), (Encoding::Ucs2, 5));
        // 66 units + an emoji (2) does not fit in 67: it opens part 2.
        let c = count(&format!("{}🎉{}", "a".repeat(66), "a".repeat(10)));
        assert_eq!((c.units, c.parts, c.left), (78, 2, 67 - 12));
    }

    #[test]
    fn stop_words_in_every_language() {
        for reply in [
            "STOP",
            " stop. ",
            "Stopp",
            "AVSLUTA",
            "avmeld",
            "Atteikt!",
            "ATTEIKTIES",
            "Parar",
            "sair",
            "opt-out",
            "Unsubscribe",
        ] {
            assert!(is_stop(reply), "{reply}");
        }
        for reply in ["stop sending me cake", "Thanks!", "", "stoppa inte"] {
            assert!(!is_stop(reply), "{reply}");
        }
    }
}
