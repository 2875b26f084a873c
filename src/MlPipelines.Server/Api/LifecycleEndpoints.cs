using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>
/// Renaming and soft deletion of experiments and runs, experiment tags, and dataset inputs described by the client.
/// Deletion is soft (restorable, nothing erased), so it needs the runs' write action like any other change of a run.
/// </summary>
internal static class LifecycleEndpoints
{
    private const int MaxInputs = 1000;
    private const int MaxRunIds = 50_000;

    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        var experiment = ws.MapGroup("/experiments/{experiment}");
        experiment.MapPut("/name", (string workspace, string experiment, RenameRequest body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.RenameExperiment(experiment, Required(body.NewName))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Rename an experiment (its runs follow; Conflict when the new name is taken)");
        experiment.MapDelete("", (string workspace, string experiment, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.DeleteExperiment(experiment)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Soft-delete an experiment: its runs read as deleted, nothing is erased");
        experiment.MapPost("/restore", (string workspace, string experiment, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.RestoreExperiment(experiment)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Restore a deleted experiment and its runs not deleted on their own");
        experiment.MapPost("/tags", (string workspace, string experiment, ValuesRequest body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.SetExperimentTags(experiment, RunRecordEndpoints.Values("values", body.Values))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Set experiment tags");
        experiment.MapDelete("/tags/{key}", (string workspace, string experiment, string key, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.DeleteExperimentTag(experiment, key)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Delete an experiment tag (404 naming its tags when it has none of that name)");

        var run = ws.MapGroup("/runs/{runId}");
        run.MapPut("/name", (string workspace, string runId, RenameRequest body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.RenameRun(runId, Required(body.NewName))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Rename a run");
        run.MapDelete("", (string workspace, string runId, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.DeleteRun(runId)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Soft-delete a run: hidden from listings by default, never reused by the step cache");
        run.MapPost("/restore", (string workspace, string runId, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.RestoreRun(runId)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Restore a deleted run (400 while its experiment is deleted)");
        run.MapPost("/externalDatasetInputs", (string workspace, string runId, ExternalDatasetInputsRequest body, HostedWorkspaces hosted) =>
                Update(hosted, workspace, r => r.AddExternalDatasetInputs(runId, Inputs(body.Inputs))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Record datasets the client describes (MLflow log-inputs); an input already there is kept");
        ws.MapPost("/externalDatasetInputs/search", (string workspace, RunIdsRequest body, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.GetExternalDatasetInputs(RunIds(body.RunIds)))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Described dataset inputs of several runs, by run id");
    }

    private static IResult Update(HostedWorkspaces hosted, string workspace, Action<IRunStore> update)
    {
        update(hosted.Open(workspace).Runs);
        return Results.NoContent();
    }

    private static string Required(string? newName) =>
        string.IsNullOrEmpty(newName) ? throw MlpException.Invalid("'newName' is missing.") : newName;

    private static IReadOnlyList<ExternalDatasetInput> Inputs(IReadOnlyList<ExternalDatasetInput>? inputs)
    {
        if (inputs is null) throw MlpException.Invalid("'inputs' is missing.");
        if (inputs.Count > MaxInputs) throw MlpException.Invalid($"'inputs' has {inputs.Count} entries; the limit is {MaxInputs} per request.");
        return inputs;
    }

    private static IReadOnlyList<string> RunIds(IReadOnlyList<string>? ids)
    {
        if (ids is null) throw MlpException.Invalid("'runIds' is missing.");
        if (ids.Count > MaxRunIds) throw MlpException.Invalid($"'runIds' has {ids.Count} entries; the limit is {MaxRunIds} per request.");
        return ids;
    }
}
