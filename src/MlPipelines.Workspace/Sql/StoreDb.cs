using System.Data.Common;

namespace MlPipelines.Workspace.Sql;

/// <summary>
/// The database under the workspace stores. The stores write their SQL once (parameters <c>$p0</c>, <c>$p1</c>…,
/// standard <c>INSERT … ON CONFLICT</c>, <c>RETURNING</c>); an implementation runs it on one engine and answers the
/// few parts that differ through its <see cref="SqlDialect"/>. Writes are serialised transactions on every engine,
/// so the stores' read-then-write logic means the same everywhere.
/// </summary>
internal abstract class StoreDb : IDisposable
{
    /// <summary>What differs between engines.</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>Runs a read; it never blocks on writers.</summary>
    public abstract T Read<T>(Func<DbSession, T> read);

    /// <summary>Runs <paramref name="write"/> in one transaction, one writer at a time; a nested call joins the outer transaction.</summary>
    public abstract T Write<T>(Func<DbSession, T> write);

    /// <summary>Runs a write with no result.</summary>
    public void Write(Action<DbSession> write) => Write(s => { write(s); return 0; });

    /// <summary>
    /// Runs a write that needs no turn with other writers: statements whose effect does not depend on what other
    /// writers do meanwhile (an append, an insert-or-ignore, a last-used stamp). Engines whose writers can run side by
    /// side (PostgreSQL) skip the write lock; the others run it as <see cref="Write{T}"/>. A nested call joins the
    /// outer transaction.
    /// </summary>
    public virtual T WriteConcurrent<T>(Func<DbSession, T> write) => Write(write);

    /// <summary>
    /// Runs a write whose effect is one statement (atomic on its own) and that needs no turn with other writers, as
    /// <see cref="WriteConcurrent{T}"/>; engines that commit each statement by itself (PostgreSQL) run it outside a
    /// transaction, which saves the round trip of a COMMIT. Reads after the statement (e.g. to build an error) see it
    /// committed. A nested call joins the outer transaction.
    /// </summary>
    public virtual T WriteStatement<T>(Func<DbSession, T> write) => WriteConcurrent(write);

    /// <inheritdoc />
    public abstract void Dispose();
}

/// <summary>One connection (and its open transaction, if any) as the stores' SQL sees it.</summary>
internal interface ISqlScope
{
    /// <summary>The engine's dialect.</summary>
    SqlDialect Dialect { get; }

    /// <summary>A command for fixed SQL (may be cached and reused), bound to the current transaction.</summary>
    DbCommand Command(string sql);

    /// <summary>A fresh command for dynamically built SQL; the caller disposes it.</summary>
    DbCommand AdHoc(string sql);

    /// <summary>A parameter for the placeholder <c>$p{index}</c>.</summary>
    DbParameter NewParameter(int index);
}
