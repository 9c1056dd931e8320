import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test, watchErrors } from "./helpers";

const fmt = (n: number) => n.toLocaleString("sv-SE");

test("a member takes a reward for points, staff use its code once at the counter, and the portal shows it used", async ({ page, browser }) => {
  const name = `Free coffee ${Date.now() % 100000}`;
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/programs");
  const add = page.getByRole("form", { name: "Add a reward" });
  await add.getByLabel("Name", { exact: true }).fill(name);
  await add.getByLabel("Cost in points", { exact: true }).fill("150");
  await add.getByLabel("Icon", { exact: true }).selectOption("coffee");
  await add.getByRole("button", { name: "Add reward" }).click();
  await expect(page.getByRole("row", { name: new RegExp(`${name} 150 No limit`) })).toBeVisible();
  await expectAccessible(page);

  // Anna, on her phone, reads Regulars in Swedish.
  const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const member = await memberContext.newPage();
  const memberErrors = watchErrors(member);
  await signIn(member, "anna@example.com");
  const before = Number((await member.locator(".balance-value").innerText()).replace(/\D/g, ""));
  await member.getByRole("link", { name: "Belöningar och mina koder" }).click();
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Belöningar");
  const offer = member.getByRole("listitem").filter({ has: member.getByRole("heading", { name }) });
  await expect(offer.getByText("Om koden inte används i tid går den ut och poängen kommer inte tillbaka.")).toBeVisible();
  await offer.getByRole("link", { name: "Lös in" }).click();
  await offer.getByRole("button", { name: "Ja, lös in" }).click();
  const held = member.locator(".code.active").filter({ hasText: name });
  await expect(held.getByRole("img", { name: "QR-kod för belöningskoden" })).toBeVisible();
  const code = (await held.locator(".code-text").innerText()).trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{3}-[A-Z2-9]{3}$/);
  await expectAccessible(member);
  await goto(member, "/");
  await expect(member.locator(".balance-value")).toHaveText(fmt(before - 150));
  await expect(member.getByRole("row", { name: new RegExp(`Inlöst ${name} −150`) })).toBeVisible();

  // At the counter: the code, typed in lower case, works once.
  await goto(page, "/console/counter");
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Main Street" });
  await Promise.all([page.waitForResponse(/set_counter_place/), page.getByRole("button", { name: "Set location" }).click()]);
  const use = page.getByRole("region", { name: "Use a reward code" });
  await use.getByLabel("Reward code", { exact: true }).fill(code.toLowerCase());
  await use.getByRole("button", { name: "Use code" }).click();
  await expect(use.getByRole("status")).toHaveText(`Code used: give the member “${name}”.`);
  await use.getByLabel("Reward code", { exact: true }).fill(code);
  await use.getByRole("button", { name: "Use code" }).click();
  await expect(use.getByText(/This code was already used on .+ at Main Street\./)).toBeVisible();
  await expectAccessible(page);

  await goto(member, "/me/rewards");
  const used = member.locator(".code.used").filter({ hasText: name });
  await expect(used.getByText(/Använd .+ i Main Street\./)).toBeVisible();
  expect(memberErrors).toEqual([]);
  await memberContext.close();
});
