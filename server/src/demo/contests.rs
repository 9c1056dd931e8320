//! Two demo contests: one that ended yesterday and waits for its draw (the demo members who
//! bought yesterday are in it), and one open for the next three weeks that members enter on
//! its page. Texts in all five languages.

use app::{
    contests::{Prize, db::New},
    db::Stamp,
};

use super::DemoError;

/// `(slug, first day, last day, ways, prize points, winners, [(language, title, text)])`,
/// days relative to today on the shop's calendar.
type Demo = (
    &'static str,
    i64,
    i64,
    [bool; 4],
    i64,
    i64,
    [(&'static str, &'static str, &'static str); 5],
);

const CONTESTS: [Demo; 2] = [
    (
        "autumn-draw",
        -30,
        -1,
        [true, false, false, false],
        300,
        1,
        [
            (
                "en",
                "Autumn draw",
                "Every purchase in the last month took part. One member wins 300 points.",
            ),
            (
                "sv",
                "Höstdragning",
                "Varje köp den senaste månaden var med. En medlem vinner 300 poäng.",
            ),
            (
                "nb",
                "Høsttrekning",
                "Hvert kjøp den siste måneden var med. Én medlem vinner 300 poeng.",
            ),
            (
                "lv",
                "Rudens izloze",
                "Piedalījās katrs pēdējā mēneša pirkums. Viens dalībnieks laimē 300 punktus.",
            ),
            (
                "pt",
                "Sorteio de outono",
                "Cada compra do último mês participou. Um membro ganha 300 pontos.",
            ),
        ],
    ),
    (
        "winter-draw",
        0,
        21,
        [true, false, false, true],
        500,
        3,
        [
            (
                "en",
                "Winter draw",
                "Buy anything or enter here. Three members win 500 points each.",
            ),
            (
                "sv",
                "Vinterdragning",
                "Handla vad som helst eller delta här. Tre medlemmar vinner 500 poäng var.",
            ),
            (
                "nb",
                "Vintertrekning",
                "Kjøp hva som helst eller delta her. Tre medlemmer vinner 500 poeng hver.",
            ),
            (
                "lv",
                "Ziemas izloze",
                "Iepērcieties vai piesakieties šeit. Trīs dalībnieki laimē pa 500 punktiem.",
            ),
            (
                "pt",
                "Sorteio de inverno",
                "Compre qualquer coisa ou participe aqui. Três membros ganham 500 pontos cada.",
            ),
        ],
    ),
];

/// Makes the demo contests.
pub(super) async fn load_contests(
    conn: &mut sqlx::SqliteConnection,
    at: Stamp,
) -> Result<(), DemoError> {
    let (today, _) = app::loyalty::db::program::shop_today(conn, at).await?;
    for (slug, first, last, ways, points, winners, texts) in CONTESTS {
        let new = New {
            slug: slug.to_owned(),
            main_language: "en".to_owned(),
            texts: texts
                .iter()
                .map(|(l, t, d)| ((*l).to_owned(), (*t).to_owned(), (*d).to_owned()))
                .collect(),
            starts_on: today.plus_days(first),
            ends_on: today.plus_days(last),
            ways,
            prize: Prize::Points(points),
            winners,
        };
        app::contests::db::create(conn, &new, at)
            .await
            .map_err(|e| DemoError::Invalid(e.to_string()))?;
    }
    Ok(())
}
