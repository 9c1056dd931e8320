// What a browser downloads for a first load of a page: every file (HTML, CSS, JS, WASM, images),
// its bytes raw and compressed as gzip -9 and brotli 11, and a total line per page.
//   node size.mjs BASE [EMAIL:PATH ...]     (default: a member's `/` and staff's counter)
// Prints `size page=/ files=… raw=… gzip=… first_load_br=… budget=256000` per page.
import { chromium } from "@playwright/test";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const BUDGET = 256_000;
const [base, ...specs] = process.argv.slice(2);
if (!base) {
  console.error("usage: node size.mjs BASE [EMAIL:PATH ...]");
  process.exit(2);
}
const pages = (specs.length ? specs : ["anna@example.com:/", "staff@example.com:/console/counter"]).map((s) => {
  const at = s.indexOf(":");
  return { email: s.slice(0, at), path: s.slice(at + 1) };
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gz = (b) => gzipSync(b, { level: 9 }).length;
const pad = (v, n) => String(v).padStart(n);

for (const { email, path } of pages) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const signedIn = await context.request.post(`${base}/api/accounts/sign_in`, {
    form: { email, password: "regulars-demo" },
  });
  if (!signedIn.ok()) throw new Error(`sign in as ${email}: ${signedIn.status()}`);
  const page = await context.newPage();
  const files = [];
  const pending = [];
  page.on("response", (res) => {
    pending.push(
      res.body().then(
        (body) => files.push({ url: new URL(res.url()).pathname, type: res.request().resourceType(), served: res.headers()["content-encoding"] ?? "", body }),
        () => {},
      ),
    );
  });
  await page.goto(`${base}${path}`);
  // A page that loads the WASM is measured once hydrated; a plain one (a member's) once loaded.
  if (await page.locator('link[rel="modulepreload"]').count()) await page.locator("main[data-hydrated]").waitFor();
  await page.waitForLoadState("networkidle");
  await Promise.all(pending);
  await context.close();

  let total = { raw: 0, gzip: 0, br: 0 };
  console.log(`\n${path} (signed in as ${email})`);
  console.log(`${"file".padEnd(58)} ${"type".padEnd(10)} ${pad("raw", 9)} ${pad("gzip", 9)} ${pad("brotli", 9)}  served`);
  for (const f of files.sort((a, b) => b.body.length - a.body.length)) {
    const row = { raw: f.body.length, gzip: gz(f.body), br: br(f.body) };
    for (const k of Object.keys(total)) total[k] += row[k];
    const name = f.url.length > 58 ? "…" + f.url.slice(-57) : f.url;
    console.log(`${name.padEnd(58)} ${f.type.padEnd(10)} ${pad(row.raw, 9)} ${pad(row.gzip, 9)} ${pad(row.br, 9)}  ${f.served}`);
  }
  console.log(`${"total".padEnd(58)} ${"".padEnd(10)} ${pad(total.raw, 9)} ${pad(total.gzip, 9)} ${pad(total.br, 9)}`);
  console.log(`size page=${path} files=${files.length} raw=${total.raw} gzip=${total.gzip} first_load_br=${total.br} budget=${BUDGET}`);
}
await browser.close();
