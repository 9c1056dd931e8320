//! leptos_i18n reads `../locales/*.json` inside a proc macro, which cargo does not track;
//! this makes an edited translation rebuild the crate. Same for embedded migrations.

fn main() {
    println!("cargo:rerun-if-changed=../locales");
    println!("cargo:rerun-if-changed=../migrations");
}
