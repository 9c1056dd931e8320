//! The journeys' messages in each language (the journeys stay off: the owner decides).

use app::db::Stamp;

use super::DemoError;

/// A message: language, subject, text.
type Message = (&'static str, &'static str, &'static str);

/// Per journey: its trigger and its message in each language.
const MESSAGES: [(&str, [Message; 5]); 5] = [
    (
        "win_back",
        [
            (
                "en",
                "We miss you, {{ preferred_name }}",
                "It has been a while! You have {{ points }} points waiting at {{ shop }}. Come by this week: {{ portal_url }}",
            ),
            (
                "sv",
                "Vi saknar dig, {{ preferred_name }}",
                "Det var ett tag sedan! Du har {{ points }} poäng som väntar hos {{ shop }}. Titta förbi den här veckan: {{ portal_url }}",
            ),
            (
                "nb",
                "Vi savner deg, {{ preferred_name }}",
                "Det er en stund siden! Du har {{ points }} poeng som venter hos {{ shop }}. Stikk innom denne uken: {{ portal_url }}",
            ),
            (
                "lv",
                "Mums tevis pietrūkst, {{ preferred_name }}",
                "Sen neesam tikušies! {{ shop }} tevi gaida {{ points }} punkti. Iegriezies šonedēļ: {{ portal_url }}",
            ),
            (
                "pt",
                "Sentimos sua falta, {{ preferred_name }}",
                "Faz tempo! Você tem {{ points }} pontos esperando na {{ shop }}. Passe aqui esta semana: {{ portal_url }}",
            ),
        ],
    ),
    (
        "welcome",
        [
            (
                "en",
                "Welcome to {{ shop }}, {{ preferred_name }}",
                "Glad to have you! Show your card at the counter and every purchase earns points. Your points and offers: {{ portal_url }}",
            ),
            (
                "sv",
                "Välkommen till {{ shop }}, {{ preferred_name }}",
                "Kul att du är med! Visa ditt kort i kassan så ger varje köp poäng. Dina poäng och erbjudanden: {{ portal_url }}",
            ),
            (
                "nb",
                "Velkommen til {{ shop }}, {{ preferred_name }}",
                "Hyggelig at du er med! Vis kortet ditt i kassen, så gir hvert kjøp poeng. Poengene og tilbudene dine: {{ portal_url }}",
            ),
            (
                "lv",
                "Laipni lūgti {{ shop }}, {{ preferred_name }}",
                "Prieks, ka esi ar mums! Uzrādi karti pie kases, un katrs pirkums dos punktus. Tavi punkti un piedāvājumi: {{ portal_url }}",
            ),
            (
                "pt",
                "Boas-vindas à {{ shop }}, {{ preferred_name }}",
                "Que bom ter você! Mostre seu cartão no caixa e cada compra rende pontos. Seus pontos e ofertas: {{ portal_url }}",
            ),
        ],
    ),
    (
        "birthday",
        [
            (
                "en",
                "Happy birthday, {{ preferred_name }}!",
                "Everyone at {{ shop }} wishes you a happy birthday. Come by and celebrate: {{ portal_url }}",
            ),
            (
                "sv",
                "Grattis på födelsedagen, {{ preferred_name }}!",
                "Alla på {{ shop }} gratulerar dig på födelsedagen. Titta in och fira: {{ portal_url }}",
            ),
            (
                "nb",
                "Gratulerer med dagen, {{ preferred_name }}!",
                "Alle hos {{ shop }} gratulerer deg med dagen. Stikk innom og feir: {{ portal_url }}",
            ),
            (
                "lv",
                "Daudz laimes dzimšanas dienā, {{ preferred_name }}!",
                "Visi {{ shop }} sveic tevi dzimšanas dienā. Iegriezies un nosvini: {{ portal_url }}",
            ),
            (
                "pt",
                "Feliz aniversário, {{ preferred_name }}!",
                "Toda a equipe da {{ shop }} deseja um feliz aniversário. Venha comemorar: {{ portal_url }}",
            ),
        ],
    ),
    (
        "tier_reached",
        [
            (
                "en",
                "Welcome to {{ tier }}, {{ preferred_name }}!",
                "Thank you for coming back so often: you are now {{ tier }} at {{ shop }}. See what it brings: {{ portal_url }}",
            ),
            (
                "sv",
                "Välkommen till {{ tier }}, {{ preferred_name }}!",
                "Tack för att du kommer tillbaka så ofta: nu är du {{ tier }} hos {{ shop }}. Se vad det ger dig: {{ portal_url }}",
            ),
            (
                "nb",
                "Velkommen til {{ tier }}, {{ preferred_name }}!",
                "Takk for at du kommer så ofte: nå er du {{ tier }} hos {{ shop }}. Se hva det gir deg: {{ portal_url }}",
            ),
            (
                "lv",
                "Laipni lūgts līmenī {{ tier }}, {{ preferred_name }}!",
                "Paldies, ka nāc tik bieži: tagad tev {{ shop }} ir līmenis {{ tier }}. Uzzini, ko tas dod: {{ portal_url }}",
            ),
            (
                "pt",
                "Boas-vindas ao {{ tier }}, {{ preferred_name }}!",
                "Obrigado por voltar tantas vezes: agora você é {{ tier }} na {{ shop }}. Veja o que isso traz: {{ portal_url }}",
            ),
        ],
    ),
    (
        "points_expiring",
        [
            (
                "en",
                "{{ expiring_points }} points expire on {{ expiring_on }}",
                "{{ preferred_name }}, use them before they go: you have {{ points }} points at {{ shop }}. See your rewards: {{ portal_url }}",
            ),
            (
                "sv",
                "{{ expiring_points }} poäng går ut {{ expiring_on }}",
                "{{ preferred_name }}, använd dem innan de försvinner: du har {{ points }} poäng hos {{ shop }}. Se dina belöningar: {{ portal_url }}",
            ),
            (
                "nb",
                "{{ expiring_points }} poeng utløper {{ expiring_on }}",
                "{{ preferred_name }}, bruk dem før de forsvinner: du har {{ points }} poeng hos {{ shop }}. Se belønningene dine: {{ portal_url }}",
            ),
            (
                "lv",
                "{{ expiring_points }} punktiem termiņš beidzas {{ expiring_on }}",
                "{{ preferred_name }}, izmanto tos, pirms tie zūd: tev ir {{ points }} punkti {{ shop }}. Tavas balvas: {{ portal_url }}",
            ),
            (
                "pt",
                "{{ expiring_points }} pontos expiram em {{ expiring_on }}",
                "{{ preferred_name }}, use antes que expirem: você tem {{ points }} pontos na {{ shop }}. Veja suas recompensas: {{ portal_url }}",
            ),
        ],
    ),
];

/// Writes every journey's messages.
pub(super) async fn load_messages(
    conn: &mut sqlx::SqliteConnection,
    at: Stamp,
) -> Result<(), DemoError> {
    for (trigger, messages) in MESSAGES {
        let campaign: i64 =
            sqlx::query_scalar("SELECT campaign_id FROM journeys WHERE trigger = $1")
                .bind(trigger)
                .fetch_one(&mut *conn)
                .await?;
        for (language, subject, body) in messages {
            let message = app::campaigns::Message {
                language: language.into(),
                subject: subject.into(),
                preheader: String::new(),
                body: body.into(),
                problems: vec![],
            };
            app::campaigns::db::save_message(conn, campaign, &message, at).await?;
        }
    }
    Ok(())
}
