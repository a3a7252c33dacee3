// Apollo Client's relayStylePagination type policy, unchanged, paging through documentsConnection
// of a live server with fetchMore until hasNextPage is false. Prints JSON: the slugs the cache
// merged, the pages fetched and the end cursors seen.
// Usage: node tests/api/apollo_relay_pages.mjs http://127.0.0.1:PORT/graphql PAGE_SIZE LOCALE
import pkg from "@apollo/client/core/core.cjs";
import utilities from "@apollo/client/utilities/utilities.cjs";

const { ApolloClient, InMemoryCache, HttpLink, gql } = pkg;
const { relayStylePagination } = utilities;

const [uri, size, locale] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const cache = new InMemoryCache({
  typePolicies: { Query: { fields: { documentsConnection: relayStylePagination(["orderBy", "locale"]) } } },
});
const client = new ApolloClient({ link: new HttpLink({ uri }), cache });
const query = gql`query Library($first: Int, $after: String, $locale: String) {
  documentsConnection(first: $first, after: $after, orderBy: TITLE_ASC, locale: $locale) {
    totalCount
    edges { cursor node { slug title } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const variables = { first: size, locale };
const watched = client.watchQuery({ query, variables });
let { data } = await watched.result();
const cursors = [data.documentsConnection.pageInfo.endCursor];
let pages = 1;
while (data.documentsConnection.pageInfo.hasNextPage) {
  const after = data.documentsConnection.pageInfo.endCursor;
  const more = await watched.fetchMore({ variables: { after } });
  pages += 1;
  cursors.push(more.data.documentsConnection.pageInfo.endCursor);
  data = watched.getCurrentResult().data;  // the merged list, as a component would see it
  if (pages > 200) throw new Error("paging did not end");
}
const merged = data.documentsConnection.edges.map((e) => e.node.slug);
process.stdout.write(JSON.stringify({ merged, titles: data.documentsConnection.edges.map((e) => e.node.title),
                                      totalCount: data.documentsConnection.totalCount, pages, cursors }));
