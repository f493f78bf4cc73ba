// Independent SMART Health Card checks with @pathcheck/shc-sdk, run as a CommonJS child process:
// the package loads itself through `esm`, which only works when required from CommonJS.
//   node shc-check.cjs unpack-and-verify <shc:/…>   → {"ok":true,"credential":{…}} or {"ok":false}
//   node shc-check.cjs verify-jws <jws>             → {"ok":true|false}
//   node shc-check.cjs forge <shc:/…> <iss>          → {"shc":"shc:/…"}: the same credential signed
//                                                      by a fresh key in the name of <iss>
// The package logs its failures with console.log; they go to stderr so stdout stays JSON.
console.log = console.error;
const sdk = require("@pathcheck/shc-sdk");
const jose = require("node-jose");

async function main() {
  const [command, arg, issuer] = process.argv.slice(2);
  switch (command) {
    case "unpack-and-verify": {
      const verified = await sdk.unpackAndVerify(arg);
      return verified ? { ok: true, credential: verified.credential } : { ok: false };
    }
    case "verify-jws":
      return { ok: await sdk.verify(arg) };
    case "forge": {
      const parts = await sdk.debug(arg);
      const key = await jose.JWK.createKey("EC", "P-256", { alg: "ES256", use: "sig" });
      const jwt = await sdk.makeJWT(parts.body.vc, issuer, new Date());
      return { shc: await sdk.pack(await sdk.sign(jwt, key.toJSON(true))) };
    }
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main()
  .then((result) => process.stdout.write(JSON.stringify(result)))
  .catch((error) => {
    console.error(error);
    process.exit(2);
  });
