import type * as Jose from "jose";

/** A P-384 signing key as JWKs: the private one stays in the store, the public one is served at /oidc/jwks. */
export interface SigningKey {
    privateJwk: Jose.JWK;
    publicJwk: Jose.JWK;
}

export interface VerifyOptions {
    issuer: string;
    audience: string;
}

/** A verification outcome: the payload, or jose's error as Logto puts it in `data` of `auth.unauthorized`. */
export type VerifyOutcome = { ok: true; payload: Jose.JWTPayload } | { ok: false; error: Record<string, unknown> };

/** The JOSE operations the local Logto needs, all done by jose (no hand-rolled crypto). */
export interface JoseOps {
    generateSigningKey(): Promise<SigningKey>;
    sign(privateJwk: Jose.JWK, header: Jose.JWTHeaderParameters, payload: Jose.JWTPayload): Promise<string>;
    verify(token: string, jwks: Jose.JSONWebKeySet, options: VerifyOptions): Promise<VerifyOutcome>;
}

export function joseOps(jose: typeof Jose): JoseOps {
    // Importing a JWK costs more than signing with it; keys never change for a running server.
    const importedKeys = new Map<string, Promise<Jose.CryptoKey | Uint8Array>>();
    const jwksVerifiers = new Map<string, ReturnType<typeof jose.createLocalJWKSet>>();

    return {
        async generateSigningKey() {
            const { privateKey, publicKey } = await jose.generateKeyPair("ES384", { extractable: true });
            const publicJwk = await jose.exportJWK(publicKey);
            const kid = await jose.calculateJwkThumbprint(publicJwk);
            const common = { kid, alg: "ES384", use: "sig" };
            return { privateJwk: { ...(await jose.exportJWK(privateKey)), ...common }, publicJwk: { ...publicJwk, ...common } };
        },
        async sign(privateJwk, header, payload) {
            const cacheKey = String(privateJwk.kid);
            let key = importedKeys.get(cacheKey);
            if (!key) {
                key = jose.importJWK(privateJwk, "ES384");
                importedKeys.set(cacheKey, key);
            }
            return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(await key);
        },
        async verify(token, jwks, options) {
            const cacheKey = JSON.stringify(jwks);
            let keySet = jwksVerifiers.get(cacheKey);
            if (!keySet) {
                keySet = jose.createLocalJWKSet(jwks);
                jwksVerifiers.set(cacheKey, keySet);
            }
            try {
                const { payload } = await jose.jwtVerify(token, keySet, { issuer: options.issuer, audience: options.audience });
                return { ok: true, payload };
            } catch (error) {
                // Logto answers with jose's error serialized (`code`, `name`, and for claim failures `claim`,
                // `reason`, `payload`), so keep exactly the enumerable own fields plus the two identifying ones.
                const e = error as Record<string, unknown> & { code?: unknown; name?: unknown };
                return { ok: false, error: { ...JSON.parse(JSON.stringify(e)), code: e.code ?? "ERR_UNKNOWN", name: e.name ?? "Error" } };
            }
        },
    };
}
