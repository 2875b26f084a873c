namespace MlPipelines.Core.Artifacts;

/// <summary>Content-addressed blob storage: a blob's id is the SHA-256 of its bytes, so identical content is kept once.</summary>
public interface IArtifactStore
{
    /// <summary>Stores a file (atomically: written to a temp file, then renamed) and returns its hash and size.</summary>
    StoredBlob PutFile(string path);
    /// <summary>Stores a stream's content.</summary>
    StoredBlob PutStream(Stream content);
    /// <summary>True when the blob exists.</summary>
    bool Exists(string hash);
    /// <summary>Opens a blob for reading; throws NotFound for an unknown hash.</summary>
    Stream OpenRead(string hash);
    /// <summary>Copies a blob to a file path (creating folders).</summary>
    void CopyTo(string hash, string destinationPath);
    /// <summary>Total bytes and number of blobs stored.</summary>
    (long Bytes, long Count) Usage();
}

/// <summary>A stored blob: its hash and size in bytes.</summary>
public sealed record StoredBlob(string Hash, long Size);
