using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Postgres;

/// <summary>PostgreSQL: run queries via <see cref="PgRunQuerySql"/>; key lists as JSON walked with <c>jsonb_array_elements</c>.</summary>
internal sealed class PgDialect : SqlDialect
{
    public static readonly PgDialect Instance = new();

    public override RunQueryPlan BuildRunQuery(RunQuery query, DateTimeOffset now, TimeSpan heartbeatTimeout) =>
        PgRunQuerySql.Build(query, now, heartbeatTimeout);

    public override string RunKeysFrom(string table) =>
        $"FROM jsonb_array_elements_text($p0::jsonb) j(k) CROSS JOIN {table} c WHERE c.run_key = j.k::bigint";

    public override string ModelKeysFrom(string table) =>
        $"FROM jsonb_array_elements($p0::jsonb) j(v) CROSS JOIN {table} c WHERE c.name = j.v->>0 AND c.version = (j.v->>1)::integer";
}
