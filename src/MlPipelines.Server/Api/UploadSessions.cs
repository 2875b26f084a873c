using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Server.Api;

/// <summary>
/// Resumable uploads of one workspace: each session is a part file <c>uploads/ID.part</c> under the workspace's scratch
/// folder (0600, named by a random id). Chunks are appended at the offset the part file has reached; completing
/// verifies the SHA-256 while moving the bytes into the artifact store, then deletes the part. A session not written
/// to within the lifetime is deleted.
/// </summary>
internal sealed class UploadSessions(string scratchDirectory, TimeSpan lifetime)
{
    private readonly string _folder = Path.Combine(scratchDirectory, "uploads");

    /// <summary>Starts a session (and deletes expired ones).</summary>
    public UploadSession Create()
    {
        PrivateFiles.CreateFolder(_folder);
        Sweep();
        var id = RandomNumberGenerator.GetHexString(32, lowercase: true);
        using (PrivateFiles.Create(PartOf(id))) { }
        return new UploadSession(id, 0);
    }

    /// <summary>Where a session stands.</summary>
    public UploadSession Get(string id) => new(id, new FileInfo(Existing(id)).Length);

    /// <summary>Appends the request body at <paramref name="offset"/>; Conflict (409) names the right offset when it is not the end of the part.</summary>
    public async Task<UploadSession> Append(string id, long offset, HttpRequest request)
    {
        var path = Existing(id);
        if (offset < 0) throw MlpException.Invalid($"'offset' must be 0 or more; got {offset}.");
        await using var part = OpenExclusive(id, path, FileAccess.Write);
        if (part.Length != offset)
            throw MlpException.Conflict($"Upload '{id}' holds {part.Length} bytes, so the next chunk starts at offset {part.Length}, not {offset}; send it from offset {part.Length}.");
        part.Seek(0, SeekOrigin.End);
        await RequestBodies.Copy(request, part);
        return new UploadSession(id, part.Length);
    }

    /// <summary>Stores the uploaded bytes when they hash to <paramref name="hash"/>; otherwise nothing is stored and the session is discarded.</summary>
    public StoredBlob Complete(string id, string hash, IArtifactStore artifacts)
    {
        var path = Existing(id);
        ContentHash.Validate("'hash'", hash);
        StoredBlob stored;
        using (var part = OpenExclusive(id, path, FileAccess.Read))
        {
            var verifying = new HashVerifyingStream(part, hash, (actual, length) => MlpException.Invalid(
                $"Upload '{id}' holds {length} bytes whose SHA-256 is '{actual}', not the expected '{hash}'; nothing was stored and the upload was discarded. Upload the file again."));
            try { stored = artifacts.PutStream(verifying); }
            catch (MlpException e) when (e.Kind == ErrorKind.InvalidInput)
            {
                verifying.Dispose();
                File.Delete(path);
                throw;
            }
        }
        File.Delete(path);
        return stored;
    }

    private FileStream OpenExclusive(string id, string path, FileAccess access)
    {
        try { return new FileStream(path, FileMode.Open, access, FileShare.None, 1 << 16, useAsync: true); }
        catch (IOException) when (File.Exists(path))
        {
            throw MlpException.Conflict($"Upload '{id}' is being written or completed by another request; ask where it stands (GET …/uploads/{id}) and retry.");
        }
    }

    private string Existing(string id)
    {
        var path = PartOf(id);
        var info = new FileInfo(path);
        if (info.Exists && DateTime.UtcNow - info.LastWriteTimeUtc > lifetime) TryDelete(path);
        if (!File.Exists(path))
            throw new MlpException(ErrorKind.NotFound, $"Unknown upload '{id}': it was completed, discarded or expired (sessions expire after {lifetime.TotalHours:0.#} h without writes). Start a new one (POST …/uploads).");
        return path;
    }

    private string PartOf(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
            throw MlpException.Invalid($"Invalid upload id '{(id.Length > 40 ? id[..40] + "..." : id)}'; expected the 32 lowercase hex characters returned by POST …/uploads.");
        return Path.Combine(_folder, id + ".part");
    }

    private void Sweep()
    {
        foreach (var f in new DirectoryInfo(_folder).EnumerateFiles("*.part"))
            if (DateTime.UtcNow - f.LastWriteTimeUtc > lifetime) TryDelete(f.FullName);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* in use: a later sweep removes it */ }
    }
}
