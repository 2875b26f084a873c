using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Tracking;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>One request to the <c>mlflow-artifacts</c> proxy: its HTTP context, its workspace and the host's access checks.</summary>
internal sealed class ArtifactCall(HttpContext http, IWorkspace workspace, MlflowHosting hosting)
{
    /// <summary>The HTTP request and response.</summary>
    public HttpContext Http { get; } = http;

    /// <summary>The workspace the request addresses.</summary>
    public IWorkspace Workspace { get; } = workspace;

    /// <summary>The host's limit for one uploaded artifact.</summary>
    public long MaxArtifactBytes => hosting.MaxArtifactBytes;

    /// <summary>Requires a further action besides the endpoint's (e.g. artifacts/write for an upload); PERMISSION_DENIED otherwise.</summary>
    public void Demand(string action)
    {
        if (hosting.Denial(Http, action) is { } why) throw new MlflowException(MlflowErrorCode.PermissionDenied, why);
    }

    /// <summary>
    /// The run a location names, after the run-scope check (a run-scoped token may touch only its run):
    /// RESOURCE_DOES_NOT_EXIST for a run the workspace lacks, or an experiment id that is not the run's.
    /// </summary>
    public RunInfo Run(ArtifactLocation location) => Run(location.RunId, location.ExperimentId);

    /// <summary>The run <paramref name="runId"/> after the run-scope check; its experiment must be <paramref name="experimentId"/> when given.</summary>
    public RunInfo Run(string runId, string? experimentId = null)
    {
        if (hosting.RunDenial(Http, runId) is { } why) throw new MlflowException(MlflowErrorCode.PermissionDenied, why);
        var run = Workspace.Runs.FindRun(runId) ?? throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist, $"Run with id={runId} not found");
        if (experimentId is not null && ExperimentIdOf(run) is var actual && actual != experimentId)
            throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist,
                $"Run '{runId}' belongs to experiment {actual}, not {experimentId}; its artifacts are at 'mlflow-artifacts:/{actual}/{runId}/artifacts'.");
        return run;
    }

    /// <summary>The MLflow id of a run's experiment.</summary>
    public string ExperimentIdOf(RunInfo run) => new ExperimentIds(Workspace.Runs).IdOfName(run.Experiment);
}
