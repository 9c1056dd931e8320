import { createHmac } from "node:crypto";
import { expect } from "@playwright/test";
import { DEMO_PASSWORD, goto, hydrated, signIn, test } from "./helpers";

/** RFC 4648 base32 (spaces ignored) to bytes. */
function base32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/\s/g, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The 6-digit code an authenticator app shows for `secret`, `offset` steps from now. */
function totp(secret: Buffer, offset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const hash = createHmac("sha1", secret).update(counter).digest();
  const at = hash[hash.length - 1] & 0x0f;
  const n = (hash.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, "0");
}

test("a manager sets up two-factor sign-in, then signs in with a code and, without WASM, a recovery code", async ({
  page,
  browser,
}) => {
  // A manager of its own, so the other tests' demo accounts keep signing in with passwords.
  const email = `tove-${Date.now()}@example.com`;
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/staff");
  await page.getByLabel("Preferred name").fill("Tove");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role").selectOption("manager");
  await page.getByLabel("Starting password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByRole("status")).toContainText("account");

  const context = await browser.newContext();
  const tove = await context.newPage();
  await signIn(tove, email);
  await expect(tove).toHaveURL(/\/console$/);
  await goto(tove, "/account/password");
  await tove.getByRole("link", { name: "Two-factor sign-in" }).click();
  await expect(tove).toHaveURL(/\/account\/two-factor$/);
  await hydrated(tove);
  await tove.getByRole("button", { name: "Set up" }).click();

  // The QR code loads; the key under it is what an app would read from it.
  const qr = tove.getByRole("img", { name: /QR code/ });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const secret = base32((await tove.locator("code.secret").textContent()) ?? "");
  expect(secret.length).toBe(20);
  await tove.getByLabel("Code").fill("000000" === totp(secret) ? "111111" : "000000");
  await tove.getByRole("button", { name: "Turn on" }).click();
  await expect(tove.getByText("That code is not right")).toBeVisible();
  await tove.getByLabel("Code").fill(totp(secret));
  await tove.getByRole("button", { name: "Turn on" }).click();

  // Ten recovery codes, once.
  await expect(tove.getByRole("heading", { name: "Your recovery codes" })).toBeVisible();
  const codes = await tove.locator(".recovery-codes code").allTextContents();
  expect(codes).toHaveLength(10);
  await tove.getByRole("link", { name: "Continue" }).click();
  await expect(tove).toHaveURL(/\/console$/);
  await goto(tove, "/account/two-factor");
  await expect(tove.getByText("Two-factor sign-in is on.")).toBeVisible();
  await expect(tove.getByText("Unused recovery codes: 10")).toBeVisible();
  await expect(tove.locator(".recovery-codes")).toHaveCount(0);

  // Signing in again: the password leads to the code step. The confirming code is spent, so
  // the app's next one is used (a step ahead is accepted for a phone clock running fast).
  const again = await (await browser.newContext()).newPage();
  await signIn(again, email);
  await expect(again).toHaveURL(/\/sign-in\/code$/);
  await hydrated(again);
  await again.getByLabel("Code").fill(totp(secret, 1));
  await again.getByRole("button", { name: "Continue" }).click();
  await expect(again).toHaveURL(/\/console$/);
  await expect(again.getByRole("link", { name: "Console" })).toBeVisible();

  // Without WASM, with a recovery code: plain form posts all the way.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p = await plain.newPage();
  await p.goto("/sign-in");
  await p.getByLabel("Email", { exact: true }).fill(email);
  await p.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await p.getByRole("main").getByRole("button", { name: "Sign in" }).click();
  await expect(p).toHaveURL(/\/sign-in\/code$/);
  await p.getByLabel("Code").fill(codes[0]);
  await p.getByRole("button", { name: "Continue" }).click();
  await expect(p).toHaveURL(/\/console$/);
  await plain.close();

  // The owner sees it on the staff list.
  await goto(page, "/console/staff");
  const row = page.getByRole("row", { name: new RegExp(email.replace(/[.]/g, "\\.")) });
  await expect(row.getByRole("cell", { name: "On", exact: true })).toBeVisible();
  await context.close();
});
