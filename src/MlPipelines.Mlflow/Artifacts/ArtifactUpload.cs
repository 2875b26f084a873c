using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>
/// Streams an upload's body into the workspace's artifact store with bounded memory: the body goes to a private temp
/// file in the workspace's scratch folder, hashed on the way (SHA-256); the store then takes the file and its hash must
/// equal the one seen while streaming, so what is recorded is exactly what arrived.
/// </summary>
internal static class ArtifactUpload
{
    private const int BufferSize = 1 << 18;

    /// <summary>Stores the request body as a blob; INVALID_PARAMETER_VALUE when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<StoredBlob> StoreBodyAsync(HttpContext context, IWorkspace workspace, long maxBytes)
    {
        Directory.CreateDirectory(workspace.ScratchDirectory);
        var temp = Path.Combine(workspace.ScratchDirectory, $"mlflow-upload-{Guid.NewGuid():N}");
        try
        {
            var (hash, size) = await CopyBodyAsync(context, temp, maxBytes);
            return Store(workspace, temp, hash, size);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Puts the file <paramref name="path"/> into the artifact store; INTERNAL_ERROR unless the store's hash and size are the ones seen while writing it.</summary>
    public static StoredBlob Store(IWorkspace workspace, string path, string hash, long size)
    {
        var stored = workspace.Artifacts.PutFile(path);
        if (stored.Hash != hash || stored.Size != size)
            throw new MlflowException(MlflowErrorCode.InternalError,
                $"The artifact store holds {stored.Size} bytes hashing to '{stored.Hash}' for an upload of {size} bytes hashing to '{hash}'; the upload was not recorded. Upload it again.");
        return stored;
    }

    /// <summary>A new private (0600) file for writing.</summary>
    public static FileStream CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    /// <summary>Streams the request body (at most <paramref name="maxBytes"/>) into a new private file, hashing it on the way.</summary>
    public static async Task<(string Hash, long Size)> CopyBodyAsync(HttpContext context, string path, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var file = CreatePrivate(path);
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), context.RequestAborted)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                size += n;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw MlflowException.Invalid($"The artifact is larger than this server accepts for one upload ({maxBytes} bytes); nothing was stored.");
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
    }
}
