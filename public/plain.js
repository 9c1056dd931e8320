// Pages served without the WASM (a member's own) are plain HTML whose forms work without any
// script. This only makes a select marked `data-submit-on-change` (the language switcher) send
// its form on choosing, as the hydrated app does, and hides the button that is then not needed.
for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
  select.form.querySelector('button[type="submit"]')?.classList.add("visually-hidden");
  select.addEventListener("change", () => select.form.requestSubmit());
}
