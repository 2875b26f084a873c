using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>
/// The calls of MLflow's <c>mlflow_artifacts.proto</c> service: download, upload, list and delete under a run's
/// artifact root, each mapped onto the run's outputs (files in the content-addressed artifact store). Multipart
/// upload is <see cref="MultipartCalls"/>.
/// </summary>
internal static class ProxyCalls
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>GET <c>artifacts/PATH</c>: the file's bytes (Range requests, ETag = its SHA-256), as an attachment.</summary>
    public static IResult Download(ArtifactCall call, string? path)
    {
        var location = ArtifactLocation.Parse(path);
        call.Demand(MlflowActions.ArtifactsRead);
        call.Run(location);
        if (location.Relative is not { } relative)
            throw new MlflowException(MlflowErrorCode.InvalidParameterValue, $"'{location}' is the run's artifact folder, not a file; list it with GET …/mlflow-artifacts/artifacts?path={location}.");
        var outputs = call.Workspace.Runs.GetOutputs(location.RunId);
        var output = outputs.FirstOrDefault(o => o.Path == relative) ?? throw Missing(location, relative, outputs);
        var content = call.Workspace.Artifacts.OpenRead(output.Hash);
        var name = relative[(relative.LastIndexOf('/') + 1)..];
        call.Http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(content, ContentTypeOf(name), fileDownloadName: name, entityTag: new EntityTagHeaderValue($"\"{output.Hash}\""), enableRangeProcessing: true);
    }

    /// <summary>PUT <c>artifacts/PATH</c>: the body (streamed, any size up to the host's limit) becomes the run's output PATH; <c>{}</c>.</summary>
    public static async Task<IResult> Upload(ArtifactCall call, string? path)
    {
        var location = ArtifactLocation.Parse(path);
        call.Demand(MlflowActions.ArtifactsWrite);
        call.Run(location);
        if (location.Relative is not { } relative)
            throw MlflowException.Invalid($"'{location}' is the run's artifact folder; upload to a file inside it, e.g. '{location}/model.pkl'.");
        CheckFilePath(call, location.RunId, relative);
        var blob = await ArtifactUpload.StoreBodyAsync(call.Http, call.Workspace, call.MaxArtifactBytes);
        call.Workspace.Runs.AddOutput(location.RunId, new RunOutput(relative, blob.Hash, blob.Size));
        return MlflowJsonResult.Empty;
    }

    /// <summary>INVALID_PARAMETER_VALUE when <paramref name="relative"/> cannot be a file of the run: it is a folder of other outputs, or lies under a file.</summary>
    public static void CheckFilePath(ArtifactCall call, string runId, string relative)
    {
        var outputs = call.Workspace.Runs.GetOutputs(runId);
        if (ArtifactListing.AtOrUnder(outputs, relative).FirstOrDefault(o => o.Path != relative) is { } inside)
            throw MlflowException.Invalid($"Run '{runId}' has a folder '{relative}' (it holds '{inside.Path}'); a file cannot have the same path.");
        if (outputs.FirstOrDefault(o => relative.StartsWith(o.Path + "/", StringComparison.Ordinal)) is { } file)
            throw MlflowException.Invalid($"Run '{runId}' has a file '{file.Path}'; it cannot be a folder of '{relative}'.");
    }

    /// <summary>
    /// DELETE <c>artifacts/PATH</c>: removes the output PATH, or every output of the folder PATH (all of the run's
    /// outputs for its artifact root); <c>{}</c>, also when nothing was there (as MLflow's stores answer).
    /// </summary>
    public static IResult Delete(ArtifactCall call, string? path)
    {
        var location = ArtifactLocation.Parse(path);
        call.Run(location);
        call.Workspace.Runs.DeleteOutputs(location.RunId, location.Relative);
        return MlflowJsonResult.Empty;
    }

    /// <summary>GET <c>artifacts?path=EXP/RUN/artifacts[/FOLDER]</c>: <c>{files: [{path, is_dir, file_size}]}</c> with names inside the folder.</summary>
    public static IResult List(ArtifactCall call)
    {
        var location = ArtifactLocation.Parse(call.Http.Request.Query["path"].ToString());
        call.Run(location);
        var entries = ArtifactListing.Children(call.Workspace.Runs.GetOutputs(location.RunId), location.Relative);
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            WriteFiles(w, entries, _ => "");
            w.WriteEndObject();
        });
    }

    /// <summary>Writes <c>"files": […]</c> (left out when empty, as MLflow writes an empty list), each path prefixed by <paramref name="prefix"/>.</summary>
    public static void WriteFiles(Utf8JsonWriter w, IReadOnlyList<ArtifactEntry> entries, Func<ArtifactEntry, string> prefix)
    {
        if (entries.Count == 0) return;
        w.WriteStartArray("files");
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteString("path", prefix(e) + e.Name);
            w.WriteBoolean("is_dir", e.IsDir);
            if (e.Size is { } size) w.WriteNumber("file_size", size);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string ContentTypeOf(string name) => ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    private static MlflowException Missing(ArtifactLocation location, string relative, IReadOnlyList<RunOutput> outputs)
    {
        var isFolder = ArtifactListing.AtOrUnder(outputs, relative).Any();
        var known = outputs.Take(10).Select(o => $"'{o.Path}'").ToList();
        return new MlflowException(MlflowErrorCode.ResourceDoesNotExist, isFolder
            ? $"'{relative}' is a folder of run '{location.RunId}''s artifacts, not a file; list it with GET …/mlflow-artifacts/artifacts?path={location}."
            : $"Run '{location.RunId}' has no artifact '{relative}'; it has " + (known.Count == 0 ? "none." : string.Join(", ", known) + (outputs.Count > 10 ? $" and {outputs.Count - 10} more." : ".")));
    }
}
