import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";
import { mails, type Mail } from "./mail";

async function arrived(match: (m: Mail) => boolean, n = 1): Promise<Mail[]> {
  let found: Mail[] = [];
  await expect
    .poll(() => {
      found = mails().filter(match);
      return found.length;
    }, { timeout: 15_000 })
    .toBe(n);
  return found;
}

test("an owner sends a campaign in Swedish and Latvian; Anna unsubscribes in one click and the next one skips her", async ({ browser, page, request }) => {
  const run = Date.now() % 100000;
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);

  // A segment: members who bought in the last 60 days and take offers by email.
  await goto(page, "/console/segments");
  const editor = page.locator("section[aria-labelledby=segment-edit]");
  await editor.getByLabel("Segment name").fill(`Recent buyers ${run}`);
  await editor.getByLabel("Bought within the last … days").fill("60");
  await editor.getByLabel("Consent to offers by").selectOption({ label: "Email" });
  // The count follows the rules as they change: no button needed.
  await expect(editor.getByRole("status").first()).toContainText("members match");
  await expect(editor.locator("table")).toContainText("anna@example.com");
  await expect(editor.locator("table")).not.toContainText("liga@example.com"); // no purchases yet
  await editor.getByLabel("Bought within the last … days").fill("");
  await editor.getByLabel("Segment name").fill(`Email subscribers ${run}`);
  await editor.getByRole("button", { name: "Save segment" }).click();
  await expect(editor.getByText("Saved.")).toBeVisible();
  await expect(editor.locator("table")).toContainText("liga@example.com");
  await expectAccessible(page);

  // A campaign with its messages.
  await goto(page, "/console/campaigns");
  const create = page.locator("section[aria-labelledby=campaign-new]");
  await create.getByLabel("Campaign name").fill(`Winter sale ${run}`);
  await create.getByLabel("Segment").selectOption({ label: `Email subscribers ${run}` });
  await create.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/console\/campaigns\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Winter sale ${run}`);
  const write = async (language: string, subject: string, body: string) => {
    const block = page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) });
    await block.locator("summary").click();
    await block.getByLabel("Subject").fill(subject);
    await block.getByLabel("Preheader").fill("Only this week");
    await block.getByLabel("Message").fill(body);
    await block.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) }).locator(".missing-badge")).toHaveCount(0);
  };
  await write("English", `{{ preferred_name }}, winter sale ${run}`, "Hello {{ preferred_name }}, you have {{ points }} points.");
  await write("Svenska", `{{ preferred_name }}, vinterrea ${run}`, "Hej {{ preferred_name }}! Du har {{ points }} poäng.");
  await write("Latviešu", `{{ preferred_name }}, ziemas izpārdošana ${run}`, "Sveiki, {{ preferred_name }}! Jums ir {{ points }} punkti.");

  await expectAccessible(page);

  // Preview as Anna, in Swedish (axe cannot enter the sandboxed preview frame, so the page is
  // checked before it shows).
  const preview = page.locator("section[aria-labelledby=preview]");
  await preview.getByLabel("Language").first().selectOption("sv");
  await preview.getByLabel("Preview as member (email)").fill("anna@example.com");
  await preview.getByRole("button", { name: "Show preview" }).click();
  await expect(preview.locator(".email-preview")).toContainText("Anna, vinterrea");
  await expect(preview.frameLocator("iframe.email-frame").getByText("Hej Anna!")).toBeVisible();

  await page.locator("section[aria-labelledby=send]").getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.locator(".lede .badge")).toHaveText("Finished", { timeout: 20_000 });
  const winter = new URL(page.url()).pathname;

  const [anna] = await arrived((m) => m.to === "anna@example.com" && m.subject === `Anna, vinterrea ${run}`);
  expect(anna.text).toContain("Hej Anna!");
  expect(anna.list_unsubscribe_post).toBe("List-Unsubscribe=One-Click");
  const [liga] = await arrived((m) => m.to === "liga@example.com" && m.subject === `Līga, ziemas izpārdošana ${run}`);
  expect(liga.html).toContain('lang="lv"');
  // Ola reads Norwegian, which has no message: he gets the shop's language.
  await arrived((m) => m.to === "ola@example.com" && m.subject === `Ola, winter sale ${run}`);

  // Anna's mail app unsubscribes in one click: a POST without cookies, 200, no redirect.
  // `<https://…/u/token>, <mailto:…?subject=unsubscribe%20token>`
  const link = anna.list_unsubscribe!.match(/<(https?:[^>]+)>/)![1];
  expect(anna.list_unsubscribe).toContain(`subject=unsubscribe%20${link.split("/").pop()}>`);
  const res = await request.post(link, { form: { "List-Unsubscribe": "One-Click" }, maxRedirects: 0 });
  expect(res.status()).toBe(200);

  // The campaign's results count her unsubscribe; too few members for a control group.
  await goto(page, winter);
  const results = page.locator("section[aria-labelledby=results]");
  await expect(results.getByRole("row", { name: "Unsubscribed through the message" })).toContainText("1");
  await expect(results.getByRole("row", { name: "In the control group" })).toContainText("0");
  const csv = await page.request.get(await results.getByRole("link", { name: "Download as CSV" }).getAttribute("href") ?? "");
  expect(await csv.text()).toContain("\nunsubscribed,1\n");
  await expectAccessible(page);

  // Her preference page (no sign-in) speaks Swedish and shows it.
  const visitor = await browser.newContext();
  const prefs = await visitor.newPage();
  await goto(prefs, new URL(link).pathname);
  await expect(prefs.getByRole("heading", { level: 1 })).toHaveText("Dina erbjudanden");
  await expect(prefs.getByLabel("Medlemserbjudanden via e-post")).not.toBeChecked();
  await expectAccessible(prefs);

  // The next campaign reaches the others, not Anna.
  await goto(page, "/console/campaigns");
  await create.getByLabel("Campaign name").fill(`Spring ${run}`);
  await create.getByLabel("Segment").selectOption({ label: `Email subscribers ${run}` });
  await create.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/console\/campaigns\/\d+$/);
  await write("English", `Spring ${run}`, "Spring is here, {{ preferred_name }}.");
  await page.locator("section[aria-labelledby=send]").getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.locator(".lede .badge")).toHaveText("Finished", { timeout: 20_000 });
  await arrived((m) => m.to === "liga@example.com" && m.subject === `Spring ${run}`);
  expect(mails().filter((m) => m.to === "anna@example.com" && m.subject === `Spring ${run}`)).toHaveLength(0);

  // Giving consent again is as easy: her preference page, one box (this also leaves the
  // demo data as it was for the next run).
  await prefs.getByLabel("Medlemserbjudanden via e-post").check();
  await prefs.getByRole("button", { name: "Spara" }).click();
  await expect(prefs.getByRole("status")).toHaveText("Sparat.");
  await visitor.close();
});
