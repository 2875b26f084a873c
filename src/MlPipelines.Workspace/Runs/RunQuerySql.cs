using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Runs;

/// <summary>Translates a <see cref="RunQuery"/> into parameterised SQL statements run in order until Max rows are found.</summary>
internal static class RunQuerySql
{
    public sealed record Plan(IReadOnlyList<(string Sql, List<object?> Args)> Statements);

    public static Plan Build(RunQuery query, DateTimeOffset now, TimeSpan heartbeatTimeout)
    {
        if (query.Filter is not null || query.OrderBy is not null)
            throw MlpException.Invalid("Run filters and order-by are not supported yet.");
        var args = new List<object?>();
        var where = new List<string>();
        if (query.Experiment is not null) { args.Add(query.Experiment); where.Add($"e.name = $p{args.Count - 1}"); }
        if (query.ParentRunId is not null) { args.Add(query.ParentRunId); where.Add($"r.parent_id = $p{args.Count - 1}"); }
        var sql = $"SELECT {RunRows.Columns} FROM {RunRows.From}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
                  + $" ORDER BY r.created_at DESC, r.key DESC LIMIT $p{args.Count}";
        return new Plan([(sql, args)]);
    }
}
