//! `/console/staff`: owners add staff accounts and disable or re-enable them.

use leptos::{form::ActionForm, prelude::*};

use super::api::{CreateStaff, SetStaffDisabled, StaffMember, list_staff};
use crate::{
    accounts::{
        Role, TwoFactorRule, check_email, check_name, check_password,
        two_factor::rule::ResetTwoFactor, use_auth,
    },
    i18n::LocaleExt as _,
    i18n::{LANGUAGES, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, error_view, last_error},
};

fn role_label(role: Role) -> &'static str {
    let i18n = use_i18n();
    match role {
        Role::Owner => t_string!(i18n, staff.role_owner),
        Role::Manager => t_string!(i18n, staff.role_manager),
        Role::Staff => t_string!(i18n, staff.role_staff),
        Role::Member => t_string!(i18n, staff.role_member),
    }
}

/// The staff page.
#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateStaff>::new();
    let toggle = ServerAction::<SetStaffDisabled>::new();
    let reset = ServerAction::<ResetTwoFactor>::new();
    let staff = Resource::new(
        move || {
            (
                create.version().get(),
                toggle.version().get(),
                reset.version().get(),
            )
        },
        |_| list_staff(),
    );
    let create_error = last_error(create);
    let toggle_error = last_error(toggle);
    let reset_error = last_error(reset);
    view! {
        <PageTitle>{t!(i18n, staff.title)}</PageTitle>
        <section class="card">
            <h2>{t!(i18n, staff.add_title)}</h2>
            <Show when=move || matches!(create.value().get(), Some(Ok(_)))>
                <p class="notice" role="status">{t!(i18n, staff.created)}</p>
            </Show>
            <ActionForm action=create attr:novalidate=true attr:class="grid-form">
                <FormError error=create_error />
                <Field name="preferred_name" error=create_error check=check_name>
                    {t!(i18n, account.preferred_name)}
                </Field>
                <Field name="email" kind="email" error=create_error check=check_email>
                    {t!(i18n, account.email)}
                </Field>
                <div class="field">
                    <label for="role">{t!(i18n, staff.role)}</label>
                    <select id="role" name="role">
                        {Role::STAFF_ROLES
                            .into_iter()
                            .rev()
                            .map(|r| view! { <option value=r.as_str()>{move || role_label(r)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="language">{t!(i18n, account.language)}</label>
                    <select id="language" name="language">
                        {LANGUAGES.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                    </select>
                </div>
                <Field name="password" kind="password" autocomplete="new-password" error=create_error check=check_password>
                    {t!(i18n, staff.starting_password)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, staff.create_submit)}</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t!(i18n, staff.list_title)}</h2>
            <FormError error=toggle_error include_fields=true />
            <FormError error=reset_error include_fields=true />
            <Show when=move || matches!(reset.value().get(), Some(Ok(())))>
                <p class="notice" role="status">{t!(i18n, two_factor.reset_done)}</p>
            </Show>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match staff.await {
                        Ok(rows) => view! { <StaffTable rows toggle reset me=use_auth().current().map(|u| u.id) /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <TwoFactorRule />
    }
}

#[component]
fn StaffTable(
    rows: Vec<StaffMember>,
    toggle: ServerAction<SetStaffDisabled>,
    reset: ServerAction<ResetTwoFactor>,
    /// The signed-in owner: their own row gets no disable button (the server refuses it too).
    me: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, staff.col_name)}</th>
                        <th scope="col">{t!(i18n, account.email)}</th>
                        <th scope="col">{t!(i18n, staff.role)}</th>
                        <th scope="col">{t!(i18n, staff.col_since)}</th>
                        <th scope="col">{t!(i18n, staff.col_status)}</th>
                        <th scope="col">{t!(i18n, two_factor.col)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, staff.col_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|m| {
                            let since = m.created_at.clone();
                            let disable = !m.disabled;
                            let button_label = move || {
                                if disable { t_string!(i18n, staff.disable) } else { t_string!(i18n, staff.enable) }
                            };
                            let name = m.name.clone();
                            let reset_name = m.name.clone();
                            let two_factor = m.two_factor;
                            view! {
                                <tr>
                                    <td>{m.name}</td>
                                    <td>{m.email}</td>
                                    <td>{move || role_label(m.role)}</td>
                                    <td>{move || format::date(i18n.get_locale().as_str(), &since)}</td>
                                    <td>
                                        {move || {
                                            if disable { t_string!(i18n, staff.active) } else { t_string!(i18n, staff.disabled) }
                                        }}
                                    </td>
                                    <td>
                                        {move || {
                                            if two_factor { t_string!(i18n, two_factor.col_on) } else { t_string!(i18n, two_factor.col_off) }
                                        }}
                                    </td>
                                    <td>
                                        <div class="row-actions">
                                        {(me != Some(m.id) && two_factor).then(|| view! {
                                        <ActionForm action=reset attr:class="inline">
                                            <input type="hidden" name="user_id" value=m.id />
                                            <button
                                                type="submit"
                                                class="button small"
                                                aria-label=move || format!("{} {}", t_string!(i18n, two_factor.reset), reset_name)
                                            >
                                                {t!(i18n, two_factor.reset)}
                                            </button>
                                        </ActionForm>
                                        })}
                                        {(me != Some(m.id)).then(|| view! {
                                        <ActionForm action=toggle attr:class="inline">
                                            <input type="hidden" name="user_id" value=m.id />
                                            <input type="hidden" name="disabled" value=disable.to_string() />
                                            <button
                                                type="submit"
                                                class="button small"
                                                aria-label=move || format!("{} {}", button_label(), name)
                                            >
                                                {button_label}
                                            </button>
                                        </ActionForm>
                                        })}
                                    </div>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
