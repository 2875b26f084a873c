using System.Text.RegularExpressions;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Tracking;

namespace MlPipelines.Mlflow.Registry;

/// <summary>
/// Turns the <c>source</c> of an MLflow model-versions/create into a workspace registration. When it names a run's
/// artifact path the workspace holds — <c>runs:/RUN/PATH</c> or <c>mlflow-artifacts:/EXPERIMENT/RUN/artifacts/PATH</c>,
/// with outputs of that run under PATH — the version takes those outputs (hashes recorded, nothing copied), exactly as
/// <c>mlp model register --run RUN --path PATH</c>. Any other source (a local path, a cloud URI, a path with no
/// outputs yet) registers a version without files that keeps the source as given: no files are invented.
/// </summary>
internal static partial class ModelSource
{
    [GeneratedRegex("^runs:/+(?<run>[^/]+)(?:/(?<path>.*))?$")]
    private static partial Regex RunsUri();

    [GeneratedRegex("^mlflow-artifacts:(?://[^/]*)?/+(?<experiment>[^/]+)/(?<run>[^/]+)/artifacts(?:/(?<path>.*))?$")]
    private static partial Regex ArtifactsUri();

    /// <summary>The run and artifact path a source names, or null when it names none.</summary>
    public static (string RunId, string Path)? RunArtifact(string source)
    {
        var m = RunsUri().Match(source);
        if (!m.Success) m = ArtifactsUri().Match(source);
        return m.Success ? (m.Groups["run"].Value, m.Groups["path"].Value.Trim('/')) : null;
    }

    /// <summary>The registration request for <paramref name="source"/> (and the optional <paramref name="runId"/> of the request).</summary>
    public static NewModelVersion Request(IWorkspace workspace, string name, string source, string? runId)
    {
        var named = RunArtifact(source);
        var run = runId ?? named?.RunId;
        if (run is not null) workspace.Runs.GetRun(run); // an unknown run is RESOURCE_DOES_NOT_EXIST, naming the run
        var request = new NewModelVersion { Name = name, RunId = run, Source = source };
        if (named is not { } artifact || artifact.RunId != run) return request with { Files = [] };
        var outputs = workspace.Runs.GetOutputs(artifact.RunId);
        if (artifact.Path.Length == 0)
            return request with { Files = outputs.Select(o => new ModelFile(o.Path, o.Hash, o.Size)).ToList() };
        var held = outputs.Any(o => o.Path == artifact.Path || o.Path.StartsWith(artifact.Path + "/", StringComparison.Ordinal));
        return held ? request with { RunOutputPath = artifact.Path } : request with { Files = [] };
    }

    /// <summary>
    /// Where MLflow clients download a version's files: its run artifact path as an <c>mlflow-artifacts:</c> URI, or the
    /// source as given when it names no run of this workspace.
    /// </summary>
    public static string DownloadUri(IWorkspace workspace, ModelVersion version)
    {
        if (version.Source is not { } source)
            throw new Protocol.MlflowException(Protocol.MlflowErrorCode.NotImplemented,
                $"Model '{version.Name}:{version.Version}' was registered from local files, not from a run's artifacts, so it has no MLflow artifact URI; "
                + $"download it with `mlp model download {version.Name}:{version.Version}`.");
        if (RunArtifact(source) is not { } artifact || workspace.Runs.FindRun(artifact.RunId) is not { } run) return source;
        var experiment = new ExperimentIds(workspace.Runs).IdOfName(run.Experiment);
        return $"mlflow-artifacts:/{experiment}/{run.Id}/artifacts" + (artifact.Path.Length > 0 ? "/" + artifact.Path : "");
    }

    /// <summary>Validates a model name the workspace's way (MLflow's free-form names must fit the workspace's names).</summary>
    public static string Name(string name)
    {
        try { return Names.Validate("model", name); }
        catch (MlpException e) { throw Protocol.MlflowException.Invalid(e.Message); }
    }
}
