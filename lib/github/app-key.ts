import { createPrivateKey } from "node:crypto";
import { redact, registerSecret } from "./redact";

/** A GitHub App private key that cannot be used, said without any of the key. */
export class AppKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AppKeyError";
  }
}

/**
 * The key as PKCS#8 PEM, from what a user pastes: the .pem GitHub downloads (PKCS#1, "BEGIN RSA
 * PRIVATE KEY") or PKCS#8, with real newlines, or with literal `\n` as .env files and many secret
 * stores write them, optionally quoted. Anything else is an AppKeyError naming `source`.
 */
export function normalizeAppPrivateKey(raw: string, source = "GITHUB_APP_PRIVATE_KEY"): string {
  registerSecret(raw);
  let text = raw.trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.endsWith(text[0])) text = text.slice(1, -1).trim();
  text = text.replace(/\\r\\n|\\n|\\r/g, "\n").replace(/\r\n?/g, "\n").trim();
  registerSecret(text);
  if (!/^-----BEGIN (RSA )?PRIVATE KEY-----\n[\s\S]+\n-----END (RSA )?PRIVATE KEY-----$/.test(text)) {
    const what = /^-----BEGIN [A-Z ]+-----/.exec(text)?.[0];
    if (what && /^-----BEGIN (RSA )?PRIVATE KEY-----$/.test(what)) {
      return fail(source, "it holds the PEM's first line but not the whole key (a .env file or secret store that cut it at the first newline? write the newlines as \\n, or use GITHUB_APP_PRIVATE_KEY_FILE)");
    }
    return fail(source, what
      ? `it is a PEM "${what.slice(11, -5)}", not an RSA private key ("-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN PRIVATE KEY-----")`
      : `it does not hold a PEM private key (the .pem file GitHub gives when you generate a private key for the App, starting "-----BEGIN RSA PRIVATE KEY-----"; newlines may be written as \\n)`);
  }
  let key;
  try {
    key = createPrivateKey(text);
  } catch (e) {
    // OpenSSL's reason names the format problem, never the key's bytes
    return fail(source, `the PEM does not decode (${redact(e instanceof Error ? e.message : String(e))}); it may be cut short or changed`);
  }
  if (key.asymmetricKeyType !== "rsa") return fail(source, `it is an ${key.asymmetricKeyType} key; GitHub Apps sign their JWTs with RSA keys`);
  const pkcs8 = key.export({ type: "pkcs8", format: "pem" }).toString();
  registerSecret(pkcs8);
  return pkcs8;
}

function fail(source: string, why: string): never {
  throw new AppKeyError(`${source} is not a usable GitHub App private key: ${why}`);
}

