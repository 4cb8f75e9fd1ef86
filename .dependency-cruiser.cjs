/**
 * The architecture as rules (`npm run check:architecture`). Folders, from the ground up:
 * schema → config → providers → stores → core → plugins → integrations → http → load-config, index, cli.
 * Every import points down that list; each rule below says which step it guards and why.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A circle of imports, even of types, has no bottom: nobody can say which module owns the shared piece.",
      severity: "error",
      from: { path: "^src" },
      to: { circular: true },
    },
    {
      name: "schema-is-the-ground-floor",
      comment: "The canonical request/response/error types and their pure helpers are what everything else speaks; they depend on nothing else of Iris.",
      severity: "error",
      from: { path: "^src/schema/" },
      to: { path: "^src/", pathNot: "^src/schema/" },
    },
    {
      name: "config-stands-on-schema-only",
      comment:
        "Config types, the zod schema of config.json and the defaults are read by providers, so they cannot know providers; loading and checking config against the provider registry lives above them (src/load-config.ts).",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/", pathNot: "^src/(config|schema)/" },
    },
    {
      name: "providers-know-only-schema-and-config",
      comment: "A provider is data plus pure conversions between the canonical schema and its wire; it never knows the engine, HTTP routes, plugins or stores.",
      severity: "error",
      from: { path: "^src/providers/" },
      to: { path: "^src/", pathNot: "^src/(providers|schema|config)/" },
    },
    {
      name: "store-interfaces-speak-schema",
      comment:
        "Store interfaces are the contract every implementation (SQLite, PostgreSQL, Redis) and every user (engine, plugins) shares, so they carry only canonical types.",
      severity: "error",
      from: { path: "^src/stores/[^/]+\\.ts$" },
      to: { path: "^src/", pathNot: "^src/(schema/|stores/[^/]+\\.ts$)" },
    },
    {
      name: "store-implementations-implement-interfaces",
      comment: "A store implementation fulfils an interface of stores/; it never reaches into the engine, plugins or routes it serves.",
      severity: "error",
      from: { path: "^src/stores/([^/]+)/" },
      to: { path: "^src/", pathNot: ["^src/stores/[^/]+\\.ts$", "^src/stores/$1/", "^src/stores/kysely/", "^src/(schema|config)/"] },
    },
    {
      name: "only-sql-stores-share-the-kysely-queries",
      comment:
        'stores/kysely/ holds the log store\'s SQL written once for SQLite and PostgreSQL ("through the same query code"); only those two implementations use it, and it knows neither.',
      severity: "error",
      from: { path: "^src/", pathNot: "^src/stores/(sqlite|postgres|kysely)/" },
      to: { path: "^src/stores/kysely/" },
    },
    {
      name: "the-shared-sql-knows-no-database",
      comment: "The shared queries stay dialect-agnostic: what differs between SQLite and PostgreSQL is passed in by the store that uses them.",
      severity: "error",
      from: { path: "^src/stores/kysely/" },
      to: { path: "^src/stores/(sqlite|postgres)/" },
    },
    {
      name: "core-reaches-providers-through-the-registry",
      comment: "The engine picks an adapter from the registry and speaks the contract types; it never depends on one provider's internals.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/providers/", pathNot: "^src/providers/(registry|types)\\.ts$" },
    },
    {
      name: "core-reaches-stores-through-interfaces",
      comment: "Which store backs a deployment (SQLite, PostgreSQL, Redis) is decided by the composition root, not by the engine.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/stores/[^/]+/" },
    },
    {
      name: "core-is-below-plugins-and-surfaces",
      comment: "The engine is independent of HTTP and of the drop-in surfaces; it knows plugins only through the pipeline interface it defines.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/(http|integrations|plugins)/|^src/(load-config|index|cli|logger)\\.ts$" },
    },
    {
      name: "plugins-stay-out-of-http-and-surfaces",
      comment: "A plugin sees the canonical request and its context in the pipeline, never the HTTP route or the SDK surface it came from.",
      severity: "error",
      from: { path: "^src/plugins/" },
      to: { path: "^src/(http|integrations)/" },
    },
    {
      name: "plugins-never-import-each-other",
      comment: "Plugins share what one request needs through its context; one importing another would fix their order and couple their state.",
      severity: "error",
      from: { path: "^src/plugins/([^/]+)/" },
      to: { path: "^src/plugins/[^/]+/", pathNot: "^src/plugins/$1/" },
    },
    {
      name: "integrations-convert-only",
      comment: "A drop-in surface's converters turn native bodies into canonical ones and back; rendering and routing belong to http/.",
      severity: "error",
      from: { path: "^src/integrations/" },
      to: { path: "^src/(http|plugins|stores)/|^src/(load-config|index|cli)\\.ts$" },
    },
    {
      name: "routes-never-call-a-provider",
      comment: "Data flows route → engine → provider: a route that imported a provider would bypass retries, fallbacks, key choice and the plugins.",
      severity: "error",
      from: { path: "^src/http/" },
      to: { path: "^src/providers/" },
    },
    {
      name: "http-reaches-stores-through-interfaces",
      comment: "Routes read and write state through store interfaces; the composition root chooses the implementation.",
      severity: "error",
      from: { path: "^src/http/" },
      to: { path: "^src/stores/[^/]+/" },
    },
    {
      name: "only-the-cli-starts-the-gateway",
      comment: "index.ts is the one composition root and cli.ts its command line; nothing inside the gateway depends on either.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli\\.ts$" },
      to: { path: "^src/(index|cli)\\.ts$" },
    },
    {
      name: "no-unresolvable-imports",
      comment: "An import that resolves to nothing is a typo or a missing dependency.",
      severity: "error",
      from: { path: "^src" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".js"] },
  },
};
