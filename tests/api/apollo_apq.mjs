// Apollo Client with createPersistedQueryLink({ useGETForHashedQueries: true }), unchanged, against
// a live server. Prints JSON: what each query returned and the HTTP requests that were made.
// Usage: node tests/api/apollo_apq.mjs http://127.0.0.1:PORT/graphql
import { createHash } from "node:crypto";
import pkg from "@apollo/client/core/core.cjs";
import apq from "@apollo/client/link/persisted-queries/persisted-queries.cjs";

const { ApolloClient, InMemoryCache, HttpLink, gql } = pkg;
const { createPersistedQueryLink } = apq;

const uri = process.argv[2];
const requests = [];
const recordingFetch = async (url, init) => {
  const response = await fetch(url, init);
  requests.push({ method: init.method || "GET", url: String(url), status: response.status,
                  cacheControl: response.headers.get("cache-control"), etag: response.headers.get("etag") });
  return response;
};
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true })
  .concat(new HttpLink({ uri, fetch: recordingFetch }));

const query = gql`query Treatment($id: ID!, $locale: String) { treatment(id: $id, locale: $locale) { id name } }`;
const results = [];
for (let i = 0; i < 2; i++) {
  // a fresh cache each time, so the second round goes to the server again (as a new page load would)
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const { data } = await client.query({ query, variables: { id: "proton-therapy", locale: "es" } });
  results.push(data.treatment.name);
}
process.stdout.write(JSON.stringify({ results, requests }));
