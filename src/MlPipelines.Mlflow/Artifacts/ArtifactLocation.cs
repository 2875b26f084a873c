using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>
/// A path of the <c>mlflow-artifacts</c> proxy, <c>EXPERIMENT_ID/RUN_ID/artifacts[/PATH]</c>: the artifact root a run
/// announces (<c>mlflow-artifacts:/EXPERIMENT_ID/RUN_ID/artifacts</c>) and, when present, a path inside it, which is the
/// run output of that path.
/// </summary>
/// <param name="ExperimentId">The MLflow id of the run's experiment.</param>
/// <param name="RunId">The run.</param>
/// <param name="Relative">The path inside the run's artifacts (a run output or a folder of outputs), or null for the root.</param>
internal sealed record ArtifactLocation(string ExperimentId, string RunId, string? Relative)
{
    /// <summary>The expected shape, quoted in errors.</summary>
    public const string Shape = "'EXPERIMENT_ID/RUN_ID/artifacts/PATH' (the run's artifact_uri 'mlflow-artifacts:/EXPERIMENT_ID/RUN_ID/artifacts' followed by a relative path)";

    /// <summary>
    /// Reads and validates a proxy path: relative, no <c>..</c> or <c>.</c> segments, no empty segments or backslashes,
    /// and under a run's artifact root; INVALID_PARAMETER_VALUE naming the path and the expected shape otherwise.
    /// </summary>
    public static ArtifactLocation Parse(string? path)
    {
        if (string.IsNullOrEmpty(path)) throw MlflowException.Invalid($"The artifact path is empty; expected {Shape}.");
        var segments = path.Split('/');
        if (path.StartsWith('/') || path.Contains('\\') || segments.Any(s => s is "" or "." or ".."))
            throw MlflowException.Invalid($"Invalid artifact path '{Quote(path)}': paths must be relative, without '..', '.' or empty segments, and use '/' between names; expected {Shape}.");
        if (segments.Length < 3 || segments[2] != "artifacts")
            throw MlflowException.Invalid($"Artifact path '{Quote(path)}' is outside a run's artifacts; expected {Shape}.");
        var relative = segments.Length == 3 ? null : RelativePath(string.Join('/', segments[3..]));
        return new ArtifactLocation(segments[0], segments[1], relative);
    }

    /// <summary>Validates a path relative to a run's artifact root (the tracking API's <c>artifacts/list?path=</c>); null or empty is the root.</summary>
    public static string? RelativePath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        string normalized;
        try { normalized = ArtifactPaths.Normalize("artifact", path); }
        catch (MlpException e) { throw MlflowException.Invalid(e.Message); }
        if (normalized != path || path.Split('/').Any(s => s is "" or "."))
            throw MlflowException.Invalid($"Invalid artifact path '{Quote(path)}': paths must be relative, without '..', '.' or empty segments, and use '/' between names (e.g. 'model/model.pkl').");
        return normalized;
    }

    /// <summary>This location as a proxy path.</summary>
    public override string ToString() => $"{ExperimentId}/{RunId}/artifacts" + (Relative is null ? "" : "/" + Relative);

    private static string Quote(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
