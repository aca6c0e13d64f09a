import type { JSONWebKeySet } from "jose";
import type { JoseRuntime } from "./jose-runtime";
import type { SigningKey } from "./jose-ops";
import type { Store } from "./store";

const metaKey = "oidc.signingKey";

/**
 * The tenant's P-384 signing key, generated once and kept in the store, so tokens issued before a restart
 * still verify after it (and clients caching the JWKS keep working).
 */
export async function loadOrCreateSigningKey(store: Store, jose: JoseRuntime): Promise<SigningKey> {
    const stored = store.getMeta(metaKey);
    if (stored) return JSON.parse(stored) as SigningKey;
    const key = await jose.generateSigningKey();
    store.setMeta(metaKey, JSON.stringify(key));
    return key;
}

export const jwksOf = (key: SigningKey): JSONWebKeySet => ({ keys: [key.publicJwk] });
