//! Browser entry point: hydrates the server-rendered page.

/// Called by the generated JS loader once the WASM module is ready.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Server functions redirect only when who is signed in changes (sign in, up, out). A full
    // page load then renders everything — language included — for the new account, instead of
    // the router's client-side navigation keeping the old state. Set before the router sets
    // its own hook (the first one set wins).
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Err(e) = leptos::prelude::window().location().set_href(location) {
            leptos::logging::error!("redirect to {location} failed: {e:?}");
        }
    });
    leptos::mount::hydrate_body(app::App);
}
