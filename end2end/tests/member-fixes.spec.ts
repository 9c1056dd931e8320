import { expect, type Browser } from "@playwright/test";
import { DEMO_PASSWORD, expectAccessible, goto, signIn, test, watchErrors } from "./helpers";

const phone = { width: 390, height: 844 };

/** A phone with JavaScript off: the server-rendered pages and plain form posts only. */
async function plainPhone(browser: Browser) {
  const context = await browser.newContext({ viewport: phone, javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

test("taking a reward asks first, on a phone with and without JavaScript; the home page counts the codes", async ({ browser }) => {
  // Anna reads Regulars in Swedish.
  const context = await browser.newContext({ viewport: phone });
  const anna = await context.newPage();
  const errors = watchErrors(anna);
  await signIn(anna, "anna@example.com");
  await expect(anna.getByRole("heading", { level: 1 })).toHaveText("Hej, Anna!");
  await goto(anna, "/me/rewards");
  const codes = anna.locator(".code.active");
  const held = await codes.count();
  const coffee = anna.getByRole("listitem").filter({ has: anna.getByRole("heading", { name: "Free coffee" }) });
  await coffee.getByRole("link", { name: "Lös in" }).click();
  const question = coffee.getByRole("group", { name: "Lösa in belöningen?" });
  await expect(question).toContainText("150 poäng för ”Free coffee”. Koden gäller i 30 dagar.");
  await expect(question.locator(".take-title")).toBeFocused();
  await expectAccessible(anna);
  // Cancel takes nothing.
  await question.getByRole("link", { name: "Avbryt" }).click();
  await expect(question).toHaveCount(0);
  await expect(codes).toHaveCount(held);
  await coffee.getByRole("link", { name: "Lös in" }).click();
  await question.getByRole("button", { name: "Ja, lös in" }).click();
  await expect(codes).toHaveCount(held + 1);
  await expect(anna).toHaveURL(/\/me\/rewards$/);
  await expect(coffee.getByRole("link", { name: "Lös in" })).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();

  // Without JavaScript the first tap only asks, too.
  const plain = await plainPhone(browser);
  const page = plain.page;
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill("anna@example.com");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hej, Anna!");
  await page.goto("/me/rewards");
  const plainCodes = page.locator(".code.active");
  await expect(plainCodes).toHaveCount(held + 1);
  const plainCoffee = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Free coffee" }) });
  await plainCoffee.getByRole("link", { name: "Lös in" }).click();
  await expect(page).toHaveURL(/take=/);
  await expect(plainCoffee).toContainText("150 poäng för ”Free coffee”.");
  await expect(plainCodes).toHaveCount(held + 1);
  await plainCoffee.getByRole("button", { name: "Ja, lös in" }).click();
  await expect(page).toHaveURL(/\/me\/rewards$/);
  await expect(plainCodes).toHaveCount(held + 2);

  // Her home page says how many codes are waiting, and links to them.
  await page.goto("/");
  const waiting = page.getByRole("link", { name: `Du har ${held + 2} belöningskoder att använda.` });
  await expect(waiting).toBeVisible();
  await waiting.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Belöningar");
  await plain.context.close();
});

test("a member short of points reads how many they need; points history is in the top menu", async ({ page }) => {
  await page.setViewportSize(phone);
  // Sam has no purchases yet.
  await signIn(page, "sam@example.com");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Sam!");
  await expect(page.getByText(/reward codes? to use/)).toHaveCount(0);
  await page.getByRole("navigation").getByRole("link", { name: "Points history" }).click();
  await expect(page).toHaveURL(/\/me\/history$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Points history");
  await goto(page, "/me/rewards");
  const coffee = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Free coffee" }) });
  await expect(coffee).toContainText("You need 150 more points.");
  await expect(coffee).not.toContainText("The member does not have");
  await expect(coffee.getByRole("link", { name: "Take it" })).toHaveCount(0);
  await expectAccessible(page);
});

test("feedback: the form empties after sending, the same answers again are refused, and a case gets an answer box once the shop replies", async ({ page, browser }) => {
  const context = await browser.newContext({ viewport: phone });
  const sam = await context.newPage();
  const errors = watchErrors(sam);
  await signIn(sam, "sam@example.com");
  await expect(sam.getByRole("heading", { level: 1 })).toHaveText("Hi, Sam!");
  await goto(sam, "/me/feedback");
  // His case from three days ago has no reply yet: nothing to answer.
  const greeted = sam.locator(".my-feedback").filter({ hasText: "Nobody greeted me at the counter." });
  await expect(greeted.locator(".case-status")).toBeVisible();
  await expect(greeted.getByLabel("Your answer")).toHaveCount(0);

  const words = `Great buns ${Date.now() % 100000}`;
  const send = async () => {
    await sam.locator('label[for="nps-9"]').click();
    await sam.getByLabel("Anything you want to tell us (optional)").fill(words);
    await sam.getByRole("button", { name: "Send", exact: true }).click();
  };
  await send();
  await expect(sam.getByRole("status")).toContainText("Thank you! We have your feedback.");
  await expect(sam.getByLabel("Anything you want to tell us (optional)")).toHaveValue("");
  await expect(sam.locator("#nps-9")).not.toBeChecked();
  await send();
  await expect(sam.getByRole("alert")).toHaveText("You sent these same answers a few minutes ago, and we have them. Thank you!");
  await expect(sam.locator(".my-feedback").filter({ hasText: words })).toHaveCount(1);
  await expectAccessible(sam);

  // The shop replies; now Sam can answer.
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/feedback");
  await page.getByRole("row", { name: /Sam/ }).filter({ hasText: "NPS 3" }).first().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Case #\d+$/);
  await page.getByLabel("The customer sees this in their portal.").fill("Sorry, Sam. We will greet you next time.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator(".case")).toContainText("Waiting for the customer");
  await sam.reload();
  await expect(greeted).toContainText("Sorry, Sam. We will greet you next time.");
  await expect(greeted.getByLabel("Your answer")).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});

test("without JavaScript a wrong password says so; sign-up shows every field's error at once", async ({ page, browser }) => {
  const plain = await plainPhone(browser);
  await plain.page.goto("/sign-in");
  await plain.page.getByLabel("Email", { exact: true }).fill("sam@example.com");
  await plain.page.getByLabel("Password", { exact: true }).fill("not the password");
  await plain.page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
  await expect(plain.page.getByRole("alert")).toHaveText("The email or password is wrong.");
  await expect(plain.page.getByRole("heading", { level: 1 })).toHaveText("Sign in");

  // The same sign-up mistakes, with and without JavaScript: all three fields answer at once.
  const mistakes = async (p: typeof page) => {
    await p.getByLabel("Preferred name", { exact: true }).fill("  ");
    await p.getByLabel("Email", { exact: true }).fill("not-an-email");
    await p.getByLabel("Password", { exact: true }).fill("short");
    await p.getByRole("button", { name: "Join" }).click();
    await expect(p.getByText("Tell us what to call you.")).toBeVisible();
    await expect(p.getByText("Enter an email address like name@example.com.")).toBeVisible();
    await expect(p.getByText("Use at least 8 characters.")).toBeVisible();
  };
  await plain.page.goto("/join");
  await mistakes(plain.page);
  await plain.context.close();

  await page.setViewportSize(phone);
  await goto(page, "/join");
  await mistakes(page);
  await expect(page.getByLabel("Email", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
});
