using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>Experiments and runs: create, read, search, status, heartbeat and the run's bookkeeping fields.</summary>
internal static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/experiments", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.ListExperiments())
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Experiments with run counts");
        ws.MapPost("/experiments", (string workspace, CreateExperimentRequest body, HostedWorkspaces hosted) =>
            {
                var experiment = hosted.Open(workspace).Runs.CreateExperiment(body.Name, body.Tags is null ? null : RunRecordEndpoints.Values("tags", body.Tags));
                return Results.Created($"/api/v1/workspaces/{workspace}/experiments", experiment);
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Create an experiment without runs, with optional tags (Conflict when the name exists)");
        ws.MapGet("/runs", (string workspace, string? experiment, string? filter, string? orderBy, int? max, string? parentRunId, RunLifecycle? lifecycle, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.QueryRuns(new RunQuery
                {
                    Experiment = experiment, Filter = filter, OrderBy = orderBy, ParentRunId = parentRunId, Max = Max(max), Lifecycle = lifecycle ?? RunLifecycle.Active,
                }))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Search runs (run query language filter and order-by; lifecycle Active (default), Deleted or All)");
        ws.MapPost("/runs/search", (string workspace, RunQuery query, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.QueryRuns(query with { Max = Max(query.Max) }))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Search runs with the query in the body (long filters)");
        ws.MapGet("/runs/{runId}", (string workspace, string runId, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.GetRun(runId))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("One run");
        ws.MapPost("/runs", (string workspace, CreateRunRequest body, HostedWorkspaces hosted) =>
            {
                var run = hosted.Open(workspace).Runs.CreateRun(new NewRun(body.Experiment, body.DisplayName, body.ParentRunId, body.Kind)
                {
                    Params = body.Params ?? [], Tags = body.Tags ?? [], Status = body.Status,
                });
                return Results.Created($"/api/v1/workspaces/{workspace}/runs/{run.Id}", run);
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Create a run (and its experiment on first use)");
        ws.MapPut("/runs/{runId}/status", (string workspace, string runId, StatusRequest body, HostedWorkspaces hosted, ServerStore store) =>
            {
                var result = Update(hosted, workspace, runId, r => r.SetStatus(runId, body.Status, Limits.Text("reason", body.Reason, 4096)));
                if (body.Status.IsTerminal()) store.Identities.RevokeRunTokens(new RunScope(workspace, runId)); // its processes are done
                return result;
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Set a run's status (and reason)");
        ws.MapPost("/runs/{runId}/token", (string workspace, string runId, RunTokenRequest? body, HostedWorkspaces hosted, ServerStore store, HttpContext context) =>
            {
                var caller = context.Caller();
                if (caller.RunScope is not null) throw MlpException.Invalid("A run-scoped token cannot issue tokens; use the token that started the run.");
                var hours = body?.Hours ?? 72;
                if (hours is <= 0 or > 720) throw MlpException.Invalid($"'hours' is {hours}; expected 1–720.");
                var run = hosted.Open(workspace).Runs.GetRun(runId);
                if (run.Status.IsTerminal()) throw MlpException.Conflict($"Run '{runId}' is {run.Status}; a token for it would be of no use.");
                var issued = store.Identities.IssueRunToken(caller.Principal.Id, new RunScope(workspace, run.Id), TimeSpan.FromHours(hours));
                return new RunTokenResult(issued.Secret, issued.Info.Id, issued.Info.ExpiresAt!.Value);
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("A token that acts for the caller on this run only (what a step process gets); revoked when the run ends");
        ws.MapPost("/runs/{runId}/heartbeat", (string workspace, string runId, HostedWorkspaces hosted) =>
                Update(hosted, workspace, runId, r => r.Heartbeat(runId)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("The run's process is alive (a run without heartbeats reads as Failed (lost))");
        ws.MapPut("/runs/{runId}/reusedFrom", (string workspace, string runId, ReusedFromRequest body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, runId, r => r.SetReusedFrom(runId, r.GetRun(body.OriginalRunId).Id)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Mark a run as reused from a cached one");
        // A snapshot is a blob (run submit's zip) or a pipeline's source hash, so only its form is checked.
        ws.MapPut("/runs/{runId}/snapshot", (string workspace, string runId, SnapshotRequest body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, runId, r => r.SetSnapshot(runId, Limits.Hash("hash", body.Hash))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Attach the snapshot (an uploaded blob or a source hash) to a run");
        ws.MapPut("/runs/{runId}/process", (string workspace, string runId, ProcessInfo body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, runId, r => r.SetProcess(runId, body.ProcessId, Limits.Text("host", body.Host, 256)!)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Record the process and host that runs the run");
        ws.MapGet("/runs/{runId}/process", (string workspace, string runId, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.GetProcess(runId) is { } p ? Results.Ok(new ProcessInfo(p.ProcessId, p.Host))
                    : throw new MlpException(ErrorKind.NotFound, $"Run '{runId}' has no recorded process."))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("The process and host of a run");
    }

    internal static int Max(int? max) => Math.Clamp(max ?? 100, 1, 50_000);

    internal static IResult Update(HostedWorkspaces hosted, string workspace, string runId, Action<IRunStore> update)
    {
        update(hosted.Open(workspace).Runs);
        return Results.NoContent();
    }
}
