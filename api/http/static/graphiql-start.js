// Mounts GraphiQL on this server's own /graphql (no CDN: everything comes from this origin).
const fetcher = GraphiQL.createFetcher({ url: window.location.origin + "/graphql" });
const defaultQuery = `# Clara: patient-education content in English and Spanish.
query Page($locale: String = "es") {
  document(slug: "liver-metastases-treatment", locale: $locale) {
    title
    lastReviewed
    sections { id heading }
  }
}
`;
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery })
);
