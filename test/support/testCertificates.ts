import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A throwaway CA and a server certificate it signed, for a local Logto serving HTTPS under given names. */
export interface TestCertificates {
    /** PEM of the CA (what the test trusts: NODE_EXTRA_CA_CERTS, or `ca` in process). */
    caPem: string;
    /** The CA's PEM file. */
    caFile: string;
    /** The server's PEM key and certificate (for the local Logto's `tls`). */
    key: string;
    cert: string;
    cleanup(): void;
}

/**
 * Made with the openssl CLI (Node can verify certificates but not issue them). EC P-256, valid for a day, the
 * server certificate for exactly `dnsNames` (no wildcard: a request for any other name fails verification).
 */
export function makeTestCertificates(dnsNames: string[]): TestCertificates {
    const dir = mkdtempSync(path.join(tmpdir(), "logto-test-ca-"));
    const file = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    try {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("ca.key"));
        openssl("req", "-x509", "-new", "-key", file("ca.key"), "-sha256", "-days", "1", "-subj", "/CN=pulumi-logto-m2m test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", file("ca.pem"));
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("server.key"));
        openssl("req", "-new", "-key", file("server.key"), "-subj", `/CN=${dnsNames[0]}`, "-out", file("server.csr"));
        writeFileSync(file("server.ext"), [
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature",
            "extendedKeyUsage=serverAuth",
            `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`,
        ].join("\n") + "\n");
        openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial",
            "-days", "1", "-sha256", "-extfile", file("server.ext"), "-out", file("server.pem"));
        return {
            caPem: readFileSync(file("ca.pem"), "utf8"),
            caFile: file("ca.pem"),
            key: readFileSync(file("server.key"), "utf8"),
            cert: readFileSync(file("server.pem"), "utf8"),
            cleanup: () => rmSync(dir, { recursive: true, force: true }),
        };
    } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`could not make test certificates with openssl: ${(error as Error).message}`, { cause: error });
    }
}
