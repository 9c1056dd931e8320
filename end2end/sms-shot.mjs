import { chromium } from "@playwright/test";
const [base, out, email, id] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
for (const [tag, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 900 }]]) {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${base}/sign-in`);
  await page.locator("main[data-hydrated]").waitFor();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill("regulars-demo");
  await page.getByRole("main").getByRole("button").first().click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  await page.goto(`${base}/console/campaigns/${id}`);
  await page.locator("main[data-hydrated]").waitFor();
  await page.locator("details.language-message").nth(3).locator("summary").click();
  await page.locator("details.language-message").nth(4).locator("summary").click();
  await page.locator("#preview-language").selectOption("lv");
  await page.locator("#preview-member").fill("liga@example.com");
  await page.locator("section[aria-labelledby=preview] button").first().click();
  await page.locator(".sms-bubble").waitFor();
  await page.screenshot({ path: `${out}/sms-${email.split("@")[0]}-${tag}.png`, fullPage: true });
}
await browser.close();
