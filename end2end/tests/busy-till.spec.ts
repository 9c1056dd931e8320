import { expect, type Browser, type Page } from "@playwright/test";
import { expectAccessible, goto, joinByRequest, signIn, test, watchErrors } from "./helpers";

// Sanna (staff, Swedish) serves three customers in a row without reloading the page, by
// keyboard. The demo shop is in Sweden, so national numbers are Swedish.
const SEARCH = "Medlemsnummer, telefon, e-post eller namn";

/** A new member (their own browser context signs up through the form's endpoint); returns
 * their account id. */
async function join(browser: Browser, email: string, name: string, phone = ""): Promise<number> {
  const context = await browser.newContext();
  await joinByRequest(context.request, { email, password: "a long password", preferred_name: name, language: "sv", phone });
  const me = await (await context.request.post("/api/accounts/me")).json();
  await context.close();
  return me.id;
}

/** The member number printed on a card: the id padded to seven digits and a Luhn digit. */
function memberNumber(id: number): string {
  const body = String(id).padStart(7, "0");
  let sum = 0;
  [...body].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return body + String((10 - (sum % 10)) % 10);
}

/** Counts what staff do besides typing: clicks and key presses that submit. */
function counter(page: Page) {
  let actions = 0;
  return {
    press: async (key: string) => {
      actions += 1;
      await page.keyboard.press(key);
    },
    click: async (target: { click: () => Promise<void> }) => {
      actions += 1;
      await target.click();
    },
    get actions() {
      return actions;
    },
    reset() {
      actions = 0;
    },
  };
}

test("a busy till: three customers in a row by keyboard, a double entry caught, a refund asked first", async ({ page, browser }) => {
  // Today's customers, new members of their own (the demo's members belong to other tests).
  const tor = await join(browser, "tor@till.example", "Tor");
  await join(browser, "tilda@till.example", "Tilda", "070-765 43 21");
  await join(browser, "tuva@till.example", "Tuva");
  const torNumber = memberNumber(tor);
  expect(torNumber).toMatch(/^0+[1-9]\d*$/);

  await signIn(page, "staff@example.com");
  // Counter staff land on the counter, with the search ready.
  await expect(page).toHaveURL(/\/console\/counter$/);
  await expect(page.locator("main[data-hydrated]")).toHaveCount(1);
  const search = page.getByLabel(SEARCH, { exact: true });
  await expect(search).toBeFocused();
  const panel = page.locator(".member-panel");
  const outcome = page.locator(".outcome");
  const amount = panel.getByLabel("Belopp", { exact: true });
  const till = counter(page);
  const url = page.url();

  // 1. Tor, by member number typed without its leading zeros: two actions plus typing.
  await page.keyboard.type(torNumber.replace(/^0+/, ""));
  await till.press("Enter");
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Tor");
  await expect(amount).toBeFocused();
  await page.keyboard.type("42,50");
  await till.press("Enter");
  await expect(outcome).toContainText("Köpet registrerat: 42,50");
  expect(till.actions, "a purchase for a member found by number").toBeLessThanOrEqual(3);
  // Cleared for the next customer, the search focused and empty.
  await expect(panel).toHaveCount(0);
  await expect(search).toBeFocused();
  await expect(search).toHaveValue("");

  // 2. Tilda, by phone typed another way than she gave it; the same amount twice is asked first.
  await page.keyboard.type("+46 70 765 43 21");
  await page.keyboard.press("Enter");
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Tilda");
  await expect(amount).toBeFocused();
  await page.keyboard.type("12,50");
  await page.keyboard.press("Enter");
  await expect(outcome).toContainText("Köpet registrerat: 12,50");
  await expect(search).toBeFocused();
  await page.keyboard.type("0707654321");
  await page.keyboard.press("Enter");
  await expect(amount).toBeFocused();
  await page.keyboard.type("12,50");
  await page.keyboard.press("Enter");
  const form = panel.getByRole("form", { name: "Registrera ett köp" });
  await expect(form.getByText(/12,50.*registrerades för den här medlemmen för 1 min sedan\. Registrera igen\?/)).toBeVisible();
  await expect(panel).toHaveCount(1);
  await expectAccessible(page);
  // Not a double after all: a second coffee, confirmed.
  await form.getByLabel("Ja, registrera igen").check();
  await form.getByRole("button", { name: "Registrera köp" }).click();
  await expect(panel).toHaveCount(0);
  await expect(search).toBeFocused();

  // 3. "Tuva, the one from till.example": part of an email lists three members to pick from.
  await page.keyboard.type("till.example");
  await page.keyboard.press("Enter");
  const list = page.getByRole("region", { name: "Flera medlemmar matchar – välj en" });
  await expect(list.getByRole("link")).toHaveText(["Tilda", "Tor", "Tuva"]);
  await list.getByRole("link", { name: "Tuva" }).click();
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Tuva");
  await expect(amount).toBeFocused();
  await page.keyboard.type("30");
  await page.keyboard.press("Enter");
  await expect(outcome).toContainText("Köpet registrerat: 30,00");

  // Tuva comes back: her purchase is refunded, after the question with what it takes back.
  await search.fill("tuva@till.example");
  await search.press("Enter");
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Tuva");
  const balance = await panel.locator(".balance-value").innerText();
  const refund = panel.getByLabel("Belopp att återbetala").first();
  await expect(refund).toHaveValue("");
  await refund.fill("30");
  await panel.getByRole("button", { name: "Återbetala", exact: true }).first().click();
  await expect(panel.getByText(/Återbetala 30,00.* och dra tillbaka \d+ poäng\?/)).toBeVisible();
  await expect(panel.locator(".balance-value")).toHaveText(balance);
  await panel.getByRole("button", { name: "Ja, återbetala" }).click();
  await expect(outcome).toContainText("Återbetalningen registrerad");
  await expect(panel.locator(".balance-value")).toHaveText("0");

  // All of it without a page load.
  expect(page.url().split("?")[0]).toBe(url.split("?")[0]);
  await expectAccessible(page);
});

test("reward codes work on every page load: a form's key is new each time it is shown", async ({ page, browser }) => {
  // Tove, a new member, is given 300 points by the owner and takes two free coffees on her phone.
  const tove = await join(browser, "tove@till.example", "Tove");
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, `/console/counter?q=${memberNumber(tove)}`);
  await page.getByLabel("Points (+ or −)", { exact: true }).fill("+300");
  await page.getByLabel("Reason", { exact: true }).fill("Welcome");
  await page.getByRole("button", { name: "Save adjustment" }).click();
  await expect(page.locator(".member-panel .balance-value")).toHaveText("300");
  await page.context().clearCookies();

  const toveContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const member = await toveContext.newPage();
  const memberErrors = watchErrors(member);
  await signIn(member, "tove@till.example", "a long password");
  await expect(member).toHaveURL(/\/$/);
  const codes: string[] = [];
  for (let i = 0; i < 2; i++) {
    await goto(member, "/me/rewards");
    const offer = member.getByRole("listitem").filter({ has: member.getByRole("heading", { name: "Free coffee" }) });
    await offer.getByRole("link", { name: "Lös in" }).click();
    await offer.getByRole("button", { name: "Ja, lös in" }).click();
    await expect(member.locator(".code.active").filter({ hasText: "Free coffee" })).toHaveCount(i + 1);
  }
  for (const c of await member.locator(".code.active").filter({ hasText: "Free coffee" }).locator(".code-text").all()) {
    codes.push((await c.innerText()).trim());
  }
  expect(codes).toHaveLength(2);
  expect(memberErrors).toEqual([]);
  await toveContext.close();

  // Each code on its own page load: the second used to fail with "Something went wrong".
  await signIn(page, "staff@example.com");
  await expect(page).toHaveURL(/\/console\/counter$/);
  for (const code of codes) {
    await goto(page, "/console/counter");
    const use = page.getByRole("region", { name: "Använd en belöningskod" });
    await use.getByLabel("Belöningskod", { exact: true }).fill(code);
    await use.getByRole("button", { name: "Använd kod" }).click();
    await expect(use.getByRole("status")).toContainText("Free coffee");
    await expect(use.getByRole("alert")).toHaveCount(0);
  }
});

test("without JavaScript a purchase shows its confirmation and keeps the member on screen", async ({ browser }) => {
  await join(browser, "tore@till.example", "Tore");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill("owner@example.com");
  await page.getByLabel("Password", { exact: true }).fill("regulars-demo");
  await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
  await page.goto("/console/counter?q=tore%40till.example");
  const panel = page.locator(".member-panel");
  await panel.getByLabel("Amount", { exact: true }).fill("17");
  await panel.getByRole("button", { name: "Record purchase" }).click();
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Tore");
  await expect(panel.getByRole("status")).toContainText("Purchase recorded: €17.00");
  await expect(panel.getByLabel("Amount", { exact: true })).toHaveValue("");
  await context.close();
});
