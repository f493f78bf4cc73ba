import { defineConfig } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// One fresh data directory per run, shared by the server and the tests (workers inherit the env).
if (!process.env.HOSO_E2E_DATA_DIR) {
  process.env.HOSO_E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "hoso-e2e-"));
}
const port = process.env.HOSO_E2E_PORT ?? "3100";
const baseURL = `http://localhost:${port}`;
const root = path.resolve(import.meta.dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");

export default defineConfig({
  testDir: "tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL,
    locale: "vi-VN",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: path.join(targetDir, "release", "server"),
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      HOSO_LISTEN: `127.0.0.1:${port}`,
      HOSO_PUBLIC_URL: baseURL,
      HOSO_DATA_DIR: process.env.HOSO_E2E_DATA_DIR,
      HOSO_SITE_ROOT: path.join(root, "target", "site"),
      HOSO_SEED_DEMO: "true",
      DATABASE_URL: `sqlite://${process.env.HOSO_E2E_DATA_DIR}/hoso.db`,
      RUST_LOG: "warn",
    },
  },
});
