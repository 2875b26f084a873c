using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Tracking;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>The tracking API's <c>GET artifacts/list</c>, which MLflow clients use to list a run's artifacts.</summary>
internal static class RunArtifactListCall
{
    /// <summary>
    /// <c>{run_id | run_uuid, path, page_token}</c> → <c>{root_uri, files: [{path, is_dir, file_size}]}</c>: the entries
    /// directly inside the folder <c>path</c> of the run's outputs (the root when absent), paths relative to the run's
    /// artifact root. Everything fits one answer, so no <c>next_page_token</c> is given and a <c>page_token</c> is ignored,
    /// as MLflow's own store does.
    /// </summary>
    public static IResult List(MlflowRequest request, IWorkspace workspace)
    {
        var runId = request.RunId();
        var folder = ArtifactLocation.RelativePath(request.Fields.String("path"));
        var run = workspace.Runs.GetRun(runId);
        var experimentId = new ExperimentIds(workspace.Runs).IdOfName(run.Experiment);
        var entries = ArtifactListing.Children(workspace.Runs.GetOutputs(runId), folder);
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("root_uri", $"mlflow-artifacts:/{experimentId}/{runId}/artifacts");
            ProxyCalls.WriteFiles(w, entries, _ => folder is null ? "" : folder + "/");
            w.WriteEndObject();
        });
    }
}
