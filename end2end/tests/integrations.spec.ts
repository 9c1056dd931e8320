import { readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { expectAccessible, goto, hydrated, joinByRequest, signIn, test } from "./helpers";

test("an owner makes an API key, a till uses it, and once revoked it is refused", async ({ page, request, browser }) => {
  await signIn(page, "owner@example.com");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Integrations");
  // Without a scope the key is refused, naming what is missing.
  await page.getByLabel("Name", { exact: true }).fill("Web shop");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Choose at least one thing the key may do.")).toBeVisible();
  await page.getByLabel("Find members and read points and offers").check();
  await page.getByLabel("Record purchases and refunds").check();
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Harbour" });
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = page.locator("code.secret");
  await expect(secret).toHaveText(/^rgl_[0-9a-f]{64}$/);
  const key = (await secret.textContent()) ?? "";
  const row = page.getByRole("row", { name: /Web shop/ });
  await expect(row).toContainText("Harbour");
  await expect(row).toContainText("Never");
  await expectAccessible(page);

  // The till calls the API with it.
  const found = await request.get("/api/v1/members?email=sam%40example.com", { headers: { Authorization: `Bearer ${key}` } });
  expect(found.status()).toBe(200);
  expect((await found.json()).members[0].name).toBe("Sam");
  // The secret is not shown again; the list says it was used.
  await page.reload();
  await expect(page.locator("code.secret")).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Web shop/ })).not.toContainText("Never");

  // A webhook told of new members: its secret shown once, a member who joins in its log.
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.shop.example/regulars");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByText("Choose at least one event.")).toBeVisible();
  await page.getByLabel("A member joined").check();
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.locator("code.secret").last()).toHaveText(/^whsec_[0-9a-f]{64}$/);
  const visitor = await browser.newContext();
  await joinByRequest(visitor.request, { email: `hooked-${Date.now()}@example.com`, password: "a long password", preferred_name: "Hook", language: "en" });
  await visitor.close();
  await page.reload();
  const log = page.locator("section.card", { has: page.getByRole("heading", { name: "Deliveries" }) });
  await expect(log.getByRole("row", { name: /member\.joined/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Remove https://hooks.shop.example/regulars" }).click();
  await expect(page.getByText("No webhooks yet.")).toBeVisible();

  await page.getByRole("button", { name: "Revoke Web shop" }).click();
  await expect(page.getByRole("row", { name: /Web shop/ })).toContainText("Revoked");
  const refused = await request.get("/api/v1/members?email=sam%40example.com", { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
});

test("only owners see the integrations", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link").first()).toBeVisible();
  await expect(nav.getByRole("link", { name: /Integra/ })).toHaveCount(0);
  await goto(page, "/console/integrations");
  // Both parts of the page (keys, webhooks) are refused.
  await expect(page.getByRole("alert")).toHaveCount(2);
});

/** The card number of member `id`: seven digits and a Luhn check digit, as the server writes it. */
function cardNumber(id: number): string {
  const body = String(id).padStart(7, "0");
  const sum = [...body].reverse().map(Number).reduce((s, d, i) => s + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return body + String((10 - (sum % 10)) % 10);
}

test("an owner adds a partner, its till earns and takes points, the month settles, and members see it", async ({ page, request, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/integrations");
  await page.getByRole("link", { name: "Partner retailers →" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Partners");
  const name = `Café ${Date.now() % 100000}`;
  await page.getByLabel("Partner", { exact: true }).fill(name);
  await page.getByLabel("Points per unit spent").fill("0");
  await page.getByLabel("What 100 points are worth there").fill("1.50");
  await page.getByRole("button", { name: "Add partner" }).click();
  await expect(page.getByText("Let members earn points there, pay with points there, or both.")).toBeVisible();
  await page.getByLabel("Points per unit spent").fill("2");
  await page.getByLabel("Members may pay with points there").check();
  await page.getByRole("button", { name: "Add partner" }).click();
  const list = page.locator("section.card", { has: page.getByRole("heading", { level: 2, name: "Partners", exact: true }) });
  const row = list.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("2 points per €1.00");
  await expect(row).toContainText("100 points = €1.50");
  await row.getByRole("button", { name: `Create key ${name}` }).click();
  const secret = page.locator("code.secret");
  await expect(secret).toHaveText(/^rgl_[0-9a-f]{64}$/);
  const key = (await secret.textContent()) ?? "";
  await expectAccessible(page);

  // A new member (the demo members' balances stay as other tests expect them) earns at the
  // partner: €10.00 at 2 points per euro is 20 points, worth €0.30 there.
  const visitor = await browser.newContext();
  await joinByRequest(visitor.request, { email: `partner-${Date.now()}@example.com`, password: "a long password", preferred_name: "Pia", language: "en" });
  const me = await (await visitor.request.post("/api/accounts/me")).json();
  const card = cardNumber(me.id);
  const auth = { Authorization: `Bearer ${key}` };
  const earned = await request.post("/api/v1/partner/earn", { headers: auth, data: { card_number: card, amount_minor: 1000, currency: "EUR", receipt: "E2E-1" } });
  expect(earned.status(), await earned.text()).toBe(201);
  expect(await earned.json()).toMatchObject({ points: 20, value_minor: 30, balance: 20 });
  const paid = await request.post("/api/v1/partner/redeem", { headers: auth, data: { card_number: card, points: 5, receipt: "E2E-2" } });
  expect(paid.status(), await paid.text()).toBe(201);

  // The month's settlement: 20 earned (the partner owes €0.30), 5 spent (the shop owes €0.08).
  await page.reload();
  const settlement = page.locator("section.card", { has: page.getByRole("heading", { name: "Monthly settlement" }) });
  const line = settlement.getByRole("row", { name: new RegExp(name) });
  await expect(line).toContainText("€0.30");
  await expect(line).toContainText("€0.08");
  await expect(line).toContainText("Partner pays €0.22");
  const download = page.waitForEvent("download");
  await settlement.getByRole("link", { name: "Download as CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(lines[0]).toContain("month,partner,currency,points_earned");
  expect(lines.find((l) => l.includes(name))).toMatch(/,EUR,20,30,5,8,22$/);

  // The member sees the partner and its rates with their rewards, and the points in their history.
  const member = await visitor.newPage();
  await goto(member, "/me/rewards");
  const partners = member.locator("section.card", { has: member.getByRole("heading", { name: "Your points at our partners" }) });
  await expect(partners.getByRole("listitem").filter({ hasText: name })).toContainText("2 points per €1.00");
  await expectAccessible(member);
  await goto(member, "/me/history");
  await expect(member.getByRole("main")).toContainText(name);

  // Ending the partnership revokes its key.
  await list.getByRole("button", { name: `End partnership ${name}` }).click();
  await expect(list.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  const refused = await request.post("/api/v1/partner/earn", { headers: auth, data: { card_number: card, amount_minor: 1000, currency: "EUR", receipt: "E2E-3" } });
  expect(refused.status()).toBe(401);
  await visitor.close();
});

test("the owner downloads the ledger as CSV from the integrations page", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/integrations");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Points ledger" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("ledger.csv");
  const lines = readFileSync(await file.path(), "utf8").trim().split("\r\n");
  expect(lines[0]).toBe("movement_id,created_at,card_number,kind,amount,balance_after,reason,location,partner,purchase_id,actor_kind,actor_id");
  expect(lines.length).toBeGreaterThan(1);
});

test("an owner imports members from a CSV file: check first, then import the good rows", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/integrations");
  await page.getByRole("link", { name: "Import from CSV →" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import");
  const stamp = Date.now();
  const csv = `email;name;newsletter;source\nimp-${stamp}@example.com;Imogen;yes;Paper form\nnot-an-email;Bad;yes;\n`;
  await page.getByLabel("The file holds").selectOption("members");
  await page.getByLabel("CSV file").setInputFiles({ name: `members-${stamp}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`members-${stamp}.csv`);
  await hydrated(page);
  // The columns are guessed from the header.
  await expect(page.getByLabel("Email *")).toHaveValue("0");
  await expect(page.getByLabel("Agreed to email")).toHaveValue("2");
  await page.getByRole("button", { name: "Check (writes nothing)" }).click();
  const check = page.locator("section.card", { has: page.getByRole("heading", { name: "What importing would do" }) });
  await expect(check.getByRole("row", { name: /^3 Email/ })).toContainText("Enter an email address like name@example.com.");
  await expectAccessible(page);
  // All or nothing refuses; skipping the bad row imports the other.
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByText("Some rows have problems: fix them, or choose to skip them.")).toBeVisible();
  await page.getByLabel("Skip them and import the rest").check();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const done = page.locator("section.card", { has: page.getByRole("heading", { name: "Imported" }) });
  await expect(done).toContainText("New");
  await expect(done.locator("dd").first()).toHaveText("1");
  await expectAccessible(page);
  // The recent uploads list it.
  await goto(page, "/console/integrations/import");
  await expect(page.getByRole("link", { name: `members-${stamp}.csv` })).toBeVisible();
});
