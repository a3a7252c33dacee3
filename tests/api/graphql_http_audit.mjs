// Runs graphql-http's own server audit suite against a live server and prints JSON results.
// Usage: node tests/api/graphql_http_audit.mjs http://127.0.0.1:PORT/graphql
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
const out = [];
for (const r of results) {
  out.push({ id: r.id, name: r.name, status: r.status, reason: r.status === "ok" ? null : r.reason });
}
process.stdout.write(JSON.stringify(out));
