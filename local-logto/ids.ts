import { randomInt } from "node:crypto";

const lowercaseAlphanumeric = "0123456789abcdefghijklmnopqrstuvwxyz";
const alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomString(alphabet: string, length: number): string {
    // randomInt draws without modulo bias, so ids and secrets are uniformly distributed like Logto's nanoid.
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
    return out;
}

/** Logto's `generateStandardId()`: 21 lowercase alphanumerics. */
export const newId = (): string => randomString(lowercaseAlphanumeric, 21);

/** Logto's `generateStandardSecret()`: 32 alphanumerics. */
export const newSecret = (): string => randomString(alphanumeric, 32);

/** A token id; oidc-provider's are longer than entity ids. */
export const newJti = (): string => randomString(alphanumeric, 43);

/** Logto's organization ids are shorter: 12 lowercase alphanumerics. */
export const newOrganizationId = (): string => randomString(lowercaseAlphanumeric, 12);
