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
// The test OpenID provider (end2end/oidc/provider.mjs): a facility's provider and the national one.
const oidcPort = process.env.HOSO_E2E_OIDC_PORT ?? "3200";
process.env.HOSO_E2E_OIDC_ISSUER = `http://127.0.0.1:${oidcPort}`;
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
  webServer: [
    {
      command: `node ${path.join(root, "end2end", "oidc", "provider.mjs")}`,
      url: `${process.env.HOSO_E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "ignore",
      env: { OIDC_PORT: oidcPort, HOSO_BASE_URL: baseURL },
    },
    {
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
        // Every test runs from one address: the abuse limits (tested in Rust) are set out of reach.
        HOSO_RATE_AUTH_PER_MINUTE: "100000",
        HOSO_RATE_SEARCH_PER_MINUTE: "100000",
        HOSO_RATE_CODE_ATTEMPTS_PER_HOUR: "100000",
        DATABASE_URL: `sqlite://${process.env.HOSO_E2E_DATA_DIR}/hoso.db`,
        HOSO_NATIONAL_IDP_ISSUER: process.env.HOSO_E2E_OIDC_ISSUER,
        HOSO_NATIONAL_IDP_CLIENT_ID: "hoso-national",
        HOSO_NATIONAL_IDP_CLIENT_SECRET: "hoso-national-secret",
        HOSO_NATIONAL_IDP_ID_CLAIM: "pid",
        RUST_LOG: "warn",
      },
    },
  ],
});
