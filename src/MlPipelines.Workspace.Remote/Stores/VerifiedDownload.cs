using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>
/// Downloads content-addressed files: streamed (bounded memory) into a temp file next to the destination, resumed with a
/// Range request when the connection drops, checked against the expected SHA-256, and only then moved into place, so a
/// destination is never half-written or wrong.
/// </summary>
internal static class VerifiedDownload
{
    private const int MaxAttempts = 4;

    /// <summary>GETs <paramref name="path"/> into <paramref name="destination"/>; <paramref name="what"/> names it in errors.</summary>
    public static void ToFile(RemoteConnection http, string path, string expectedHash, string destination, string what)
    {
        var full = Path.GetFullPath(destination);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.download");
        try
        {
            string actual;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                actual = Fetch(http, path, file, what);
            if (actual != expectedHash)
                throw MlpException.Failed($"Downloaded {what} hashes to '{actual}', not the expected '{expectedHash}'; nothing was written to '{destination}'. Try again; if it persists the server's copy is damaged.");
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string Fetch(RemoteConnection http, string path, FileStream file, string what)
    {
        var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            var buffer = new byte[1 << 16];
            for (var attempt = 1; ; attempt++)
            {
                var have = file.Length;
                using var response = http.GetStreamed(path, have > 0 ? r => r.Headers.Range = new RangeHeaderValue(have, null) : null);
                if (have > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // The server sent the whole content again: start over.
                    file.SetLength(0);
                    file.Position = 0;
                    sha.Dispose();
                    sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                }
                try
                {
                    using var body = response.Content.ReadAsStream();
                    int n;
                    while ((n = body.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        file.Write(buffer, 0, n);
                        sha.AppendData(buffer, 0, n);
                    }
                    file.Flush();
                    return Convert.ToHexStringLower(sha.GetHashAndReset());
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    file.Flush();
                    if (attempt >= MaxAttempts)
                        throw MlpException.Unavailable($"Downloading {what} from '{http.Server}' failed {attempt} times ({e.Message}); nothing was written.", e);
                }
            }
        }
        finally
        {
            sha.Dispose();
        }
    }

    /// <summary>A stream of <paramref name="path"/> that throws a clear error at its end when the content is not <paramref name="expectedHash"/>.</summary>
    public static Stream Open(RemoteConnection http, string path, string expectedHash, string what)
    {
        var response = http.GetStreamed(path);
        try
        {
            return new HashVerifyingStream(response.Content.ReadAsStream(), expectedHash,
                (actual, length) => MlpException.Failed($"The {what} read from '{http.Server}' hashes to '{actual}' ({length} bytes), not the expected '{expectedHash}'; the content is corrupt — do not use it."),
                response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
