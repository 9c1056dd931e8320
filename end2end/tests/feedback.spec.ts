import { expect } from "@playwright/test";
import { confirmJoin, expectAccessible, goto, signIn, test, watchErrors } from "./helpers";

test("a low score opens a case; staff reply and resolve with goodwill; the member sees it through", async ({ page, browser }) => {
  // Rita joins and tells the shop what went wrong, on her phone.
  const ritaContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const rita = await ritaContext.newPage();
  const ritaErrors = watchErrors(rita);
  const email = `rita.${Date.now()}@example.com`;
  await goto(rita, "/join");
  await rita.getByLabel("Preferred name", { exact: true }).fill("Rita");
  await rita.getByLabel("Email", { exact: true }).fill(email);
  await rita.getByLabel("Password", { exact: true }).fill("a long password");
  await rita.getByRole("button", { name: "Join" }).click();
  await confirmJoin(rita, email);
  await expect(rita.getByRole("heading", { level: 1 })).toHaveText("Hi, Rita!");
  await rita.getByRole("link", { name: "Give feedback and see your cases" }).click();
  await expect(rita.getByRole("heading", { name: "How was your visit?" })).toBeVisible();
  await rita.locator('label[for="nps-2"]').click();
  await rita.getByLabel("What is it about? (optional)").selectOption({ label: "Service" });
  await rita.getByLabel("Anything you want to tell us (optional)").fill("The coffee was cold and nobody noticed.");
  await rita.getByRole("button", { name: "Send" }).click();
  await expect(rita.getByRole("status")).toContainText("Thank you! We have your feedback.");
  await expect(rita.getByRole("status")).toContainText("Someone will get back to you here.");
  const mine = rita.locator(".my-feedback").first();
  await expect(mine).toContainText("The coffee was cold");
  await expect(mine.locator(".case-status")).toContainText("New");
  await expectAccessible(rita);

  // Staff find it in the inbox as new, with its deadline, and open it.
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/feedback");
  const row = page.getByRole("row", { name: /Rita/ }).first();
  await expect(row).toContainText("New");
  await expect(row).toContainText("High priority");
  await expect(row).toContainText("NPS 2");
  await expect(row.getByRole("cell").nth(4)).not.toBeEmpty();
  await expectAccessible(page);
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Case #\d+$/);
  await expect(page.getByText(/^Deadline: /)).toBeVisible();
  await page.getByLabel("The customer sees this in their portal.").fill("We are so sorry. The grinder was broken; it is fixed now.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator(".case")).toContainText("Waiting for the customer");
  await page.getByLabel("Resolution", { exact: true }).fill("Grinder replaced; apology and goodwill points.");
  await page.getByLabel("Goodwill points (optional)").fill("100");
  await page.getByRole("button", { name: "Resolve case" }).click();
  await expect(page.locator(".case strong").first()).toHaveText("Resolved");
  await expect(page.locator(".case .timeline")).toContainText("100 points added to the balance");
  await expectAccessible(page);

  // Rita sees the reply, the resolved case and the points.
  await rita.reload();
  await expect(mine.locator(".case-status")).toContainText("Resolved");
  await expect(mine).toContainText("We are so sorry. The grinder was broken; it is fixed now.");
  await expect(mine).toContainText("Grinder replaced; apology and goodwill points.");
  await goto(rita, "/");
  await expect(rita.locator(".balance-value")).toHaveText("100");
  await expect(rita.getByRole("row", { name: /Goodwill/ })).toContainText("+100");
  expect(ritaErrors).toEqual([]);
  await ritaContext.close();
});
