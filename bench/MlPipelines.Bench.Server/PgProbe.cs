using MlPipelines.Core.Runs;

namespace MlPipelines.Bench.Server;

/// <summary>Prints the SQL and PostgreSQL's plan of a run query (a diagnostic, not a benchmark).</summary>
internal static class PgProbe
{
    public static void Explain(MlPipelines.Workspace.Postgres.PostgresWorkspace ws, RunQuery query)
    {
        var plan = ws.Database.Dialect.BuildRunQuery(query, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(12));
        foreach (var (sql, args) in plan.Statements)
        {
            Console.WriteLine(sql);
            var lines = ws.Database.Read(s => s.Query("EXPLAIN ANALYZE " + sql, r => r.GetString(0), [.. args, query.Max]));
            foreach (var l in lines) Console.WriteLine("  " + l);
        }
    }
}
