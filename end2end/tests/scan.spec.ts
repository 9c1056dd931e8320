import { chromium, expect } from "@playwright/test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goto, joinByRequest, signIn, test } from "./helpers";

const W = 640;
const H = 480;

/** A Y4M video (what Chromium's fake camera plays) of one still frame, from RGBA pixels. */
function y4m(rgba: number[]): Buffer {
  const y = Buffer.alloc(W * H);
  for (let i = 0; i < W * H; i++) {
    y[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

test("staff scan a member card's QR code with the device camera and the member opens", async ({ page }) => {
  // Siv joins; her card, as her phone shows it, is the QR of her member number.
  await joinByRequest(page.request, { email: "siv@scan.example", password: "a long password", preferred_name: "Siv", language: "sv" });
  await goto(page, "/");
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  const svg = await (await page.request.get("/me/card.svg")).text();
  const pixels: number[] = await page.evaluate(
    async ({ svg, w, h }) => {
      const img = new Image();
      img.src = "data:image/svg+xml;base64," + btoa(svg);
      await img.decode();
      const c = document.createElement("canvas");
      c.width = w;
      c.height = h;
      const ctx = c.getContext("2d")!;
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(img, (w - 360) / 2, (h - 360) / 2, 360, 360);
      return Array.from(ctx.getImageData(0, 0, w, h).data);
    },
    { svg, w: W, h: H },
  );
  const video = join(mkdtempSync(join(tmpdir(), "regulars-scan-")), "card.y4m");
  writeFileSync(video, y4m(pixels));

  // A tablet at the counter whose camera sees that card.
  const launch = test.info().project.use.launchOptions ?? {};
  const browser = await chromium.launch({
    ...launch,
    args: [
      ...(launch.args ?? []),
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  const baseURL = new URL(page.url()).origin;
  const context = await browser.newContext({ baseURL, viewport: { width: 820, height: 1180 } });
  await context.grantPermissions(["camera"], { origin: baseURL });
  const tablet = await context.newPage();
  await signIn(tablet, "staff@example.com");
  await expect(tablet).toHaveURL(/\/console\/counter$/);
  await tablet.getByRole("button", { name: "Skanna med kameran" }).first().click();
  await expect(tablet.locator(".member-panel").getByRole("heading", { level: 2 })).toHaveText("Siv", { timeout: 20_000 });
  await expect(tablet.locator(".member-panel").getByLabel("Belopp", { exact: true })).toBeFocused();
  await browser.close();
});
