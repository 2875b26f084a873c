namespace MlPipelines.Core.Caching;

/// <summary>The file-hash index (path, size, mtime, inode → SHA-256) that avoids re-hashing unchanged files.</summary>
public interface IFileHashIndex
{
    /// <summary>Known hash of a file when its path, size, mtime and inode are unchanged, else null.</summary>
    string? FindFileHash(string fullPath, long size, long mtimeTicks, long inode);
    /// <summary>Remembers a file hash.</summary>
    void PutFileHash(string fullPath, long size, long mtimeTicks, long inode, string hash);
}
