using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>
/// Content-addressed blobs of a workspace: HEAD/GET (with Range, ETag = hash), PUT of a whole blob verified against the
/// hash in the URL, resumable upload sessions for large blobs, and the store's usage. Bodies are streamed to disk; a body
/// whose SHA-256 differs from the one it claims is refused and nothing is stored.
/// </summary>
internal static class ArtifactEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapMethods("/blobs/{hash}", [HttpMethods.Get, HttpMethods.Head], (string workspace, string hash, HttpContext ctx, HostedWorkspaces hosted) =>
            {
                var artifacts = hosted.Open(workspace).Artifacts;
                ContentHash.Validate("blob hash", hash);
                var blob = artifacts.OpenRead(hash);
                if (HttpMethods.IsHead(ctx.Request.Method))
                {
                    // HEAD: the headers of the GET, without reading the blob.
                    using (blob) ctx.Response.ContentLength = blob.Length;
                    ctx.Response.ContentType = "application/octet-stream";
                    ctx.Response.Headers.ETag = Tag(hash).ToString();
                    ctx.Response.Headers.AcceptRanges = "bytes";
                    return Results.Empty;
                }
                ctx.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
                return Results.File(blob, "application/octet-stream", entityTag: Tag(hash), enableRangeProcessing: true);
            })
            .Requires(A.ArtifactsRead, ScopeSource.Workspace).WithSummary("Stream a blob (Range requests for previews; ETag is the hash); HEAD says whether it exists and its size");
        ws.MapPut("/blobs/{hash}", PutBlob)
            .Accepts<Stream>("application/octet-stream")
            .Requires(A.ArtifactsWrite, ScopeSource.Workspace).WithSummary("Upload a blob; the body must hash to the URL's SHA-256 (400 otherwise, nothing stored)");
        ws.MapPost("/blobs/missing", (string workspace, BlobQuery body, HostedWorkspaces hosted) =>
            {
                var artifacts = hosted.Open(workspace).Artifacts;
                if (body.Hashes.Count > BlobQuery.MaxHashes)
                    throw MlpException.Invalid($"'hashes' has {body.Hashes.Count} entries; at most {BlobQuery.MaxHashes} per query.");
                for (var i = 0; i < body.Hashes.Count; i++) ContentHash.Validate($"'hashes[{i}]'", body.Hashes[i]);
                return new MissingBlobs(body.Hashes.Distinct(StringComparer.Ordinal).Where(h => !artifacts.Exists(h)).ToList());
            })
            .Requires(A.ArtifactsRead, ScopeSource.Workspace).WithSummary("Which of these blobs the workspace does not hold");
        ws.MapGet("/usage", (string workspace, HostedWorkspaces hosted) =>
            {
                var (bytes, count) = hosted.Open(workspace).Artifacts.Usage();
                return new ArtifactUsage(bytes, count);
            })
            .Requires(A.ArtifactsRead, ScopeSource.Workspace).WithSummary("Bytes and number of blobs stored");

        ws.MapPost("/uploads", (string workspace, HostedWorkspaces hosted, ServerOptions options) =>
            {
                var session = Sessions(hosted, workspace, options).Create();
                return Results.Created($"/api/v1/workspaces/{workspace}/uploads/{session.Id}", session);
            })
            .Requires(A.ArtifactsWrite, ScopeSource.Workspace).WithSummary("Start a resumable upload");
        ws.MapGet("/uploads/{id}", (string workspace, string id, HostedWorkspaces hosted, ServerOptions options) =>
                Sessions(hosted, workspace, options).Get(id))
            .Requires(A.ArtifactsWrite, ScopeSource.Workspace).WithSummary("Where an upload stands: the offset of its next chunk");
        ws.MapPut("/uploads/{id}", AppendChunk)
            .Accepts<Stream>("application/octet-stream")
            .Requires(A.ArtifactsWrite, ScopeSource.Workspace).WithSummary("Append a chunk at ?offset=N (409 naming the current offset when N is not it)");
        ws.MapPost("/uploads/{id}/complete", (string workspace, string id, CompleteUploadRequest body, HostedWorkspaces hosted, ServerOptions options) =>
            {
                var w = hosted.Open(workspace);
                return Sessions(w.ScratchDirectory, options).Complete(id, body.Hash, w.Artifacts);
            })
            .Requires(A.ArtifactsWrite, ScopeSource.Workspace).WithSummary("Verify an upload's SHA-256 and store it as a blob");
    }

    private static async Task<IResult> PutBlob(string workspace, string hash, HttpContext ctx, HostedWorkspaces hosted, ServerOptions options)
    {
        var w = hosted.Open(workspace);
        ContentHash.Validate("blob hash", hash);
        RequestBodies.AllowUpTo(ctx, Math.Max(options.MaxRequestBodyBytes, options.MaxUploadChunkBytes));
        PrivateFiles.CreateFolder(w.ScratchDirectory);
        var temp = Path.Combine(w.ScratchDirectory, $"put-{Guid.NewGuid():N}");
        try
        {
            string actual;
            long size;
            await using (var file = PrivateFiles.Create(temp))
                (actual, size) = await RequestBodies.CopyHashing(ctx.Request, file);
            if (actual != hash)
                throw MlpException.Invalid($"Blob hash mismatch: the URL names '{hash}' but the {size}-byte body hashes to '{actual}'; nothing was stored.");
            return Results.Ok(w.Artifacts.PutFile(temp));
        }
        catch (Exception e) when (RequestBodies.IsTooLarge(e))
        {
            return await RequestBodies.TooLarge(ctx, Math.Max(options.MaxRequestBodyBytes, options.MaxUploadChunkBytes));
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static async Task<IResult> AppendChunk(string workspace, string id, long offset, HttpContext ctx, HostedWorkspaces hosted, ServerOptions options)
    {
        var sessions = Sessions(hosted, workspace, options);
        RequestBodies.AllowUpTo(ctx, Math.Max(options.MaxRequestBodyBytes, options.MaxUploadChunkBytes));
        try { return Results.Ok(await sessions.Append(id, offset, ctx.Request)); }
        catch (Exception e) when (RequestBodies.IsTooLarge(e))
        {
            return await RequestBodies.TooLarge(ctx, Math.Max(options.MaxRequestBodyBytes, options.MaxUploadChunkBytes));
        }
    }

    private static UploadSessions Sessions(HostedWorkspaces hosted, string workspace, ServerOptions options) =>
        Sessions(hosted.Open(workspace).ScratchDirectory, options);

    private static UploadSessions Sessions(string scratch, ServerOptions options) => new(scratch, options.UploadSessionLifetime);

    private static EntityTagHeaderValue Tag(string hash) => new($"\"{hash}\"");
}
