// Logto's limits as plain numbers, apart from the zod schemas that use them: the public declarations reach
// them, and declarations that reach zod do not compile without esModuleInterop.

/** Logto's length limits (its varchar sizes), counted as Logto counts them: in UTF-16 code units. */
export const logtoLimits = {
    roleName: 128,
    roleDescription: 128,
    appName: 256,
    permissionName: 256,
    secretName: 256,
    /** Organizations, organization permissions and organization roles: names 128, descriptions 256. */
    organizationName: 128,
    organizationDescription: 256,
} as const;

/** The `.<generation>` that `ApplicationSecret` appends to a secret's name in Logto (six hex digits). */
export const secretGenerationLength = 6;
/** A secret's name as given to `ApplicationSecret` and the spec: Logto's 256 less `.<generation>`. */
export const maxSecretNameLength = logtoLimits.secretName - secretGenerationLength - 1;

/**
 * 30 days. Logto itself takes any whole number up to 2^53 - 1 (larger ones fail with 500) and issues tokens that
 * long, but a longer-lived M2M token is a leak waiting to happen.
 */
export const maxAccessTokenTtl = 30 * 24 * 3600;

/** The most customData an app may carry, as JSON bytes. */
export const maxCustomDataBytes = 4096;

