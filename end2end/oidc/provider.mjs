// A real OpenID provider for the browser tests (the npm package `oidc-provider`), on loopback.
// It plays two roles hoso meets in production:
//   - a facility's identity provider (client `hoso-facility`): clinicians sign in here;
//   - the national identity provider (client `hoso-national`, the role VNeID plays): the ID token
//     carries the 12-digit personal identification number in the claim `pid`.
// Its built-in login page accepts any login and password: the login becomes the subject (`sub`),
// and a 12-digit login is also the `pid`. Consent is implied (first-party clients).
//
// For the negative tests, `POST /__test/next-id-token` with a JSON body changes the claims of the
// next ID token the token endpoint issues and signs it again with the provider's own key (a
// well-signed token with a wrong audience, an expiry in the past, or another nonce), or with
// `{"corrupt_signature": true}` leaves the claims and breaks the signature. One token only.
import Provider from "oidc-provider";
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";

const port = Number(process.env.OIDC_PORT ?? "3200");
const issuer = `http://127.0.0.1:${port}`;
const callback = `${process.env.HOSO_BASE_URL ?? "http://localhost:3100"}/auth/oidc/callback`;

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: "test-key-1", alg: "RS256", use: "sig" };

const client = (id) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [callback],
  grant_types: ["authorization_code"],
  response_types: ["code"],
  token_endpoint_auth_method: "client_secret_basic",
});

const provider = new Provider(issuer, {
  clients: [client("hoso-facility"), client("hoso-national")],
  jwks: { keys: [jwk] },
  cookies: { keys: ["hoso-e2e-provider-cookie-key"] },
  // Claims of granted scopes go into the ID token itself (the portal reads no userinfo).
  conformIdTokenClaims: false,
  claims: { openid: ["sub", "pid"], profile: ["name"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, name: `Test person ${sub}`, ...(/^\d{12}$/.test(sub) ? { pid: sub } : {}) };
      },
    };
  },
  // First-party clients: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid profile");
    await grant.save();
    return grant;
  },
});

let nextIdToken = null;

async function readJson(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

provider.use(async (ctx, next) => {
  if (ctx.path === "/__test/next-id-token" && ctx.method === "POST") {
    nextIdToken = await readJson(ctx.req);
    ctx.body = { ok: true };
    return;
  }
  await next();
  if (ctx.path === "/token" && nextIdToken && ctx.body && typeof ctx.body === "object" && ctx.body.id_token) {
    const change = nextIdToken;
    nextIdToken = null;
    const token = ctx.body.id_token;
    if (change.corrupt_signature) {
      const [header, payload, signature] = token.split(".");
      const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
      ctx.body = { ...ctx.body, id_token: `${header}.${payload}.${flipped}` };
      return;
    }
    const claims = { ...decodeJwt(token) };
    const now = Math.floor(Date.now() / 1000);
    if (change.aud) claims.aud = change.aud;
    if (change.nonce) claims.nonce = change.nonce;
    if (change.expired) {
      claims.iat = now - 1200;
      claims.exp = now - 600;
    }
    const signed = await new SignJWT(claims).setProtectedHeader(decodeProtectedHeader(token)).sign(privateKey);
    ctx.body = { ...ctx.body, id_token: signed };
  }
});

provider.listen(port, "127.0.0.1", () => {
  console.log(`test OpenID provider at ${issuer}, redirecting to ${callback}`);
});
