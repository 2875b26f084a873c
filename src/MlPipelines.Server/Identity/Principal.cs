namespace MlPipelines.Server.Identity;

/// <summary>Who a principal is: a person or a service principal (CI, step processes).</summary>
public enum PrincipalKind
{
    /// <summary>A person.</summary>
    User,
    /// <summary>A non-human caller such as CI or a step process.</summary>
    ServicePrincipal,
}

/// <summary>A user or service principal known to the server.</summary>
public sealed record Principal(string Id, string Name, PrincipalKind Kind, DateTimeOffset CreatedAt);

/// <summary>An API token as listed: never the secret, only what identifies and limits it.</summary>
public sealed record ApiTokenInfo(string Id, string PrincipalId, string Description, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    /// <summary>True when the token is neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Set for a token that may act only on one run (a step process's token); null for a full token.</summary>
    public RunScope? RunScope { get; init; }
}

/// <summary>A token just issued: the only time its secret exists outside the caller.</summary>
public sealed record IssuedToken(ApiTokenInfo Info, string Secret);
