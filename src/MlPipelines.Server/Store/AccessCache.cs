using System.Collections.Concurrent;

namespace MlPipelines.Server.Store;

/// <summary>
/// Remembers sign-ins and access decisions for a moment, so a stream of small writes does not read the token, the
/// principal and the assignments on every request. An entry is dropped by any change this server makes to identities,
/// tokens, roles, assignments or workspaces (<see cref="ServerDb.Generation"/>) and after <see cref="Lifetime"/> at the
/// latest — the bound on how long a change made by another server process on the same PostgreSQL store takes to apply.
/// </summary>
internal sealed class AccessCache(ServerDb db, TimeProvider time)
{
    /// <summary>The longest an entry is used.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (long Generation, DateTimeOffset Until, object? Value)> _entries = new(StringComparer.Ordinal);

    /// <summary>Drops one entry (its source changed without a generation bump, e.g. a token's last-used time).</summary>
    public void Forget(string key) => _entries.TryRemove(key, out _);

    /// <summary>The cached value of <paramref name="key"/>, or <paramref name="load"/>'s (cached).</summary>
    public T GetOrLoad<T>(string key, Func<T> load)
    {
        var generation = db.Generation;
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var e) && e.Generation == generation && e.Until > now) return (T)e.Value!;
        var value = load();
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = (generation, now + Lifetime, value);
        return value;
    }
}
