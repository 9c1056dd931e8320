import { expect } from "@playwright/test";
import { confirmJoin, expectAccessible, goto, signIn, test, watchErrors } from "./helpers";

test("a friend's link, a punch card that fills up and issues its reward, and a next-visit discount after a purchase", async ({ page, browser }) => {
  // Anna shares her link.
  const annaContext = await browser.newContext();
  const anna = await annaContext.newPage();
  await signIn(anna, "anna@example.com");
  const link = (await anna.locator(".referral-link code").innerText()).trim();
  expect(link).toMatch(/\/join\?ref=[0-9A-F]{10}$/);
  // Her share links are plain links with it filled in (nothing of theirs loads here).
  const share = anna.getByRole("list", { name: "Dela länken" });
  await expect(share.getByRole("link")).toHaveText(["Email", "WhatsApp", "Facebook", "X"]);
  expect(await share.getByRole("link", { name: "WhatsApp" }).getAttribute("href")).toContain(encodeURIComponent(link));
  await annaContext.close();

  // Pia joins through it, on her phone.
  const piaContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const pia = await piaContext.newPage();
  const piaErrors = watchErrors(pia);
  const email = `pia.${Date.now()}@example.com`;
  await goto(pia, link.replace(/^https?:\/\/[^/]+/, ""));
  await expect(pia.getByLabel("Referral code (optional)")).toHaveValue(link.split("=")[1]);
  await pia.getByLabel("Preferred name", { exact: true }).fill("Pia");
  await pia.getByLabel("Email", { exact: true }).fill(email);
  await pia.getByLabel("Password", { exact: true }).fill("a long password");
  await pia.getByRole("button", { name: "Join" }).click();
  await confirmJoin(pia, email);
  await expect(pia.getByRole("heading", { level: 1 })).toHaveText("Hi, Pia!");
  await expect(pia.getByText("You were referred by Anna.")).toBeVisible();
  await expect(pia.getByRole("img", { name: "0 of 10 stamps" })).toBeVisible();

  // First visit: four coffees, 25 €.
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/counter");
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  const panel = page.locator(".member-panel");
  const purchase = panel.getByRole("form", { name: "Record a purchase" });
  await purchase.getByLabel("Amount", { exact: true }).fill("25");
  await purchase.getByLabel("Items for punch cards", { exact: true }).fill("4");
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  // The outcome stays on the counter after the member is cleared for the next customer.
  const status = page.locator(".outcome");
  await expect(status).toContainText("Coffee card: 4 of 10 stamps.");
  await expect(status).toContainText(/Next-visit discount issued: 15 % off, valid .+ – .+\./);
  await expect(status).toContainText("Referral bonus: 100 points to the member and to the friend who invited them.");
  await expectAccessible(page);

  await pia.reload();
  await expect(pia.getByRole("img", { name: "4 of 10 stamps" })).toBeVisible();
  const coupon = pia.locator(".coupon");
  await expect(coupon.getByRole("heading")).toHaveText("15 % off your next visit");
  await expect(coupon.getByText("Terms: a purchase of at least €10.00; full-price items only.", { exact: false })).toBeVisible();
  await expectAccessible(pia);

  // Second visit: six more coffees fill the card; the free coffee's code is in Pia's rewards.
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  await purchase.getByLabel("Amount", { exact: true }).fill("8");
  await purchase.getByLabel("Items for punch cards", { exact: true }).fill("6");
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  await expect(status).toContainText("Card full: a code for “Free coffee” was issued to the member.");
  await expect(status).toContainText("Coffee card: 0 of 10 stamps.");

  await pia.reload();
  await expect(pia.getByRole("img", { name: "0 of 10 stamps" })).toBeVisible();
  await pia.getByRole("link", { name: "Rewards and my codes" }).click();
  await expect(pia.locator(".code.active").filter({ hasText: "Free coffee" })).toHaveCount(1);
  expect(piaErrors).toEqual([]);
  await piaContext.close();

  // The console counts Anna's referral.
  await goto(page, "/console/offers");
  await expect(page.getByRole("row", { name: /Anna anna@example.com 1 1/ })).toBeVisible();
  await expectAccessible(page);

  // Pia's first visit is refunded in full: the referral bonus goes back from both of them and
  // the next-visit discount it gave is void; its stamps already went into the free coffee.
  await goto(page, "/console/counter");
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  const first = panel.locator("li.purchase").filter({ hasText: "€25.00" });
  await first.getByLabel("Refund amount").fill("25");
  await first.getByRole("button", { name: "Refund", exact: true }).click();
  await page.getByRole("button", { name: "Yes, refund" }).click();
  await expect(status).toContainText("Referral bonus taken back: 200 points (from the member and the friend who referred them).");
  await expect(status).toContainText("The next-visit discount this purchase gave is void.");
  await expect(status).not.toContainText("Stamps taken off");
  await expectAccessible(page);
});

test("a next-visit discount earned yesterday is applied at the counter today and shows as used", async ({ page, browser }) => {
  // João (Portuguese) bought 78 € yesterday in the demo: his discount is valid today.
  const joaoContext = await browser.newContext();
  const joao = await joaoContext.newPage();
  const joaoErrors = watchErrors(joao);
  await signIn(joao, "joao@example.com");
  const coupon = joao.locator(".coupon");
  await expect(coupon.getByRole("heading")).toHaveText("15% de desconto na próxima visita");

  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/counter");
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill("joao@example.com");
  await page.getByRole("button", { name: "Find" }).click();
  const panel = page.locator(".member-panel");
  const purchase = panel.getByRole("form", { name: "Record a purchase" });
  // Below the minimum of the return visit: refused, with the term named.
  await purchase.getByLabel("Amount", { exact: true }).fill("9");
  await purchase.getByLabel("Member offer or next-visit discount").selectOption({ label: "Next-visit discount 15 % (from €10.00)" });
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  await expect(purchase.getByText("The purchase is below the minimum for this discount.")).toBeVisible();
  await purchase.getByLabel("Amount", { exact: true }).fill("40");
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  await expect(page.locator(".outcome")).toContainText("Next-visit discount 15 %: €6.00 off, the member pays €34.00.");
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill("joao@example.com");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(panel.getByText("Paid after a discount of €6.00.")).toBeVisible();
  await expectAccessible(page);

  await joao.reload();
  await expect(coupon.getByText("Usado. Obrigado por voltar!")).toBeVisible();
  expect(joaoErrors).toEqual([]);
  await joaoContext.close();
});
