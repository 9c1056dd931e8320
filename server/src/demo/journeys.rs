//! The journeys' messages in each language (the journeys stay off: the owner decides).

use app::db::Stamp;

use super::DemoError;

/// A message: language, subject, text.
type Message = (&'static str, &'static str, &'static str);

/// Per journey: its trigger and its message in each language.
const MESSAGES: [(&str, [Message; 5]); 11] = [
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
    (
        "tier_at_risk",
        [
            (
                "en",
                "Keep your {{ tier }}, {{ preferred_name }}",
                "Your {{ tier }} tier at {{ shop }} is reviewed soon, and the points you have earned this period do not keep it yet. A visit or two will: {{ portal_url }}",
            ),
            (
                "sv",
                "Behåll din nivå {{ tier }}, {{ preferred_name }}",
                "Din nivå {{ tier }} hos {{ shop }} omprövas snart, och poängen du tjänat under perioden räcker inte än för att behålla den. Ett besök eller två räcker: {{ portal_url }}",
            ),
            (
                "nb",
                "Behold nivået {{ tier }}, {{ preferred_name }}",
                "Nivået ditt {{ tier }} hos {{ shop }} vurderes snart, og poengene du har tjent i perioden holder ikke ennå. Et besøk eller to holder: {{ portal_url }}",
            ),
            (
                "lv",
                "Saglabā savu līmeni {{ tier }}, {{ preferred_name }}",
                "Tavu līmeni {{ tier }} {{ shop }} drīz pārskatīs, un šajā periodā nopelnītie punkti to vēl nesaglabā. Pietiks ar vienu vai diviem apmeklējumiem: {{ portal_url }}",
            ),
            (
                "pt",
                "Mantenha seu nível {{ tier }}, {{ preferred_name }}",
                "Seu nível {{ tier }} na {{ shop }} será revisto em breve, e os pontos ganhos neste período ainda não o mantêm. Uma ou duas visitas bastam: {{ portal_url }}",
            ),
        ],
    ),
    (
        "coupon_issued",
        [
            (
                "en",
                "{{ discount_percent }} % off your next visit, {{ preferred_name }}",
                "Thank you for your purchase! Your next visit to {{ shop }} is {{ discount_percent }} % off until {{ discount_until }}. Show your card at the counter: {{ portal_url }}",
            ),
            (
                "sv",
                "{{ discount_percent }} % rabatt vid nästa besök, {{ preferred_name }}",
                "Tack för ditt köp! Ditt nästa besök hos {{ shop }} ger {{ discount_percent }} % rabatt till och med {{ discount_until }}. Visa ditt kort i kassan: {{ portal_url }}",
            ),
            (
                "nb",
                "{{ discount_percent }} % rabatt på neste besøk, {{ preferred_name }}",
                "Takk for kjøpet! Neste besøk hos {{ shop }} gir {{ discount_percent }} % rabatt til og med {{ discount_until }}. Vis kortet ditt i kassen: {{ portal_url }}",
            ),
            (
                "lv",
                "{{ discount_percent }} % atlaide nākamajā apmeklējumā, {{ preferred_name }}",
                "Paldies par pirkumu! Nākamajā apmeklējumā {{ shop }} tev ir {{ discount_percent }} % atlaide līdz {{ discount_until }}. Uzrādi karti pie kases: {{ portal_url }}",
            ),
            (
                "pt",
                "{{ discount_percent }} % de desconto na próxima visita, {{ preferred_name }}",
                "Obrigado pela compra! Sua próxima visita à {{ shop }} tem {{ discount_percent }} % de desconto até {{ discount_until }}. Mostre seu cartão no caixa: {{ portal_url }}",
            ),
        ],
    ),
    (
        "coupon_ending",
        [
            (
                "en",
                "Your {{ discount_percent }} % off ends on {{ discount_until }}",
                "{{ preferred_name }}, your next-visit discount at {{ shop }} is still waiting. Come by before it ends: {{ portal_url }}",
            ),
            (
                "sv",
                "Din rabatt på {{ discount_percent }} % går ut {{ discount_until }}",
                "{{ preferred_name }}, din rabatt vid nästa besök hos {{ shop }} väntar fortfarande. Titta in innan den går ut: {{ portal_url }}",
            ),
            (
                "nb",
                "Rabatten din på {{ discount_percent }} % går ut {{ discount_until }}",
                "{{ preferred_name }}, rabatten din på neste besøk hos {{ shop }} venter fortsatt. Stikk innom før den går ut: {{ portal_url }}",
            ),
            (
                "lv",
                "Tava {{ discount_percent }} % atlaide beidzas {{ discount_until }}",
                "{{ preferred_name }}, tava atlaide nākamajā apmeklējumā {{ shop }} vēl gaida. Iegriezies, pirms tā beidzas: {{ portal_url }}",
            ),
            (
                "pt",
                "Seu desconto de {{ discount_percent }} % termina em {{ discount_until }}",
                "{{ preferred_name }}, seu desconto na próxima visita à {{ shop }} ainda está esperando. Passe aqui antes que termine: {{ portal_url }}",
            ),
        ],
    ),
    (
        "reward_in_reach",
        [
            (
                "en",
                "You have enough points for a reward, {{ preferred_name }}",
                "You have {{ points }} points at {{ shop }}: enough for a reward. Pick yours: {{ portal_url }}me/rewards",
            ),
            (
                "sv",
                "Du har poäng nog för en belöning, {{ preferred_name }}",
                "Du har {{ points }} poäng hos {{ shop }}: nog för en belöning. Välj din: {{ portal_url }}me/rewards",
            ),
            (
                "nb",
                "Du har nok poeng til en belønning, {{ preferred_name }}",
                "Du har {{ points }} poeng hos {{ shop }}: nok til en belønning. Velg din: {{ portal_url }}me/rewards",
            ),
            (
                "lv",
                "Tev pietiek punktu atlīdzībai, {{ preferred_name }}",
                "Tev {{ shop }} ir {{ points }} punkti: pietiek atlīdzībai. Izvēlies savu: {{ portal_url }}me/rewards",
            ),
            (
                "pt",
                "Você tem pontos suficientes para uma recompensa, {{ preferred_name }}",
                "Você tem {{ points }} pontos na {{ shop }}: o bastante para uma recompensa. Escolha a sua: {{ portal_url }}me/rewards",
            ),
        ],
    ),
    (
        "case_answered",
        [
            (
                "en",
                "We answered your feedback, {{ preferred_name }}",
                "Thank you for telling {{ shop }} what you think. Read our answer: {{ portal_url }}me/feedback",
            ),
            (
                "sv",
                "Vi har svarat på dina synpunkter, {{ preferred_name }}",
                "Tack för att du berättade för {{ shop }} vad du tycker. Läs vårt svar: {{ portal_url }}me/feedback",
            ),
            (
                "nb",
                "Vi har svart på tilbakemeldingen din, {{ preferred_name }}",
                "Takk for at du fortalte {{ shop }} hva du synes. Les svaret vårt: {{ portal_url }}me/feedback",
            ),
            (
                "lv",
                "Mēs atbildējām uz tavām atsauksmēm, {{ preferred_name }}",
                "Paldies, ka pastāstīji {{ shop }}, ko domā. Izlasi mūsu atbildi: {{ portal_url }}me/feedback",
            ),
            (
                "pt",
                "Respondemos à sua opinião, {{ preferred_name }}",
                "Obrigado por contar à {{ shop }} o que você acha. Leia nossa resposta: {{ portal_url }}me/feedback",
            ),
        ],
    ),
    (
        "offer_starting",
        [
            (
                "en",
                "New for members: {{ offer.title }}",
                "{{ preferred_name }}, {{ offer.title }} is yours at {{ shop }}. {{ offer.description }} See it: {{ offer.url }}",
            ),
            (
                "sv",
                "Nytt för medlemmar: {{ offer.title }}",
                "{{ preferred_name }}, {{ offer.title }} gäller dig hos {{ shop }}. {{ offer.description }} Se erbjudandet: {{ offer.url }}",
            ),
            (
                "nb",
                "Nytt for medlemmer: {{ offer.title }}",
                "{{ preferred_name }}, {{ offer.title }} gjelder deg hos {{ shop }}. {{ offer.description }} Se tilbudet: {{ offer.url }}",
            ),
            (
                "lv",
                "Jaunums dalībniekiem: {{ offer.title }}",
                "{{ preferred_name }}, {{ shop }} tev piedāvā: {{ offer.title }}. {{ offer.description }} Apskati: {{ offer.url }}",
            ),
            (
                "pt",
                "Novidade para membros: {{ offer.title }}",
                "{{ preferred_name }}, {{ offer.title }} é para você na {{ shop }}. {{ offer.description }} Veja a oferta: {{ offer.url }}",
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
        save_messages(conn, campaign, &messages, at).await?;
    }
    Ok(())
}

/// Writes campaign `campaign`'s message in each language.
pub(super) async fn save_messages(
    conn: &mut sqlx::SqliteConnection,
    campaign: i64,
    messages: &[Message],
    at: Stamp,
) -> Result<(), DemoError> {
    for (language, subject, body) in messages {
        let message = app::campaigns::Message {
            language: (*language).into(),
            subject: (*subject).into(),
            preheader: String::new(),
            body: (*body).into(),
            problems: vec![],
        };
        app::campaigns::db::save_message(conn, campaign, &message, at).await?;
    }
    Ok(())
}
