using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>
/// Multipart upload through the proxy, as <c>mlflow_artifacts.proto</c> defines it: <c>mpu/create/FOLDER</c> with the
/// file's <c>path</c> and <c>num_parts</c> answers an <c>upload_id</c> and one credential (<c>part_number</c>, <c>url</c>)
/// per part; the client PUTs each part to its URL — here a URL back at this server, scoped to that part of that upload
/// and authenticated by the token it carries (like a cloud store's presigned URL: MLflow clients send no bearer token
/// there) — and <c>mpu/complete/FOLDER</c> with the parts joins them, in part order, into one content-addressed blob
/// that becomes the run's output <c>FOLDER/NAME</c>; <c>mpu/abort/FOLDER</c> drops the parts.
/// </summary>
internal static class MultipartCalls
{
    private const int BufferSize = 1 << 18;

    /// <summary>The route of a part's URL, under <c>…/2.0/mlflow-artifacts/</c>.</summary>
    public const string PartRoute = "mpu/part/{uploadId}/{part}";

    /// <summary>POST <c>mpu/create/EXP/RUN/artifacts[/FOLDER]</c> <c>{path, num_parts}</c> → <c>{upload_id, credentials: [{url, part_number, headers}]}</c>.</summary>
    public static async Task<IResult> Create(ArtifactCall call, string? path)
    {
        var folder = ArtifactLocation.Parse(path);
        call.Demand(MlflowActions.ArtifactsWrite);
        var run = call.Run(folder);
        var f = (await MlflowRequest.ReadAsync(call.Http)).Fields;
        var relative = Target(folder, f);
        var parts = f.Long("num_parts") ?? throw MlflowFields.Missing("num_parts");
        if (parts < 1 || parts > MultipartUploads.MaxParts)
            throw MlflowException.Invalid($"Invalid value {parts} for parameter 'num_parts' supplied: a multipart upload has 1 to {MultipartUploads.MaxParts} parts.");
        ProxyCalls.CheckFilePath(call, run.Id, relative);
        var (upload, tokens) = new MultipartUploads(call.Workspace).Create(run.Id, folder.ExperimentId, relative, (int)parts);
        var request = call.Http.Request;
        var full = (request.PathBase + request.Path).Value!;
        var proxyBase = $"{request.Scheme}://{request.Host}{full[..full.LastIndexOf("/mpu/create/", StringComparison.Ordinal)]}/";
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("upload_id", upload.Id);
            w.WriteStartArray("credentials");
            for (var i = 0; i < tokens.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("url", $"{proxyBase}mpu/part/{upload.Id}/{i + 1}?token={tokens[i]}");
                w.WriteNumber("part_number", i + 1);
                w.WriteStartObject("headers");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// PUT <c>mpu/part/UPLOAD_ID/N?token=…</c>: stores the body as part N (again: replaces it) and answers <c>{}</c> with
    /// the part's <c>ETag</c> (its SHA-256). No bearer token: the URL's token is the authorisation, for this part only.
    /// </summary>
    public static async Task<IResult> PutPart(ArtifactCall call)
    {
        var uploads = new MultipartUploads(call.Workspace);
        var upload = uploads.Get(call.Http.Request.RouteValues["uploadId"] as string);
        var partText = call.Http.Request.RouteValues["part"] as string;
        var part = int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (!MultipartUploads.Authorizes(upload, part, call.Http.Request.Query["token"]))
            throw new MlflowException(MlflowErrorCode.PermissionDenied,
                $"This URL does not authorise part '{partText}' of multipart upload '{upload.Id}': use the url of that part's credential from mpu/create, unchanged.");
        var temp = uploads.TempFile(upload);
        try
        {
            var (hash, _) = await ArtifactUpload.CopyBodyAsync(call.Http, temp, call.MaxArtifactBytes);
            File.Move(temp, uploads.PartFile(upload, part), overwrite: true);
            call.Http.Response.Headers.ETag = $"\"{hash}\"";
            return MlflowJsonResult.Empty;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// POST <c>mpu/complete/EXP/RUN/artifacts[/FOLDER]</c> <c>{path, upload_id, parts: [{part_number, etag}]}</c> → <c>{}</c>:
    /// the listed parts (ascending part numbers, each uploaded; an etag, when given, must be the part's) are joined
    /// into one blob, recorded as the run's output, and the upload is closed.
    /// </summary>
    public static async Task<IResult> Complete(ArtifactCall call, string? path)
    {
        var folder = ArtifactLocation.Parse(path);
        call.Demand(MlflowActions.ArtifactsWrite);
        var run = call.Run(folder);
        var f = (await MlflowRequest.ReadAsync(call.Http)).Fields;
        var relative = Target(folder, f);
        var uploads = new MultipartUploads(call.Workspace);
        var upload = Matching(uploads.Get(f.String("upload_id")), run, relative);
        var parts = f.Objects("parts");
        if (parts.Count == 0) throw MlflowException.Invalid($"Completing multipart upload '{upload.Id}' needs its 'parts' ([{{part_number, etag}}…], in part order).");
        var files = new List<(int Number, string File, string? ETag)>();
        foreach (var p in parts)
        {
            var number = p.Long("part_number") ?? throw MlflowFields.Missing("part_number");
            if (number < 1 || number > upload.TokenHashes.Count)
                throw MlflowException.Invalid($"Multipart upload '{upload.Id}' has parts 1 to {upload.TokenHashes.Count}; there is no part {number}.");
            if (files.Count > 0 && number <= files[^1].Number)
                throw MlflowException.Invalid($"The parts of multipart upload '{upload.Id}' must be listed once each in ascending part order; part {number} follows part {files[^1].Number}.");
            var file = uploads.PartFile(upload, (int)number);
            if (!File.Exists(file)) throw MlflowException.Invalid($"Part {number} of multipart upload '{upload.Id}' was not uploaded; PUT it to its credential's url first.");
            files.Add(((int)number, file, p.String("etag")?.Trim('"')));
        }
        ProxyCalls.CheckFilePath(call, run.Id, relative);
        var joined = uploads.TempFile(upload);
        try
        {
            var (hash, size) = await JoinAsync(upload, files, joined, call.Http.RequestAborted);
            var blob = ArtifactUpload.Store(call.Workspace, joined, hash, size);
            call.Workspace.Runs.AddOutput(run.Id, new RunOutput(relative, blob.Hash, blob.Size));
        }
        finally
        {
            if (File.Exists(joined)) File.Delete(joined);
        }
        uploads.Delete(upload);
        return MlflowJsonResult.Empty;
    }

    /// <summary>POST <c>mpu/abort/EXP/RUN/artifacts[/FOLDER]</c> <c>{path, upload_id}</c> → <c>{}</c>: the upload and its parts are removed; nothing is recorded.</summary>
    public static async Task<IResult> Abort(ArtifactCall call, string? path)
    {
        var folder = ArtifactLocation.Parse(path);
        var run = call.Run(folder);
        var f = (await MlflowRequest.ReadAsync(call.Http)).Fields;
        var relative = Target(folder, f);
        var uploads = new MultipartUploads(call.Workspace);
        uploads.Delete(Matching(uploads.Get(f.String("upload_id")), run, relative));
        return MlflowJsonResult.Empty;
    }

    // The run output a call names: the URL's folder plus the name of the body's 'path' (the client's local file), as MLflow's stores join them.
    private static string Target(ArtifactLocation folder, MlflowFields f)
    {
        var local = f.RequiredString("path");
        var name = local[(local.LastIndexOfAny(['/', '\\']) + 1)..];
        if (name.Length == 0) throw MlflowException.Invalid($"The 'path' '{local}' names no file; give the file being uploaded (e.g. 'model.bin').");
        return ArtifactLocation.RelativePath(folder.Relative is null ? name : folder.Relative + "/" + name)!;
    }

    private static MultipartUploads.Upload Matching(MultipartUploads.Upload upload, RunInfo run, string relative) =>
        upload.RunId == run.Id && upload.Path == relative ? upload
            : throw MlflowException.Invalid($"Multipart upload '{upload.Id}' is for '{upload.Path}' of run '{upload.RunId}', not '{relative}' of run '{run.Id}'.");

    // Concatenates the parts into a new private file, hashing the whole and each part (to check the etags given).
    private static async Task<(string Hash, long Size)> JoinAsync(MultipartUploads.Upload upload, List<(int Number, string File, string? ETag)> parts, string target, CancellationToken ct)
    {
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var output = ArtifactUpload.CreatePrivate(target);
            foreach (var (number, file, etag) in parts)
            {
                using var partHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                int n;
                while ((n = await input.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    whole.AppendData(buffer, 0, n);
                    partHash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), ct);
                    size += n;
                }
                var actual = Convert.ToHexStringLower(partHash.GetHashAndReset());
                if (etag is { Length: > 0 } && etag != actual)
                    throw MlflowException.Invalid($"The etag given for part {number} of multipart upload '{upload.Id}' is '{etag}'; the part uploaded has etag '{actual}'. Upload the part again or send its etag.");
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        return (Convert.ToHexStringLower(whole.GetHashAndReset()), size);
    }
}
