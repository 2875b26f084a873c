using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Postgres;

/// <summary>PostgreSQL: LIKE/ILIKE and a spelled-out param order in run queries; key lists as JSON walked with <c>jsonb_array_elements</c>.</summary>
internal sealed class PgDialect : SqlDialect
{
    /// <inheritdoc />
    // PostgreSQL has no index hints; "+ 0" hides the index order from the planner (measured: 455 ms → see docs/benchmarks.md).
    public override string MetricOrderKey(string column, bool indexOrder) => indexOrder ? column : $"({column} + 0)";

    public static readonly PgDialect Instance = new();

    // One round trip per batch: arrays unnested into both tables, the run's key looked up once. The chunks keep the
    // order given (their ids order equal points); latest values are upserted by name, so concurrent batches lock rows in one order.
    public override string AppendMetricsSql => """
        WITH r AS (SELECT key FROM runs WHERE id = $p0),
        c AS (INSERT INTO metric_chunks(run_key, name, count, points)
              SELECT r.key, u.name, u.count, u.points FROM r CROSS JOIN unnest($p1::text[], $p2::integer[], $p3::bytea[]) WITH ORDINALITY u(name, count, points, ord)
              ORDER BY u.ord),
        l AS (INSERT INTO latest_metrics(run_key, name, value, special, step, ts)
              SELECT r.key, u.name, u.value, u.special, u.step, u.ts FROM r CROSS JOIN unnest($p4::text[], $p5::float8[], $p6::integer[], $p7::bigint[], $p8::bigint[]) u(name, value, special, step, ts)
              ORDER BY u.name
              ON CONFLICT(run_key, name) DO UPDATE SET value = excluded.value, special = excluded.special, step = excluded.step, ts = excluded.ts
              WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.ts >= latest_metrics.ts))
        SELECT key FROM r
        """;

    // LIKE is case-sensitive and ILIKE not, as in the SQLite store; no escape character either.
    public override string Like(string column, string pattern, bool ignoreCase, Func<object?, string> parameter) =>
        $"{column} {(ignoreCase ? "ILIKE" : "LIKE")} {parameter(pattern)} ESCAPE ''";

    // PostgreSQL cannot mix numbers and text in one expression, so the SQLite order (missing last, numbers
    // numerically before text by value) is spelled out.
    public override string ParamOrder(string name, string direction)
    {
        var value = $"(SELECT value FROM params WHERE run_key = r.key AND name = {name})";
        var num = $"(SELECT num FROM params WHERE run_key = r.key AND name = {name})";
        return $", {value} IS NULL, {num} IS NULL {direction}, {num} {direction}, {value} {direction}";
    }

    // The key list becomes an array first (an InitPlan), so the lookup is an index scan of the table's (run_key, …) key:
    // joined to jsonb_array_elements_text, the planner guesses 100 keys and hashes the whole table (measured with 10,000
    // runs: 3.6 ms → 0.2 ms per lookup, three lookups per run listing).
    public override string RunKeysFrom(string table) =>
        $"FROM {table} c WHERE c.run_key = ANY(ARRAY(SELECT jsonb_array_elements_text($p0::jsonb)::bigint))";

    public override string RunIdsFrom(string table) =>
        $"FROM runs r JOIN {table} c ON c.run_key = r.key WHERE r.id = ANY(ARRAY(SELECT jsonb_array_elements_text($p0::jsonb)))";

    public override string ModelKeysFrom(string table) =>
        $"FROM jsonb_array_elements($p0::jsonb) j(v) CROSS JOIN {table} c WHERE c.name = j.v->>0 AND c.version = (j.v->>1)::integer";
}
