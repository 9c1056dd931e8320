//! Tests of the template sandbox, the HTML part and the email layout.

use super::*;

#[test]
fn known_variables_render() {
    let out = render(
        "Hej {{ preferred_name }}, du har {{ points }} poäng",
        &sample(),
    );
    assert_eq!(out, Ok("Hej Anna, du har 1250 poäng".to_owned()));
}

#[test]
fn an_unknown_variable_is_an_error_not_a_blank() {
    assert_eq!(
        check("Hi {{ first_name }} and {{ nme }}", Chosen::ALL),
        vec![
            Problem::Unknown {
                name: "first_name".into()
            },
            Problem::Unknown { name: "nme".into() },
        ]
    );
    assert!(render("Hi {{ first_name }}", &sample()).is_err());
}

#[test]
fn offer_and_reward_are_known_once_chosen() {
    let text = "{{ offer.title }}: {{ offer.url }}";
    assert_eq!(
        check(text, Chosen::default()),
        vec![Problem::Unknown {
            name: "offer".into()
        }]
    );
    assert_eq!(
        check(
            text,
            Chosen {
                offer: true,
                reward: false
            }
        ),
        vec![]
    );
    assert_eq!(
        render(text, &sample()),
        Ok("20 % off winter coats: https://example.org/#offer-1".to_owned())
    );
    let none = Vars {
        offer: None,
        ..sample()
    };
    assert!(render(text, &none).is_err(), "never a blank");
}

#[test]
fn broken_syntax_is_reported() {
    assert!(matches!(
        check("Hi {{ preferred_name", Chosen::ALL)[..],
        [Problem::Syntax { .. }]
    ));
}

#[test]
fn a_runaway_loop_runs_out_of_fuel() {
    let problems = check(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        Chosen::ALL,
    );
    assert!(
        matches!(problems[..], [Problem::Render { .. }]),
        "{problems:?}"
    );
}

#[test]
fn conditions_and_filters_work() {
    let out = render(
        "{% if expiring_points > 0 %}{{ expiring_points }} expire {{ expiring_on }}{% endif %} {{ tier | upper }}",
        &sample(),
    );
    assert_eq!(out, Ok("200 expire 2027-01-31 GOLD".to_owned()));
}

#[test]
fn what_staff_write_is_escaped_and_links_are_linked() {
    let html = paragraphs_html("<b>Sale</b> & more: https://shop.example/o/abc.\n\nBye");
    assert_eq!(
        html,
        "<p style=\"margin:0 0 16px;font-size:16px;line-height:1.5\">&lt;b&gt;Sale&lt;/b&gt; &amp; more: \
<a href=\"https://shop.example/o/abc\" style=\"color:inherit;font-weight:bold\">https://shop.example/o/abc</a>.</p>\
<p style=\"margin:0 0 16px;font-size:16px;line-height:1.5\">Bye</p>"
    );
}

#[test]
fn the_email_has_both_parts_the_preheader_and_the_way_out() {
    let brand = Brand {
        name: "Kafé Ö".into(),
        colour: "#1f5f4a".into(),
        has_logo: false,
        version: String::new(),
    };
    let footer = Footer {
        why: "You asked for offers.",
        unsubscribe: "Unsubscribe",
        preferences_url: "https://x/u/t",
        pixel_url: Some("https://x/o/p/t"),
    };
    let content = Content {
        language: "sv",
        subject: "Rea!",
        preheader: "Bara idag",
        body: "Hej Anna",
    };
    let e = email(&brand, None, content, footer);
    assert!(e.html.contains("lang=\"sv\""));
    assert!(e.html.contains("Kafé Ö"));
    assert!(e.html.contains(">Bara idag</div>"));
    assert!(e.html.contains("href=\"https://x/u/t\""));
    assert!(
        e.html
            .contains("<img src=\"https://x/o/p/t\" width=\"1\" height=\"1\" alt=\"\"")
    );
    assert_eq!(
        e.text,
        "Bara idag\n\nHej Anna\n\n-- \nYou asked for offers.\nUnsubscribe: https://x/u/t\n"
    );
}

#[test]
fn a_poster_names_the_shop_and_the_offer_but_no_members_own_values() {
    let vars = sample();
    assert_eq!(
        render_for_everyone("{{ offer.title }} at {{ shop }}", &vars),
        Ok("20 % off winter coats at Regulars".to_owned())
    );
    for personal in [
        "{{ preferred_name }}",
        "{{ points }}",
        "{{ tier }}",
        "{{ discount_percent }}",
        "{{ preferences_url }}",
    ] {
        assert!(
            matches!(
                render_for_everyone(personal, &vars),
                Err(Problem::Render { .. })
            ),
            "{personal}"
        );
        assert!(render(personal, &vars).is_ok(), "{personal}");
    }
}
