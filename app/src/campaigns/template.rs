//! Messages staff write, rendered safely. A message is plain text with `{{ variables }}`
//! (minijinja: `if`, `for` and filters work, nothing reads files or the network). The engine is
//! sandboxed: fuel bounds the work one render may do, recursion is bounded, and undefined
//! variables are errors — an unknown name is caught in the editor, never sent as blank.
//!
//! The email's HTML part is built from the rendered text (escaped, paragraphs, links), inside a
//! small table layout that phones and common mail clients show well; its plain-text part is the
//! rendered text itself. Staff never write HTML, so nothing they write can break the layout.

use minijinja::{Environment, UndefinedBehavior, Value};

use super::{Problem, VARIABLES};
use crate::brand::Brand;

/// The engine's own global functions (reported as undeclared, but defined).
const BUILTINS: [&str; 3] = ["range", "dict", "namespace"];

/// Work one render may do (minijinja's fuel: roughly one unit per instruction).
const FUEL: u64 = 50_000;
/// Deepest nesting of blocks.
const RECURSION: usize = 20;

/// The values a message is rendered with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    /// The member's preferred name.
    pub preferred_name: String,
    /// Their balance.
    pub points: i64,
    /// Their tier's name (empty: none).
    pub tier: String,
    /// Points that expire next (0: none).
    pub expiring_points: i64,
    /// When those expire, in the member's language (empty: none).
    pub expiring_on: String,
    /// The percent off of the member's unused next-visit discount that ends first (0: none;
    /// also one that starts tomorrow).
    pub discount_percent: i64,
    /// Its last day (empty: none).
    pub discount_until: String,
    /// The shop's name.
    pub shop: String,
    /// The portal's address.
    pub portal_url: String,
    /// This message's preference page.
    pub preferences_url: String,
    /// The campaign's offer (`{{ offer.title }}`), when it has one.
    pub offer: Option<Linked>,
    /// The campaign's reward (`{{ reward.title }}`), when it has one.
    pub reward: Option<Linked>,
}

/// An offer or reward as messages see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Where members read about it (sent as a short link).
    pub url: String,
}

impl Linked {
    fn value(&self) -> Value {
        Value::from_pairs([
            ("title", Value::from(self.title.as_str())),
            ("description", Value::from(self.description.as_str())),
            ("url", Value::from(self.url.as_str())),
        ])
    }
}

/// What a campaign has chosen for its messages to name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Chosen {
    /// An offer.
    pub offer: bool,
    /// A reward.
    pub reward: bool,
}

impl Chosen {
    /// Both (for checks without a campaign).
    pub const ALL: Chosen = Chosen {
        offer: true,
        reward: true,
    };

    fn knows(self, name: &str) -> bool {
        match name {
            "offer" => self.offer,
            "reward" => self.reward,
            other => VARIABLES.contains(&other),
        }
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION);
    // Text out, text in: the HTML part escapes it afterwards.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// The problems of `source` in a campaign that has chosen `chosen`: syntax, then every unknown
/// variable (sorted; `offer` and `reward` are unknown until chosen), then a trial render with
/// sample values (fuel and runtime errors). Empty: it can be sent.
pub fn check(source: &str, chosen: Chosen) -> Vec<Problem> {
    let env = environment();
    let template = match env.template_from_str(source) {
        Ok(t) => t,
        Err(e) => {
            return vec![Problem::Syntax {
                detail: e.to_string(),
            }];
        }
    };
    let mut unknown: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !chosen.knows(name) && !BUILTINS.contains(&name.as_str()))
        .collect();
    if !unknown.is_empty() {
        unknown.sort();
        return unknown
            .into_iter()
            .map(|name| Problem::Unknown { name })
            .collect();
    }
    match render(source, &sample()) {
        Ok(_) => vec![],
        Err(p) => vec![p],
    }
}

/// Values for trial renders and previews without a member.
pub fn sample() -> Vars {
    Vars {
        preferred_name: "Anna".into(),
        points: 1250,
        tier: "Gold".into(),
        expiring_points: 200,
        expiring_on: "2027-01-31".into(),
        discount_percent: 10,
        discount_until: "2027-01-14".into(),
        shop: "Regulars".into(),
        portal_url: "https://example.org/".into(),
        preferences_url: "https://example.org/u/sample".into(),
        offer: Some(Linked {
            title: "20 % off winter coats".into(),
            description: "This week only.".into(),
            url: "https://example.org/#offer-1".into(),
        }),
        reward: Some(Linked {
            title: "Free coffee".into(),
            description: String::new(),
            url: "https://example.org/me/rewards#reward-1".into(),
        }),
    }
}

/// `source` rendered with `vars`.
pub fn render(source: &str, vars: &Vars) -> Result<String, Problem> {
    render_with(source, vars, true)
}

/// `source` rendered for everyone (a poster): with the shop's values and the campaign's offer
/// and reward only, so that a member's own value (name, points, tier, a discount, the
/// preferences page) is an error.
pub fn render_for_everyone(source: &str, vars: &Vars) -> Result<String, Problem> {
    render_with(source, vars, false)
}

fn render_with(source: &str, vars: &Vars, member: bool) -> Result<String, Problem> {
    let env = environment();
    let mut pairs = vec![
        ("shop", Value::from(vars.shop.as_str())),
        ("portal_url", Value::from(vars.portal_url.as_str())),
    ];
    if member {
        pairs.extend([
            ("preferred_name", Value::from(vars.preferred_name.as_str())),
            ("points", Value::from(vars.points)),
            ("tier", Value::from(vars.tier.as_str())),
            ("expiring_points", Value::from(vars.expiring_points)),
            ("expiring_on", Value::from(vars.expiring_on.as_str())),
            ("discount_percent", Value::from(vars.discount_percent)),
            ("discount_until", Value::from(vars.discount_until.as_str())),
            (
                "preferences_url",
                Value::from(vars.preferences_url.as_str()),
            ),
        ]);
    }
    if let Some(offer) = &vars.offer {
        pairs.push(("offer", offer.value()));
    }
    if let Some(reward) = &vars.reward {
        pairs.push(("reward", reward.value()));
    }
    let ctx = Value::from_pairs(pairs);
    env.render_str(source, ctx).map_err(|e| match e.kind() {
        minijinja::ErrorKind::SyntaxError => Problem::Syntax {
            detail: e.to_string(),
        },
        _ => Problem::Render {
            detail: e.to_string(),
        },
    })
}

/// HTML-escapes text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `http(s)://` address a word of text is, and the punctuation after it.
pub fn url_of(word: &str) -> Option<(&str, &str)> {
    let trimmed = word.trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
    (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
        .then(|| (trimmed, &word[trimmed.len()..]))
}

/// One line of text as HTML: escaped, with `http(s)://` addresses as links.
fn line_html(line: &str) -> String {
    let mut out = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some((url, rest)) = url_of(word) {
            let href = escape(url);
            out.push_str(&format!(
                "<a href=\"{href}\" style=\"color:inherit;font-weight:bold\">{href}</a>{}",
                escape(rest)
            ));
        } else {
            out.push_str(&escape(word));
        }
    }
    out
}

/// Rendered text as HTML paragraphs (blank lines separate them, single breaks stay).
pub fn paragraphs_html(text: &str) -> String {
    paragraphs(text)
        .iter()
        .map(|p| {
            let lines: Vec<String> = p.lines().map(line_html).collect();
            format!(
                "<p style=\"margin:0 0 16px;font-size:16px;line-height:1.5\">{}</p>",
                lines.join("<br>")
            )
        })
        .collect()
}

/// `text`'s paragraphs (parted by a blank line), each trimmed; empty ones dropped.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a rendered email holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Subject.
    pub subject: String,
    /// The HTML part.
    pub html: String,
    /// The plain-text part.
    pub text: String,
}

/// A rendered message in one language.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    /// Its language code.
    pub language: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Preheader.
    pub preheader: &'a str,
    /// Body (rendered text).
    pub body: &'a str,
}

/// The footer's words in one language.
#[derive(Debug, Clone, Copy)]
pub struct Footer<'a> {
    /// Why they get it ("You get this because you asked for offers by email.").
    pub why: &'a str,
    /// The link text to the preference page ("Unsubscribe or change what you get").
    pub unsubscribe: &'a str,
    /// The message's preference page.
    pub preferences_url: &'a str,
    /// The address of the 1×1 image whose loading records the open (marketing messages).
    pub pixel_url: Option<&'a str>,
}

/// A whole email: the brand's header, the preheader (hidden, what phones show after the
/// subject), the body and a footer with the unsubscribe link; HTML and plain text.
pub fn email(
    brand: &Brand,
    logo_url: Option<&str>,
    content: Content<'_>,
    footer: Footer<'_>,
) -> Email {
    let Content {
        language,
        subject,
        preheader,
        body,
    } = content;
    let preferences_url = footer.preferences_url;
    let name = escape(brand.shown_name());
    let colour = escape(&brand.colour);
    let head = match logo_url {
        Some(url) => format!(
            "<img src=\"{}\" alt=\"{name}\" height=\"48\" style=\"display:block;height:48px;border:0\">",
            escape(url)
        ),
        None => {
            format!("<span style=\"font-size:20px;font-weight:bold;color:#ffffff\">{name}</span>")
        }
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{title}</title></head>\
<body style=\"margin:0;padding:0;background:#f4f4f2;color:#1b1b1b;font-family:Arial,Helvetica,sans-serif\">\
<div style=\"display:none;max-height:0;overflow:hidden\">{pre}</div>\
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f4f2\"><tr><td align=\"center\">\
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px\">\
<tr><td style=\"background:{colour};padding:16px 24px\">{head}</td></tr>\
<tr><td style=\"background:#ffffff;padding:24px\">{body}</td></tr>\
<tr><td style=\"padding:16px 24px;font-size:13px;line-height:1.5;color:#555555\">{why}<br>\
<a href=\"{prefs}\" style=\"color:#555555\">{unsub}</a></td></tr>\
</table></td></tr></table>{pixel}</body></html>\n",
        lang = escape(language),
        title = escape(subject),
        pre = escape(preheader),
        body = paragraphs_html(body),
        why = escape(footer.why),
        prefs = escape(preferences_url),
        unsub = escape(footer.unsubscribe),
        pixel = footer.pixel_url.map_or(String::new(), |url| format!(
            "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;width:1px;height:1px;border:0\">",
            escape(url)
        )),
    );
    let mut text = String::new();
    if !preheader.is_empty() {
        text.push_str(preheader.trim());
        text.push_str("\n\n");
    }
    text.push_str(body.trim());
    text.push_str(&format!(
        "\n\n-- \n{}\n{}: {preferences_url}\n",
        footer.why, footer.unsubscribe
    ));
    Email {
        subject: subject.to_owned(),
        html,
        text,
    }
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
