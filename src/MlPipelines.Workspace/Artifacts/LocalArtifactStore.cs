using System.Security.Cryptography;
using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Artifacts;

/// <summary>
/// Blobs under <c>artifacts/ab/cdef…</c> named by their SHA-256. Content is written to a temp file in the same
/// file system and renamed into place, so a reader never sees a partial blob and identical content is kept once.
/// </summary>
internal sealed class LocalArtifactStore(string root, string tempDir) : IArtifactStore
{
    public string Root { get; } = root;

    public string PathOf(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw MlpException.Invalid($"Invalid artifact hash '{hash}'; expected 64 lowercase hex characters (SHA-256).");
        return Path.Combine(Root, hash[..2], hash[2..]);
    }

    public StoredBlob PutFile(string path)
    {
        if (!File.Exists(path)) throw MlpException.Invalid($"Cannot store '{path}': the file does not exist.");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, FileOptions.SequentialScan);
        return PutStream(fs);
    }

    /// <summary>Stores a file whose hash is already known (from the file-hash index); skips all I/O when the blob exists.</summary>
    public StoredBlob PutFileWithHash(string path, string hash, long size)
    {
        if (Exists(hash)) return new StoredBlob(hash, size);
        var stored = PutFile(path);
        return stored;
    }

    public StoredBlob PutStream(Stream content)
    {
        WorkspacePermissions.CreateFolder(tempDir);
        var temp = Path.Combine(tempDir, "blob-" + Guid.NewGuid().ToString("N"));
        string hash;
        long size;
        try
        {
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var outFs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var buffer = new byte[1 << 20];
                int n;
                size = 0;
                while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    sha.AppendData(buffer, 0, n);
                    outFs.Write(buffer, 0, n);
                    size += n;
                }
                outFs.Flush(flushToDisk: false);
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            WorkspacePermissions.MakePrivate(temp);
            var target = PathOf(hash);
            if (!File.Exists(target))
            {
                WorkspacePermissions.CreateFolder(Path.GetDirectoryName(target)!);
                try { File.Move(temp, target, overwrite: false); }
                catch (IOException) when (File.Exists(target)) { /* another writer stored the same content first */ }
            }
            return new StoredBlob(hash, size);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public bool Exists(string hash) => File.Exists(PathOf(hash));

    /// <summary>The size of a stored blob, or null when it is not stored.</summary>
    public long? SizeOf(string hash)
    {
        var f = new FileInfo(PathOf(hash));
        return f.Exists ? f.Length : null;
    }

    public Stream OpenRead(string hash)
    {
        var p = PathOf(hash);
        if (!File.Exists(p)) throw MlpException.NotFound("artifact", hash, []);
        return new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
    }

    public void CopyTo(string hash, string destinationPath)
    {
        var p = PathOf(hash);
        if (!File.Exists(p)) throw MlpException.NotFound("artifact", hash, []);
        var dir = Path.GetDirectoryName(Path.GetFullPath(destinationPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.Copy(p, destinationPath, overwrite: true);
    }

    public (long Bytes, long Count) Usage()
    {
        if (!Directory.Exists(Root)) return (0, 0);
        long bytes = 0, count = 0;
        foreach (var f in new DirectoryInfo(Root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            bytes += f.Length;
            count++;
        }
        return (bytes, count);
    }
}
