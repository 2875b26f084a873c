using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MlPipelines.Server.Api;

/// <summary>Raw request bodies streamed to disk with bounded memory (blob uploads and upload chunks).</summary>
internal static class RequestBodies
{
    private const int BufferSize = 1 << 16;

    /// <summary>Lets this request's body be up to <paramref name="limit"/> bytes (before anything reads it).</summary>
    public static void AllowUpTo(HttpContext context, long limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
    }

    /// <summary>Copies the body to <paramref name="destination"/>, hashing it; returns the SHA-256 and the byte count.</summary>
    public static async Task<(string Hash, long Size)> CopyHashing(HttpRequest request, Stream destination)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var size = await Copy(request, destination, sha);
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
    }

    /// <summary>Copies the body to <paramref name="destination"/> (what arrived stays written if the client stops half-way).</summary>
    public static Task<long> Copy(HttpRequest request, Stream destination) => Copy(request, destination, null);

    /// <summary>True for the failure Kestrel raises when a body exceeds the request's limit.</summary>
    public static bool IsTooLarge(Exception e) => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    /// <summary>The answer for a body over the upload limit.</summary>
    public static async Task<IResult> TooLarge(HttpContext context, long limit)
    {
        await ErrorResponses.Write(context, StatusCodes.Status413PayloadTooLarge,
            $"The body is larger than the limit of {limit} bytes for one blob or chunk (MaxUploadChunkBytes); upload larger blobs in chunks through an upload session (POST …/uploads).");
        return Results.Empty;
    }

    private static async Task<long> Copy(HttpRequest request, Stream destination, IncrementalHash? sha)
    {
        var buffer = new byte[BufferSize];
        long size = 0;
        int n;
        var ct = request.HttpContext.RequestAborted;
        try
        {
            while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, n), ct);
                sha?.AppendData(buffer, 0, n);
                size += n;
            }
        }
        finally
        {
            await destination.FlushAsync(CancellationToken.None);
        }
        return size;
    }
}
