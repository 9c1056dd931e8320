// Camera scanning at the counter: a member card's QR code into the search, a reward code's
// QR code into the code form. Buttons marked `data-scan="<input id>"` appear only where the
// device has a camera API. Frames are decoded by the browser's BarcodeDetector where it
// exists, else by jsQR (loaded on first use). The decoded text fills the input and submits
// its form, exactly as a keyboard-wedge scanner would.
const canScan = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
if (canScan) document.documentElement.classList.add("can-scan");

let fallback = null;
function loadFallback() {
  fallback ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = "/vendor/jsQR.js";
    s.onload = () => resolve(window.jsQR);
    s.onerror = reject;
    document.head.append(s);
  });
  return fallback;
}

async function decoder() {
  if ("BarcodeDetector" in window) {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (formats.includes("qr_code")) {
      const d = new window.BarcodeDetector({ formats: ["qr_code"] });
      return async (video) => (await d.detect(video))[0]?.rawValue ?? null;
    }
  }
  const jsQR = await loadFallback();
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return null;
    canvas.width = w;
    canvas.height = h;
    ctx.drawImage(video, 0, 0, w, h);
    const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
    return found ? found.data : null;
  };
}

async function scan(button) {
  const input = document.getElementById(button.dataset.scan);
  if (!input) return;
  const dialog = document.createElement("dialog");
  dialog.className = "scanner";
  dialog.setAttribute("aria-label", button.dataset.title || button.textContent);
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "button";
  close.textContent = button.dataset.cancel || "Cancel";
  dialog.append(video, close);
  document.body.append(dialog);
  let stream = null, done = false;
  const stop = () => {
    done = true;
    stream?.getTracks().forEach((t) => t.stop());
    dialog.close();
    dialog.remove();
  };
  close.addEventListener("click", stop);
  dialog.addEventListener("cancel", stop);
  dialog.showModal();
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    await video.play();
    const decode = await decoder();
    while (!done) {
      const text = await decode(video);
      if (text) {
        stop();
        input.value = text.trim();
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.form?.requestSubmit();
        input.focus();
        return;
      }
      await new Promise((r) => setTimeout(r, 120));
    }
  } catch (e) {
    console.warn("camera scan failed", e);
    stop();
    input.focus();
  }
}

document.addEventListener("click", (ev) => {
  const button = ev.target.closest?.("[data-scan]");
  if (button && canScan) {
    ev.preventDefault();
    scan(button);
  }
});
