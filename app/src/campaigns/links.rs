//! Short links: every address in a campaign's messages (written in the text, or the chosen
//! offer's and reward's) is sent as `/o/<code>-<message>`, which records the click and
//! redirects. Codes are made when the campaign is queued; the message part names the outbox
//! row, so a click counts for the member it was sent to (and a forwarded link for nobody).

use sqlx::SqliteConnection;

use super::template::url_of;
use crate::db::Stamp;

/// The addresses written in `text` (not those a variable fills in).
pub fn written_urls(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(url_of)
        .map(|(url, _)| url)
        .filter(|url| !url.contains("{{") && !url.contains("{%"))
        .map(str::to_owned)
        .collect()
}

/// A new code: 8 characters of an alphabet without look-alikes.
fn new_code() -> String {
    use rand::Rng as _;
    const ABC: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rngs::OsRng;
    (0..8)
        .map(|_| char::from(ABC[rng.gen_range(0..ABC.len())]))
        .collect()
}

/// Makes a code for each of `urls` that has none yet in campaign `id`.
pub async fn make(
    tx: &mut SqliteConnection,
    id: i64,
    urls: &[String],
    now: Stamp,
) -> Result<(), sqlx::Error> {
    for url in urls {
        sqlx::query(
            "INSERT INTO links (code, campaign_id, url, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (campaign_id, url) DO NOTHING",
        )
        .bind(new_code())
        .bind(id)
        .bind(url)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Campaign `id`'s links: `(url, code)`.
pub async fn of_campaign(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT url, code FROM links WHERE campaign_id = $1")
        .bind(id)
        .fetch_all(conn)
        .await
}

/// `text` with every address that has a code replaced by its short link for message
/// `outbox_id` (whole addresses only: a longer one that starts the same stays).
pub fn shorten(text: &str, links: &[(String, String)], base_url: &str, outbox_id: i64) -> String {
    if links.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        let space = tail.len() - tail.trim_start().len();
        match url_of(word).and_then(|(url, after)| {
            links
                .iter()
                .find(|(u, _)| u == url)
                .map(|(_, code)| (code, after))
        }) {
            Some((code, after)) => {
                out.push_str(&format!("{base_url}/o/{code}-{outbox_id:x}{after}"));
            }
            None => out.push_str(word),
        }
        out.push_str(&tail[..space]);
        rest = &tail[space..];
    }
    out
}

/// Records a click on `/o/<code>[-<message>]`; where to send the visitor, `None` when the
/// code is unknown. A message part that is not one of the link's campaign's is ignored.
pub async fn click(
    tx: &mut SqliteConnection,
    path: &str,
    now: Stamp,
) -> Result<Option<String>, sqlx::Error> {
    let (code, message) = match path.split_once('-') {
        Some((code, m)) => (code, i64::from_str_radix(m, 16).ok()),
        None => (path, None),
    };
    let link: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT id, campaign_id, url FROM links WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((link_id, campaign_id, url)) = link else {
        return Ok(None);
    };
    let outbox_id: Option<i64> =
        match message {
            Some(m) => sqlx::query_scalar(
                "SELECT id FROM outbox WHERE id = $1 AND (campaign_id = $2 OR message_from = $2)
                   AND kind IN ('campaign', 'journey')",
            )
            .bind(m)
            .bind(campaign_id)
            .fetch_optional(&mut *tx)
            .await?,
            None => None,
        };
    sqlx::query("INSERT INTO link_clicks (link_id, outbox_id, at) VALUES ($1, $2, $3)")
        .bind(link_id)
        .bind(outbox_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(Some(url))
}

/// Records the first open of the campaign or journey message whose preference token is
/// `token` (its image was loaded). Whether this was its first.
pub async fn opened(
    tx: &mut SqliteConnection,
    token: &str,
    now: Stamp,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE outbox SET opened_at = $2
         WHERE token = $1 AND kind IN ('campaign', 'journey') AND opened_at IS NULL",
    )
    .bind(token)
    .bind(now)
    .execute(tx)
    .await?
    .rows_affected()
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_addresses_are_found_and_variables_are_not() {
        assert_eq!(
            written_urls(
                "See https://a.example/x, and {{ portal_url }} or https://b.example/{{ points }}."
            ),
            vec!["https://a.example/x".to_owned()]
        );
    }

    #[test]
    fn only_whole_known_addresses_are_shortened() {
        let links = vec![("https://a.example/x".to_owned(), "abc".to_owned())];
        let text = "Go: https://a.example/x.\nNot https://a.example/xy nor a.example/x\t https://a.example/x";
        assert_eq!(
            shorten(text, &links, "https://shop", 255),
            "Go: https://shop/o/abc-ff.\nNot https://a.example/xy nor a.example/x\t https://shop/o/abc-ff"
        );
        assert_eq!(shorten(text, &[], "https://shop", 1), text);
    }
}
