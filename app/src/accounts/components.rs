//! The auth context: who is signed in (a resource every page can read) and the actions that
//! change it. The resource refetches whenever one of those actions completes.

use leptos::prelude::*;

use super::{
    api::{SignIn, SignOut, SignUp, current_account},
    two_factor::api::{ConfirmTwoFactor, SignInCode},
    types::CurrentUser,
};
use crate::error::AppError;

/// Shared auth state, provided once by the app.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Sign in.
    pub sign_in: ServerAction<SignIn>,
    /// Sign up.
    pub sign_up: ServerAction<SignUp>,
    /// Sign out.
    pub sign_out: ServerAction<SignOut>,
    /// The second sign-in step (a code).
    pub sign_in_code: ServerAction<SignInCode>,
    /// Confirming a new second factor (which can finish a sign-in).
    pub two_factor_confirm: ServerAction<ConfirmTwoFactor>,
    /// The signed-in account.
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    /// The same, for pages that branch on it: `None` while loading, `Some(None)` when nobody
    /// is signed in. On the server the account is known before rendering starts (the
    /// resource is ready at once) and the browser hydrates it from the page, so reading this
    /// needs no `Suspense`: the page under it is built once on both sides, and resources it
    /// creates get the same identity on both.
    pub account: Memo<Option<Option<CurrentUser>>>,
}

impl Auth {
    /// The signed-in account, once loaded (`None` while loading or when signed out).
    pub fn current(&self) -> Option<CurrentUser> {
        self.account.get().flatten()
    }
}

/// Creates and provides the auth context.
pub fn provide_auth() -> Auth {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let sign_in_code = ServerAction::<SignInCode>::new();
    let two_factor_confirm = ServerAction::<ConfirmTwoFactor>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
                sign_in_code.version().get(),
                two_factor_confirm.version().get(),
            )
        },
        |_| current_account(),
    );
    let account = Memo::new(move |_| user.get().map(|r| r.ok().flatten()));
    let auth = Auth {
        sign_in,
        sign_up,
        sign_out,
        sign_in_code,
        two_factor_confirm,
        user,
        account,
    };
    provide_context(auth);
    auth
}

/// The auth context.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
