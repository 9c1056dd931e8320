//! A bar chart: one number per period (a week, a month) as bars from a zero line. The same
//! numbers are always in a table beside it, so the chart is one image with a summary for
//! screen readers.

use leptos::prelude::*;

use crate::i18n::{LocaleExt as _, format, use_i18n};

/// `bars` are each period's label and number (`None`: no figure, no bar); `low`..`high` is
/// the scale. Nothing is drawn when no period has a figure.
#[component]
pub fn BarChart(
    title: &'static str,
    bars: Vec<(String, Option<i64>)>,
    low: i64,
    high: i64,
) -> impl IntoView {
    const H: i64 = 100;
    const W: i64 = 24;
    if bars.iter().all(|(_, v)| v.is_none()) {
        return ().into_any();
    }
    let locale = use_i18n().get_locale_untracked().as_str();
    let span = (high - low).max(1);
    let y = move |v: i64| H - (v - low) * H / span;
    let zero = y(0.clamp(low, high));
    let width = i64::try_from(bars.len()).unwrap_or(0) * (W + 8);
    let summary = bars
        .iter()
        .map(|(key, v)| {
            let v = v.map_or_else(|| "—".to_owned(), |v| format::number(locale, v));
            format!("{key}: {v}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let rects = bars
        .into_iter()
        .enumerate()
        .filter_map(|(i, (key, v))| {
            let v = v?;
            let x = i64::try_from(i).unwrap_or(0) * (W + 8) + 4;
            let (top, bottom) = (y(v).min(zero), y(v).max(zero));
            let class = if v < 0 { "bar negative" } else { "bar" };
            Some(view! {
                <rect class=class x=x y=top width=W height=(bottom - top).max(1)>
                    <title>{format!("{key}: {v}")}</title>
                </rect>
            })
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {} {}", width.max(1), H) preserveAspectRatio="none" role="img"
                aria-label=format!("{title}: {summary}")>
                <line class="axis" x1="0" x2=width y1=zero y2=zero />
                {rects}
            </svg>
        </figure>
    }
    .into_any()
}
