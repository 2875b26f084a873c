using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Sqlite;

/// <summary>SQLite: run queries via <see cref="RunQuerySql"/>; key lists as JSON walked with <c>json_each</c>.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override RunQueryPlan BuildRunQuery(RunQuery query, DateTimeOffset now, TimeSpan heartbeatTimeout) =>
        RunQuerySql.Build(query, now, heartbeatTimeout);

    // The key list drives primary-key lookups.
    public override string RunKeysFrom(string table) => $"FROM json_each($p0) j CROSS JOIN {table} c WHERE c.run_key = j.value";

    public override string ModelKeysFrom(string table) =>
        $"FROM json_each($p0) j CROSS JOIN {table} c WHERE c.name = json_extract(j.value, '$[0]') AND c.version = json_extract(j.value, '$[1]')";
}
