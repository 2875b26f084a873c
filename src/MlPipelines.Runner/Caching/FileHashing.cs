using MlPipelines.Core.Caching;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Runner.Caching;

/// <summary>
/// Content hashes of input files and folders, skipping files whose size, mtime and inode are unchanged. With
/// <paramref name="remember"/> false (<c>plan</c>, which writes nothing) the index is read but not updated. Folders are
/// read with the <see cref="FolderWalker"/> rule; each skipped link goes to <paramref name="warn"/>.
/// </summary>
internal sealed class FileHashing(IFileHashIndex cache, bool remember = true, Action<string>? warn = null)
{
    /// <summary>Hash of a file (its content hash) or folder (hash over sorted relative path + file hash pairs).</summary>
    public string HashPath(string fullPath)
    {
        if (File.Exists(fullPath)) return HashFile(new FileInfo(fullPath));
        if (Directory.Exists(fullPath)) return HashFolder(fullPath);
        throw MlpException.NotFound("input path", fullPath, []);
    }

    public string HashFile(FileInfo file)
    {
        var inode = FileIdentity.InodeOf(file.FullName);
        var mtime = file.LastWriteTimeUtc.Ticks;
        var known = cache.FindFileHash(file.FullName, file.Length, mtime, inode);
        if (known is not null) return known;
        var hash = HashContent(file.FullName);
        if (remember) cache.PutFileHash(file.FullName, file.Length, mtime, inode, hash);
        return hash;
    }

    public string HashFolder(string dir)
    {
        var walk = FolderWalker.Walk(dir);
        foreach (var w in walk.Warnings) warn?.Invoke(w);
        return ContentHash.OfParts(walk.Files.Select(f => KeyValuePair.Create(f.RelativePath, HashFile(new FileInfo(f.FullPath)))));
    }

    /// <summary>
    /// SHA-256 of a file's content (same value as <see cref="ContentHash.OfFile"/>), reading 4 MiB blocks on a second
    /// thread while the previous block is hashed, so large inputs hash at close to the SHA-256 speed of the CPU.
    /// </summary>
    internal static string HashContent(string path)
    {
        const int block = 4 << 20;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffers = new[] { new byte[block], new byte[block] };
        long offset = 0;
        var current = 0;
        var read = RandomAccess.Read(handle, buffers[0], offset);
        while (read > 0)
        {
            offset += read;
            var next = 1 - current;
            var pending = Task.Run(() => RandomAccess.Read(handle, buffers[next], offset));
            sha.AppendData(buffers[current], 0, read);
            read = pending.GetAwaiter().GetResult();
            current = next;
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
