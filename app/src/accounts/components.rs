//! The auth context: who is signed in (a resource every page can read) and the actions that
//! change it. The resource refetches whenever one of those actions completes.

use leptos::prelude::*;

use super::{
    api::{SignIn, SignOut, SignUp, current_account},
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
    /// The signed-in account.
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl Auth {
    /// The signed-in account, once loaded (`None` while loading or when signed out).
    pub fn current(&self) -> Option<CurrentUser> {
        self.user.get().and_then(Result::ok).flatten()
    }
}

/// Creates and provides the auth context.
pub fn provide_auth() -> Auth {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
            )
        },
        |_| current_account(),
    );
    let auth = Auth {
        sign_in,
        sign_up,
        sign_out,
        user,
    };
    provide_context(auth);
    auth
}

/// The auth context.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
