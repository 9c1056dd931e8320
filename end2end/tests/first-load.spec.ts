import { expect, type Page } from "@playwright/test";
import { brotliCompressSync, constants } from "node:zlib";
import { DEMO_PASSWORD, test } from "./helpers";

// What a member's phone downloads for their home page — HTML, CSS, JS, WASM, images — as
// brotli 11 (what the bundle files are served as; other responses are compressed per
// request). The budget keeps it from creeping back towards the console's 1.5 MB module.
const BUDGET = 256_000;

const brotli = (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

async function signInAs(page: Page, email: string) {
  const res = await page.context().request.post("/api/accounts/sign_in", { form: { email, password: DEMO_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
}

/** Every file `path` downloads on a first load, with its bytes as brotli 11. */
async function firstLoad(page: Page, path: string) {
  const files: { url: string; br: number }[] = [];
  const pending: Promise<void>[] = [];
  const listener = (res: import("@playwright/test").Response) => {
    pending.push(res.body().then((b) => void files.push({ url: new URL(res.url()).pathname, br: brotli(b) }), () => {}));
  };
  page.on("response", listener);
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  await Promise.all(pending);
  page.off("response", listener);
  return files;
}

test("a member's home downloads at most 256,000 bytes (brotli), and no member page loads the console's WASM", async ({ page }) => {
  await signInAs(page, "anna@example.com");
  const home = await firstLoad(page, "/");
  const total = home.reduce((sum, f) => sum + f.br, 0);
  console.log(`first load of / as a member: ${home.length} files, ${total} bytes brotli (budget ${BUDGET})`);
  expect(total, home.map((f) => `${f.url} ${f.br}`).join("\n")).toBeLessThanOrEqual(BUDGET);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Anna");

  for (const path of ["/", "/me/history", "/me/rewards", "/me/data", "/me/feedback"]) {
    const files = await firstLoad(page, path);
    expect(files.filter((f) => /^\/pkg\/.*\.(wasm|js)$/.test(f.url)).map((f) => f.url), path).toEqual([]);
  }

  // The same check sees the bundle where it is loaded: the console hydrates.
  await page.context().clearCookies();
  await signInAs(page, "staff@example.com");
  const counter = await firstLoad(page, "/console/counter");
  expect(counter.some((f) => f.url.startsWith("/pkg/") && f.url.endsWith(".wasm"))).toBe(true);
  await expect(page.locator("main[data-hydrated]")).toHaveCount(1);
});
