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

    public override string RunKeysFrom(string table) =>
        $"FROM jsonb_array_elements_text($p0::jsonb) j(k) CROSS JOIN {table} c WHERE c.run_key = j.k::bigint";

    public override string RunIdsFrom(string table) =>
        $"FROM jsonb_array_elements_text($p0::jsonb) j(k) CROSS JOIN runs r CROSS JOIN {table} c WHERE r.id = j.k AND c.run_key = r.key";

    public override string ModelKeysFrom(string table) =>
        $"FROM jsonb_array_elements($p0::jsonb) j(v) CROSS JOIN {table} c WHERE c.name = j.v->>0 AND c.version = (j.v->>1)::integer";
}
