namespace MlPipelines.Core.Caching;

/// <summary>A cache entry: the run that produced a step's results under a cache key, and that key's parts.</summary>
public sealed record CacheEntry(string Key, string Pipeline, string Step, string RunId, IReadOnlyDictionary<string, string> KeyParts, DateTimeOffset CreatedAt);

/// <summary>The step cache: which run produced a step's results under a cache key (the file-hash index is <see cref="IFileHashIndex"/>).</summary>
public interface IStepCache
{
    /// <summary>The entry for a key, or null.</summary>
    CacheEntry? Find(string key);
    /// <summary>The most recent entry of a pipeline step (to explain which key part changed), or null.</summary>
    CacheEntry? Latest(string pipeline, string step);
    /// <summary>Stores an entry.</summary>
    void Put(CacheEntry entry);
}
