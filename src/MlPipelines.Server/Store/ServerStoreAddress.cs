namespace MlPipelines.Server.Store;

/// <summary>
/// Where a server keeps its metadata, as given by <c>--store</c>: a SQLite file (<see cref="SqliteStoreAddress"/>) or a
/// PostgreSQL database (<see cref="PostgresStoreAddress"/>), which then also holds every hosted workspace's records.
/// Its text form never contains a password.
/// </summary>
public abstract record ServerStoreAddress
{
    private protected ServerStoreAddress() { }

    /// <summary>The address without secrets, for messages and logs.</summary>
    public abstract string Display { get; }

    /// <summary>The same as <see cref="Display"/>: never the password.</summary>
    public sealed override string ToString() => Display;
}

/// <summary>A SQLite metadata file; hosted workspaces are embedded workspace folders.</summary>
/// <param name="Path">The absolute path of the database file.</param>
public sealed record SqliteStoreAddress(string Path) : ServerStoreAddress
{
    /// <inheritdoc />
    public override string Display => Path;
}
