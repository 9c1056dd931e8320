// Screenshots of signed-in pages, phone and desktop: node shots.mjs BASE OUTDIR EMAIL PATH...
import { chromium } from "@playwright/test";

const [base, out, email, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
for (const [tag, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 900 }]]) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (email !== "-") {
    await page.goto(`${base}/sign-in`);
    await page.locator("main[data-hydrated]").waitFor();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill("regulars-demo");
    await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  }
  for (const path of paths) {
    await page.goto(`${base}${path}`);
    // A member's own pages are plain HTML (no WASM to wait for).
    if (await page.locator('link[rel="modulepreload"]').count()) await page.locator("main[data-hydrated]").waitFor();
    await page.waitForTimeout(300);
    const name = path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "home";
    await page.screenshot({ path: `${out}/${name}-${tag}.png`, fullPage: true });
  }
  await context.close();
}
await browser.close();
