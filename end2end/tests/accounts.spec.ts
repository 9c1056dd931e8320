import { expect } from "@playwright/test";
import { DEMO_PASSWORD, confirmJoin, expectAccessible, goto, hydrated, signIn, test } from "./helpers";
import { mails } from "./mail";

test("a visitor switches to Swedish, joins, is greeted in Swedish, signs out and back in", async ({ page }) => {
  const email = `marta.${Date.now()}@example.com`;
  await goto(page, "/");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  await page.getByRole("banner").getByLabel("Language", { exact: true }).selectOption("sv");
  await expect(page.locator("html")).toHaveAttribute("lang", "sv");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ditt stamställe belönar dig");

  await page.getByRole("banner").getByRole("link", { name: "Bli medlem" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bli medlem");
  await expect(page.getByRole("main").getByLabel("Språk", { exact: true })).toHaveValue("sv");
  await page.getByLabel("Tilltalsnamn", { exact: true }).fill("Märta");
  await page.getByLabel("E-post", { exact: true }).fill(email);
  await page.getByLabel("Lösenord", { exact: true }).fill("kort");
  await page.getByRole("main").getByRole("button", { name: "Bli medlem" }).click();
  await expect(page.getByText("Använd minst 8 tecken.")).toBeVisible();

  await expect(page.getByLabel("Lösenord", { exact: true })).toHaveAttribute("aria-invalid", "true");
  // Fixing the field clears its error at once, with the server's rules run in the browser.
  await page.getByLabel("Lösenord", { exact: true }).fill("ett långt lösenord");
  await expect(page.getByText("Använd minst 8 tecken.")).toHaveCount(0);
  // The mobile number is optional, but checked when given.
  await page.getByLabel("Mobilnummer (valfritt)", { exact: true }).fill("70 12");
  await page.getByRole("main").getByRole("button", { name: "Bli medlem" }).click();
  await expect(page.getByText("Ange ett telefonnummer med minst 6 siffror")).toBeVisible();
  await page.getByLabel("Mobilnummer (valfritt)", { exact: true }).fill(`+46 70 ${String(Date.now()).slice(-7)}`);
  await page.getByRole("main").getByRole("button", { name: "Bli medlem" }).click();
  // Joining finishes at the link in the mail, which signs her in.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Titta i din inkorg");
  await confirmJoin(page, email);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej, Märta!");

  await page.getByRole("button", { name: "Logga ut" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Logga in" })).toBeVisible();

  await page.reload();
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "sv", { timeout: 5000 });
  await signIn(page, email.toUpperCase(), "ett långt lösenord", { email: "E-post", password: "Lösenord", submit: "Logga in" });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej, Märta!");
});

test("a taken email gets the same answer as a new one, and the account's owner a note in their language", async ({ page }) => {
  const before = mails().filter((m) => m.to.includes("anna@example.com")).length;
  await goto(page, "/join");
  await page.getByRole("banner").getByLabel("Language", { exact: true }).selectOption("pt");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Torne-se membro");
  await page.getByLabel("Como prefere ser chamado", { exact: true }).fill("Ana");
  await page.getByLabel("E-mail", { exact: true }).fill("ANNA@example.com");
  await page.getByLabel("Senha", { exact: true }).fill("outra senha longa");
  await page.getByRole("main").getByRole("button", { name: "Cadastre-se" }).click();
  await expect(page).toHaveURL(/\/join\/sent$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Verifique a sua caixa de entrada");
  await expect(page.getByRole("banner").getByRole("link", { name: "Entrar" })).toBeVisible();
  // Anna (Swedish) hears of it in Swedish, with a way to sign in.
  await expect
    .poll(() => mails().filter((m) => m.to.includes("anna@example.com")).slice(before).map((m) => m.subject), { timeout: 20_000 })
    .toContain("Du har redan ett konto");
  const note = mails().filter((m) => m.to.includes("anna@example.com")).at(-1)!;
  expect(note.text).toContain("/sign-in");
  expect(note.list_unsubscribe).toBeNull();
});

test("a wrong password shows one generic message", async ({ page }) => {
  await signIn(page, "anna@example.com", "not the password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is wrong.");
});

test("the owner reaches the console, adds a staff account and disables it", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Console");
  await expectAccessible(page);

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Staff");
  const email = `nils.${Date.now()}@example.com`;
  await page.getByLabel("Preferred name", { exact: true }).fill("Nils");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("staff");
  await page.getByLabel("Starting password", { exact: true }).fill("nils-start-pw");
  await page.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByRole("status")).toContainText("The account was added");
  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(row).toContainText("Active");
  await expectAccessible(page);

  // Nils signs in elsewhere, then loses access when disabled.
  const nilsContext = await browser.newContext();
  const nils = await nilsContext.newPage();
  await signIn(nils, email, "nils-start-pw");
  await expect(nils).toHaveURL(/\/console\/counter$/);

  await row.getByRole("button", { name: "Disable Nils" }).click();
  await expect(row).toContainText("Disabled");
  await nils.reload();
  await expect(nils.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await nilsContext.close();
});

test("a member cannot open the console", async ({ page }) => {
  await signIn(page, "sam@example.com");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Sam!");
  await expect(page.getByRole("link", { name: "Console" })).toHaveCount(0);
  const res = await page.goto("/console/staff");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Staff only");
  await expect(page.getByText("owner@example.com")).toHaveCount(0);
});

test("a member changes their password and stays signed in", async ({ page }) => {
  await signIn(page, "ola@example.com");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hei, Ola!");
  await page.getByRole("link", { name: "Passord" }).click();
  await page.getByLabel("Nåværende passord", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByLabel("Nytt passord", { exact: true }).fill("nytt-passord-1");
  await page.getByRole("main").getByRole("button", { name: "Bytt passord" }).click();
  await expect(page.getByRole("status")).toContainText("Passordet ditt er byttet");
  await expectAccessible(page);
});

test("signing in works without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill("liga@example.com");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sveiki, Līga!");
  await expect(page.locator("html")).toHaveAttribute("lang", "lv");
  await context.close();
});

test("public pages have no serious accessibility violations", async ({ page }) => {
  for (const path of ["/", "/join", "/sign-in", "/no-such-page"]) {
    await goto(page, path);
    await expectAccessible(page);
  }
  await signIn(page, "joao@example.com");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Olá, João!");
  await expectAccessible(page);
});
