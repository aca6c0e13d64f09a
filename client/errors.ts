/**
 * The client's failures. Each carries the data a program acts on (status, Logto `code`, method, path) and a
 * message a person understands. No message ever contains an App Secret, a secret value or a token: messages are
 * built from the request line, the status and Logto's code and message, never from request bodies or headers.
 */

/** Hints appended to an API failure, by Logto code, so the message says what to fix. */
const apiHints: Record<string, string> = {
    "auth.forbidden": "the Management API token lacks the `all` scope: give the bootstrap app the " +
        "\"Logto Management API access\" role (or another M2M role holding the Management API permission `all`)",
    "auth.unauthorized": "the Management API refused the token: check that the endpoint and the management " +
        "indicator belong to the same tenant, and that the machine's clock is right",
    "subscription.limit_exceeded": "a Logto Cloud plan quota is reached (e.g. M2M apps, roles, API resources)",
};

export class LogtoApiError extends Error {
    /** HTTP status of Logto's answer. */
    readonly status: number;
    /** Logto's error code, e.g. `role.name_in_use`; absent when the body carried none. */
    readonly code?: string;
    readonly method: string;
    /** Path of the request without the query, e.g. `/api/roles/abc/scopes`. */
    readonly path: string;
    /** Logto's own message, as sent. */
    readonly logtoMessage?: string;
    /** How many attempts were made before this answer was taken as final. */
    readonly attempts: number;

    constructor(init: { status: number; code?: string; method: string; path: string; logtoMessage?: string; attempts?: number; hint?: string }) {
        const head = `Logto ${init.method} ${init.path} failed with ${init.status}${init.code !== undefined ? ` ${init.code}` : ""}`;
        const text = init.logtoMessage !== undefined && init.logtoMessage !== "" ? `: ${init.logtoMessage}` : "";
        const hint = init.hint ?? (init.code !== undefined ? apiHints[init.code] : undefined);
        const tries = init.attempts !== undefined && init.attempts > 1 ? ` (after ${init.attempts} attempts)` : "";
        super(`${head}${text}${tries}${hint !== undefined ? ` -- ${hint}` : ""}`);
        this.name = "LogtoApiError";
        this.status = init.status;
        if (init.code !== undefined) {
            this.code = init.code;
        }
        this.method = init.method;
        this.path = init.path;
        if (init.logtoMessage !== undefined) {
            this.logtoMessage = init.logtoMessage;
        }
        this.attempts = init.attempts ?? 1;
    }

    get isNotFound(): boolean {
        return this.status === 404;
    }

    /** 422: Logto's answer to a conflict (it never answers 409), e.g. a name in use. */
    get isConflict(): boolean {
        return this.status === 422;
    }

    get isRateLimited(): boolean {
        return this.status === 429;
    }
}

export class LogtoTokenError extends Error {
    readonly status?: number;
    /** The OAuth `error`, e.g. `invalid_client`, `invalid_target`, or `insufficient_scope` when `all` was not granted. */
    readonly oidcError?: string;

    constructor(message: string, init: { status?: number; oidcError?: string } = {}) {
        super(message);
        this.name = "LogtoTokenError";
        if (init.status !== undefined) {
            this.status = init.status;
        }
        if (init.oidcError !== undefined) {
            this.oidcError = init.oidcError;
        }
    }
}

/** Builds the token error for an OAuth error answer, saying what to fix. */
export function tokenErrorFor(init: {
    status: number;
    oidcError?: string;
    description?: string;
    tokenEndpoint: string;
    appId: string;
    resource: string;
}): LogtoTokenError {
    const what = `Logto token request to ${init.tokenEndpoint} for app ${init.appId} and resource ${init.resource} ` +
        `failed with ${init.status}${init.oidcError !== undefined ? ` ${init.oidcError}` : ""}` +
        `${init.description !== undefined && init.description !== "" ? ` (${init.description})` : ""}`;
    let fix: string;
    switch (init.oidcError) {
        case "invalid_client":
            fix = "check the App ID and App Secret: the app must exist in this tenant and the secret must be one of its unexpired secrets";
            break;
        case "invalid_target":
            fix = "the resource indicator is unknown to this tenant: check the management indicator and the tenant " +
                "(Logto Cloud: https://{tenantId}.logto.app/api with tenantId set; self-hosted: https://default.logto.app/api)";
            break;
        case "invalid_request":
            // Logto answers an expired secret with 400 invalid_request, not 401 invalid_client.
            fix = init.description === "client secret has expired"
                ? "the App Secret has expired: give the app a new secret and set it in the connection settings"
                : "check the connection settings";
            break;
        case "unauthorized_client":
        case "unsupported_grant_type":
            fix = "the app must be a machine-to-machine application (client credentials grant)";
            break;
        default:
            fix = init.status >= 500 || init.status === 429 ? "Logto is unavailable; retry later" : "check the connection settings";
    }
    return new LogtoTokenError(`${what} -- ${fix}`, {
        status: init.status,
        ...(init.oidcError !== undefined ? { oidcError: init.oidcError } : {}),
    });
}

/** Logto answered 2xx with a body that does not have the expected shape. Names the endpoint and the field. */
export class LogtoResponseShapeError extends Error {
    /** `METHOD /api/path`. */
    readonly endpoint: string;
    /** Dotted path of the first offending field, e.g. `3.name`; `(body)` for the whole body. */
    readonly field: string;

    constructor(endpoint: string, field: string, problem: string) {
        super(`unexpected response from Logto ${endpoint}: field ${field}: ${problem}`);
        this.name = "LogtoResponseShapeError";
        this.endpoint = endpoint;
        this.field = field;
    }
}

/**
 * A name or id that cannot be a segment of a request path ("", ".", "..", only dots, or such a value
 * percent-encoded): a URL parser would resolve it and the request would address another object, e.g. the app
 * instead of its secret named "..". Thrown before anything is sent.
 */
export class UnaddressableNameError extends Error {
    /** The refused name or id (names and ids are never secrets). */
    readonly segment: string;

    constructor(segment: string, path?: string) {
        super(`${JSON.stringify(segment)} cannot be used as a name or id in a request path${path !== undefined ? ` (${path})` : ""}: ` +
            "a URL parser resolves \".\" and \"..\" (and %2e) into another path, so the request would address another " +
            "object; nothing was sent -- rename or remove the object in the Logto Console");
        this.name = "UnaddressableNameError";
        this.segment = segment;
    }
}

/** No HTTP answer could be obtained (connection refused, reset, timeout), after all allowed attempts. */
export class LogtoNetworkError extends Error {
    readonly method: string;
    readonly path: string;
    /** undici's or Node's error code, e.g. `UND_ERR_SOCKET`, `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`. */
    readonly code?: string;
    readonly attempts: number;

    constructor(init: { method: string; path: string; code?: string; attempts: number; cause: unknown }) {
        const reason = init.cause instanceof Error ? init.cause.message : String(init.cause);
        super(`Logto ${init.method} ${init.path}: no answer after ${init.attempts} attempt(s): ${init.code ?? "error"}: ${reason}`,
            { cause: init.cause });
        this.name = "LogtoNetworkError";
        this.method = init.method;
        this.path = init.path;
        if (init.code !== undefined) {
            this.code = init.code;
        }
        this.attempts = init.attempts;
    }
}

/**
 * A create was sent, its answer was lost (reset, timeout or 5xx), and looking the object up by its natural key
 * could not tell whether it was created. The object may exist in Logto: look it up (the `naturalKey` says how)
 * before creating it again.
 */
export class OutcomeUnknownError extends Error {
    readonly method: string;
    readonly path: string;
    /** What identifies the object, e.g. `role name "readers"`. */
    readonly naturalKey: string;

    constructor(init: { method: string; path: string; naturalKey: string; cause: unknown }) {
        const reason = init.cause instanceof Error ? init.cause.message : String(init.cause);
        super(`the outcome of Logto ${init.method} ${init.path} (${init.naturalKey}) is unknown: the answer was lost ` +
            `and the lookup by ${init.naturalKey} failed (${reason}); the object may or may not exist -- check Logto ` +
            `before retrying`, { cause: init.cause });
        this.name = "OutcomeUnknownError";
        this.method = init.method;
        this.path = init.path;
        this.naturalKey = init.naturalKey;
    }
}
