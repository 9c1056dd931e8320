//! The codes themselves, pure: TOTP (RFC 6238 over RFC 4226 HOTP: HMAC-SHA1, 30-second steps,
//! 6 digits, what every authenticator app does by default) and recovery codes.

use hmac::{Hmac, Mac};
use sha2::Digest as _;

/// Seconds per TOTP step.
pub const STEP_SECS: i64 = 30;
/// Steps either side of now a code is still accepted for (a phone clock a little off).
pub const DRIFT_STEPS: i64 = 1;
/// Bytes of a TOTP secret (160 bits, as RFC 4226 recommends).
pub const SECRET_LEN: usize = 20;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;

/// A new random TOTP secret.
pub fn new_secret() -> [u8; SECRET_LEN] {
    use rand::RngCore as _;
    let mut secret = [0u8; SECRET_LEN];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret in base32 (RFC 4648, no padding), as authenticator apps take it typed in.
pub fn base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The secret in groups of four for reading and typing (`ABCD EFGH …`).
pub fn grouped(secret: &[u8]) -> String {
    let b32 = base32(secret);
    b32.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` URI an authenticator app reads from the QR code. `issuer` and `account`
/// are percent-encoded.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let issuer = percent(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period={STEP_SECS}",
        account = percent(account),
        secret = base32(secret),
    )
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The step a Unix time falls in.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// HOTP (RFC 4226) of `counter`, `digits` long.
pub fn hotp(secret: &[u8], counter: i64, digits: u32) -> u32 {
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    bin % 10u32.pow(digits)
}

/// The 6-digit code for `step`, as the app shows it.
pub fn code_at(secret: &[u8], step: i64) -> String {
    format!("{:06}", hotp(secret, step, 6))
}

/// What was typed, as one of the two kinds of code (spaces and dashes ignored, case too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Six digits from the authenticator app.
    Totp(u32),
    /// A recovery code (ten base32 characters), normalised.
    Recovery(String),
}

impl Typed {
    /// Reads a typed code, or `None` when it is neither kind.
    pub fn parse(raw: &str) -> Option<Self> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse().ok().map(Self::Totp);
        }
        let base32 = |b: u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b);
        (s.len() == 10 && s.bytes().all(base32)).then_some(Self::Recovery(s))
    }
}

/// The step within `DRIFT_STEPS` of `now_step` that `code` belongs to and that is later than
/// `last_step` (a code is accepted once), or `None`.
pub fn accepted_step(secret: &[u8], code: u32, now_step: i64, last_step: i64) -> Option<i64> {
    (now_step - DRIFT_STEPS..=now_step + DRIFT_STEPS)
        .filter(|step| *step > last_step)
        .find(|step| hotp(secret, *step, 6) == code)
}

/// New recovery codes: ten characters of base32 (50 bits) each, shown as `ABCDE-FGHIJ`.
pub fn new_recovery_codes() -> Vec<String> {
    use rand::RngCore as _;
    (0..RECOVERY_CODES)
        .map(|_| {
            // Seven bytes make twelve base32 characters; the first ten carry 50 random bits.
            let mut bytes = [0u8; 7];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let s = base32(&bytes[..]);
            format!("{}-{}", &s[..5], &s[5..10])
        })
        .collect()
}

/// What is stored for a recovery code: SHA-256 of its normalised form.
pub fn recovery_hash(normalised: &str) -> Vec<u8> {
    sha2::Sha256::digest(normalised.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the 8-digit values; 6 digits are their last six).
    #[test]
    fn totp_matches_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, want) in [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(hotp(secret, step_at(time), 8), want, "t={time}");
            assert_eq!(
                code_at(secret, step_at(time)),
                format!("{:06}", want % 1_000_000)
            );
        }
    }

    /// RFC 4226 appendix D.
    #[test]
    fn hotp_matches_the_rfc_4226_test_vectors() {
        let secret = b"12345678901234567890";
        let want = [
            755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871,
            520_489,
        ];
        for (counter, want) in want.into_iter().enumerate() {
            assert_eq!(hotp(secret, counter as i64, 6), want);
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_once() {
        let secret = new_secret();
        let now = 1_000_000;
        let code = |s| hotp(&secret, s, 6);
        assert_eq!(accepted_step(&secret, code(now), now, 0), Some(now));
        assert_eq!(accepted_step(&secret, code(now - 1), now, 0), Some(now - 1));
        assert_eq!(accepted_step(&secret, code(now + 1), now, 0), Some(now + 1));
        // Two steps off is too far (unless the code happens to collide, one in a million).
        if ![now - 1, now, now + 1]
            .iter()
            .any(|s| code(*s) == code(now - 2))
        {
            assert_eq!(accepted_step(&secret, code(now - 2), now, 0), None);
        }
        // Once used, neither that step nor an earlier one is accepted again.
        assert_eq!(accepted_step(&secret, code(now), now, now), None);
        assert_eq!(accepted_step(&secret, code(now - 1), now, now), None);
        assert_eq!(
            accepted_step(&secret, code(now + 1), now, now),
            Some(now + 1)
        );
    }

    #[test]
    fn typed_codes_are_read_leniently_and_nothing_else_is() {
        assert_eq!(Typed::parse(" 012 345 "), Some(Typed::Totp(12_345)));
        assert_eq!(
            Typed::parse("abcde-fgh27"),
            Some(Typed::Recovery("ABCDEFGH27".into()))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12a456",
            "ABCDEFGH1J",
            "ABCDEFGHIJK",
            "ÅBCDEFGHIJ",
        ] {
            assert_eq!(Typed::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn recovery_codes_are_distinct_readable_and_parse_back() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for c in &codes {
            assert_eq!(c.len(), 11);
            assert!(matches!(Typed::parse(c), Some(Typed::Recovery(_))));
        }
    }

    #[test]
    fn the_uri_carries_the_secret_and_escapes_names() {
        let uri = otpauth_uri(b"12345678901234567890", "Kafé & Co", "a+b@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Kaf%C3%A9%20%26%20Co:a%2Bb@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kaf%C3%A9%20%26%20Co&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(grouped(b"12345"), "GEZD GNBV");
    }
}
