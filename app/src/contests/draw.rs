//! The draw's arithmetic, the same for the draw and for checking it: a seed, scores, the
//! entrant list's hash and the winners. Entrants are named by their member number (the one on
//! their card), so anyone can redo it with `sha256sum`: `printf '%s:%s' SEED NUMBER |
//! sha256sum` is an entrant's score, and `printf '%s\n' NUMBER… | sha256sum` (in rising
//! order) the list's hash.

use sha2::{Digest as _, Sha256};

use crate::loyalty::rules::member_number;

/// 32 random bytes from the OS, as 64 hex digits.
pub fn new_seed() -> String {
    use rand::RngCore as _;
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `text`, as 64 hex digits.
pub fn sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// An entrant's score: SHA-256 of `"<seed>:<member number>"`.
pub fn score(seed: &str, member_id: i64) -> String {
    sha256(&format!("{seed}:{}", member_number(member_id)))
}

/// The entrant list's hash: SHA-256 of their member numbers in rising order, each followed
/// by a newline (the empty list hashes the empty text).
pub fn list_hash(ids: &[i64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let text: String = sorted
        .iter()
        .map(|id| format!("{}\n", member_number(*id)))
        .collect();
    sha256(&text)
}

/// The `n` winners among `ids`: the lowest scores, lowest first (a tie, which SHA-256 all but
/// rules out, goes to the lower id). Each with its score.
pub fn winners(seed: &str, ids: &[i64], n: usize) -> Vec<(i64, String)> {
    let mut scored: Vec<(String, i64)> = ids.iter().map(|&id| (score(seed, id), id)).collect();
    scored.sort_unstable();
    scored.dedup_by_key(|(_, id)| *id);
    scored
        .into_iter()
        .take(n)
        .map(|(score, id)| (id, score))
        .collect()
}

/// Re-runs a recorded draw: `recorded` is every entrant as `(member id, score, place)`, and
/// `hash` the published list hash.
pub fn check(seed: &str, hash: &str, recorded: &[(i64, String, Option<i64>)]) -> super::Check {
    let ids: Vec<i64> = recorded.iter().map(|(id, _, _)| *id).collect();
    let places = recorded.iter().filter(|(_, _, p)| p.is_some()).count();
    let mut chosen: Vec<(i64, i64)> = recorded
        .iter()
        .filter_map(|(id, _, place)| place.map(|p| (p, *id)))
        .collect();
    chosen.sort_unstable();
    let again: Vec<(i64, i64)> = winners(seed, &ids, places)
        .into_iter()
        .zip(1..)
        .map(|((id, _), place)| (place, id))
        .collect();
    super::Check {
        list_matches: list_hash(&ids) == hash,
        scores_match: recorded.iter().all(|(id, s, _)| *s == score(seed, *id)),
        winners_match: again == chosen,
        entrants: i64::try_from(ids.len()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn a_score_is_the_sha256_of_seed_colon_member_number_as_sha256sum_prints_it() {
        // printf '%s:%s' SEED 00000075 | sha256sum (member 7's number: 0000007 and its check digit)
        assert_eq!(member_number(7), "00000075");
        assert_eq!(score(SEED, 7), sha256(&format!("{SEED}:00000075")));
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(score(SEED, 7).len(), 64);
    }

    #[test]
    fn the_list_hash_does_not_depend_on_the_order_given() {
        assert_eq!(list_hash(&[3, 1, 2]), list_hash(&[1, 2, 3]));
        let numbers: String = [1, 2, 3]
            .map(|i| format!("{}\n", member_number(i)))
            .concat();
        assert_eq!(list_hash(&[1, 2, 3]), sha256(&numbers));
        assert_eq!(
            list_hash(&[]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_lowest_scores_win_and_the_same_seed_draws_the_same_winners() {
        let ids: Vec<i64> = (1..=50).collect();
        let drawn = winners(SEED, &ids, 3);
        assert_eq!(drawn.len(), 3);
        let mut all: Vec<(String, i64)> = ids
            .iter()
            .map(|&id| (sha256(&format!("{SEED}:{}", member_number(id))), id))
            .collect();
        all.sort();
        let lowest: Vec<i64> = all.iter().take(3).map(|(_, id)| *id).collect();
        assert_eq!(drawn.iter().map(|(id, _)| *id).collect::<Vec<_>>(), lowest);
        let mut shuffled = ids.clone();
        shuffled.reverse();
        assert_eq!(winners(SEED, &shuffled, 3), drawn);
        let other = SEED.replace("00112233", "ffffffff");
        assert_ne!(winners(&other, &ids, 3), drawn);
        assert_eq!(winners(SEED, &[5, 9], 10).len(), 2);
        assert!(winners(SEED, &[], 1).is_empty());
    }

    #[test]
    fn a_check_finds_a_changed_list_score_or_winner() {
        let ids: Vec<i64> = (10..30).collect();
        let won = winners(SEED, &ids, 2);
        let recorded: Vec<(i64, String, Option<i64>)> = ids
            .iter()
            .map(|&id| {
                let place = won.iter().position(|(w, _)| *w == id);
                (id, score(SEED, id), place.map(|p| p as i64 + 1))
            })
            .collect();
        let hash = list_hash(&ids);
        let ok = check(SEED, &hash, &recorded);
        assert!(ok.same(), "{ok:?}");
        assert_eq!(ok.entrants, 20);

        let fewer = &recorded[1..];
        assert!(!check(SEED, &hash, fewer).list_matches);

        let mut forged = recorded.clone();
        forged[0].1 = "0".repeat(64);
        assert!(!check(SEED, &hash, &forged).scores_match);

        let mut swapped = recorded.clone();
        let loser = swapped
            .iter()
            .position(|(_, _, p)| p.is_none())
            .expect("a loser");
        let winner = swapped
            .iter()
            .position(|(_, _, p)| *p == Some(1))
            .expect("a winner");
        swapped[loser].2 = Some(1);
        swapped[winner].2 = None;
        let bad = check(SEED, &hash, &swapped);
        assert!(bad.list_matches && bad.scores_match && !bad.winners_match);
    }

    #[test]
    fn seeds_are_64_hex_digits_and_differ() {
        let (a, b) = (new_seed(), new_seed());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
