// node dist/examples/shopping-api/main.js -- the example API, for Logto at LOGTO_ENDPOINT.
// Env: LOGTO_ENDPOINT (required), SHOPPING_API_INDICATOR (default https://shopping.api), PORT (default 3002; 0 picks one), HOST.
import type { AddressInfo } from "node:net";
import { createShoppingApi } from "./server";

const endpoint = process.env.LOGTO_ENDPOINT;
if (!endpoint) {
    console.error("set LOGTO_ENDPOINT to the Logto endpoint whose tokens this API accepts");
    process.exit(2);
}
const server = createShoppingApi({ endpoint, indicator: process.env.SHOPPING_API_INDICATOR ?? "https://shopping.api" });
server.listen(Number(process.env.PORT ?? 3002), process.env.HOST ?? "127.0.0.1", () => {
    const { address, port } = server.address() as AddressInfo;
    // One line on stdout that tests and scripts wait for.
    console.log(`shopping API listening on http://${address}:${port}`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
