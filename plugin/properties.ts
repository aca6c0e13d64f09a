/**
 * Property values between the engine's wire form (a protobuf Struct, as plain JS) and the plain values the
 * providers take. With `acceptSecrets`, the engine sends a secret as an object under Pulumi's signature key and
 * expects secret outputs in the same form; the providers see plain values, and the plugin wraps the outputs that
 * are secret (an app's secrets) and every property that arrived secret.
 */

/** Pulumi's `specialSigKey` and the signature of a secret (sdk/go/common/resource/sig). */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

export type Plain = Record<string, unknown>;

function isSecretValue(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[sigKey] === secretSig;
}

function unwrap(value: unknown, found: { secret: boolean }): unknown {
    if (isSecretValue(value)) {
        found.secret = true;
        return unwrap(value.value, found);
    }
    if (Array.isArray(value)) return value.map((v) => unwrap(v, found));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, found)]));
    }
    return value;
}

/** The plain properties, and the top-level keys whose value was (or held) a secret. */
export function unwrapSecrets(props: Plain | undefined): { plain: Plain; secretKeys: Set<string> } {
    const plain: Plain = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(props ?? {})) {
        const found = { secret: false };
        plain[key] = unwrap(value, found);
        if (found.secret) secretKeys.add(key);
    }
    return { plain, secretKeys };
}

export function secretValue(value: unknown): Record<string, unknown> {
    return { [sigKey]: secretSig, value };
}

/** `props` for the wire: undefined values left out, the keys in `secretKeys` wrapped as secrets. */
export function wireProperties(props: Plain, secretKeys: Iterable<string>): Plain {
    const secret = new Set(secretKeys);
    const out: Plain = {};
    for (const [key, value] of Object.entries(props)) {
        if (value === undefined) continue;
        out[key] = secret.has(key) ? secretValue(value) : value;
    }
    return out;
}
