using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Run listing: the filter and order-by expressions are parsed and translated by the dialect (<see cref="SqlDialect.BuildRunQuery"/>).</summary>
internal sealed partial class LocalRunStore
{
    public IReadOnlyList<RunInfo> QueryRuns(RunQuery query)
    {
        if (query.Experiment is not null) Names.Validate("experiment", query.Experiment);
        var now = Now;
        var plan = db.Dialect.BuildRunQuery(query, now, options.HeartbeatTimeout);
        return db.Read(s =>
        {
            var rows = new List<RunRows.Row>();
            foreach (var (sql, args) in plan.Statements)
            {
                var remaining = query.Max - rows.Count;
                if (remaining <= 0) break;
                rows.AddRange(s.QueryAdHoc(sql, r => RunRows.Map(r, now, options.HeartbeatTimeout), [.. args, remaining]));
            }
            return (IReadOnlyList<RunInfo>)RunRows.Complete(s, rows);
        });
    }
}
