using System.Security.Cryptography;
using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>
/// Blobs over <c>/api/v1/workspaces/NAME/blobs</c>. Uploads hash the file first and skip blobs the server already has;
/// a file up to <see cref="RemoteOptions.UploadChunkBytes"/> goes up in one PUT, a larger one through a resumable upload
/// session in chunks of that size, resumed from the server's offset after a failure. Downloads are checked against
/// their SHA-256. Memory stays bounded whatever the blob size.
/// </summary>
internal sealed class RemoteArtifactStore(RemoteConnection http, WorkspacePaths paths) : IArtifactStore
{
    /// <summary>How often one upload re-reads the server's offset and carries on after a failed chunk before giving up.</summary>
    private const int MaxResumes = 5;

    public StoredBlob PutFile(string path)
    {
        if (!File.Exists(path)) throw MlpException.Invalid($"Cannot store '{path}': the file does not exist.");
        var size = new FileInfo(path).Length;
        return Upload(path, ContentHash.OfFile(path), size);
    }

    public StoredBlob PutStream(Stream content)
    {
        // Spool to a private temp file (bounded memory, and a repeatable body for retries), hashing on the way.
        var temp = Path.Combine(Path.GetTempPath(), $"mlp-upload-{Guid.NewGuid():N}");
        try
        {
            string hash;
            long size = 0;
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var file = CreatePrivate(temp))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    file.Write(buffer, 0, n);
                    sha.AppendData(buffer, 0, n);
                    size += n;
                }
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            return Upload(temp, hash, size);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public bool Exists(string hash) => http.Head(Blob(hash));

    public Stream OpenRead(string hash) => VerifiedDownload.Open(http, Blob(hash), hash, $"blob '{hash}'");

    public void CopyTo(string hash, string destinationPath) =>
        VerifiedDownload.ToFile(http, Blob(hash), hash, destinationPath, $"blob '{hash}'");

    public (long Bytes, long Count) Usage()
    {
        var usage = http.Get<ArtifactUsage>(paths.Of("usage"));
        return (usage.Bytes, usage.Count);
    }

    /// <summary>Uploads a file whose hash and size are known, unless the server already has the blob (asked first unless <paramref name="knownMissing"/>).</summary>
    internal StoredBlob Upload(string path, string hash, long size, bool knownMissing = false)
    {
        if (!knownMissing && Exists(hash)) return new StoredBlob(hash, size);
        if (size <= http.Options.UploadChunkBytes)
            return http.SendJson<StoredBlob>(HttpMethod.Put, Blob(hash), () => FileSegmentContent.Create(path, 0, size));
        return UploadInChunks(path, hash, size);
    }

    /// <summary>The hashes the server does not hold yet (asked in batches).</summary>
    internal IReadOnlySet<string> Missing(IEnumerable<string> hashes)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in hashes.Distinct(StringComparer.Ordinal).Chunk(BlobQuery.MaxHashes))
            missing.UnionWith(http.Write<MissingBlobs>(HttpMethod.Post, paths.Of("blobs/missing"), new BlobQuery(batch)).Missing);
        return missing;
    }

    /// <summary>
    /// Uploads through an upload session (a new one, or <paramref name="uploadId"/> to resume one): chunks from the
    /// server's offset, then complete with the hash. A chunk that failed or whose answer was lost (409 on the retry)
    /// is followed by asking the server where it stands and carrying on from there.
    /// </summary>
    internal StoredBlob UploadInChunks(string path, string hash, long size, string? uploadId = null)
    {
        var session = uploadId is null
            ? http.Write<UploadSession>(HttpMethod.Post, paths.Of("uploads"), null)
            : http.Get<UploadSession>(Upload(uploadId));
        var offset = session.Offset;
        var resumes = 0;
        while (offset < size)
        {
            var start = offset;
            var count = Math.Min(http.Options.UploadChunkBytes, size - start);
            try
            {
                offset = http.SendJson<UploadSession>(HttpMethod.Put, Upload(session.Id) + WorkspacePaths.Query(("offset", start.ToString())),
                    () => FileSegmentContent.Create(path, start, count)).Offset;
            }
            catch (MlpException e) when (e.Kind is ErrorKind.Conflict or ErrorKind.Unavailable && resumes < MaxResumes)
            {
                resumes++;
                offset = http.Get<UploadSession>(Upload(session.Id)).Offset;
            }
            if (offset > size)
                throw MlpException.Failed($"Upload '{session.Id}' of '{path}' holds {offset} bytes on the server, more than the file's {size}; the file changed during the upload. Upload it again.");
        }
        return http.Write<StoredBlob>(HttpMethod.Post, Upload(session.Id, "complete"), new CompleteUploadRequest(hash));
    }

    private string Blob(string hash) => paths.Segments("blobs", ContentHash.Validate("blob hash", hash));

    private string Upload(string id, string? sub = null) => sub is null ? paths.Segments("uploads", id) : paths.Segments("uploads", id, sub);

    private static FileStream CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }
}
