using System.Data.Common;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Identity;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Server.Store;

/// <summary>Users, service principals and API tokens (stored as SHA-256 only).</summary>
public sealed class IdentityStore
{
    private const string PrincipalColumns = "id, name, kind, created_at";
    private const string TokenColumns = "id, principal_id, description, created_at, expires_at, revoked_at, last_used_at, run_scope";
    // Last-used is written at most this often per token so that reads do not turn into a write each.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);
    private readonly ServerDb _db;
    private readonly TimeProvider _time;

    private readonly AccessCache _cache;

    internal IdentityStore(ServerDb db, TimeProvider time, AccessCache cache) { _db = db; _time = time; _cache = cache; }

    /// <summary>Creates a principal; names are unique (case-insensitive) and 1–64 of letters, digits, '.', '-', '_', '@'.</summary>
    public Principal Create(string name, PrincipalKind kind)
    {
        ValidateName(name);
        var p = new Principal(ApiTokens.NewId(kind == PrincipalKind.User ? "usr_" : "spn_"), name, kind, _time.GetUtcNow());
        var added = _db.Write(d => d.Exec($"INSERT INTO principals({PrincipalColumns}) VALUES($p0, $p1, $p2, $p3) ON CONFLICT DO NOTHING",
            p.Id, p.Name, p.Kind.ToString(), p.CreatedAt));
        if (added == 0) throw MlpException.Conflict($"An identity named '{name}' already exists.");
        return p;
    }

    /// <summary>All principals, by name.</summary>
    public IReadOnlyList<Principal> List() =>
        _db.Read(d => d.Query($"SELECT {PrincipalColumns} FROM principals ORDER BY lower(name), name", Map));

    /// <summary>A principal by id or name (case-insensitive), or null.</summary>
    public Principal? Find(string idOrName) => _db.Read(d =>
        d.Query($"SELECT {PrincipalColumns} FROM principals WHERE id = $p0 OR lower(name) = lower($p0)", Map, idOrName).FirstOrDefault());

    /// <summary>A principal by id or name, or NotFound listing the known names.</summary>
    public Principal Get(string idOrName) =>
        Find(idOrName) ?? throw MlpException.NotFound("identity", idOrName, List().Select(p => p.Name));

    /// <summary>True when no principal exists yet (the server needs bootstrapping).</summary>
    public bool IsEmpty => _db.Read(d => d.Long("SELECT COUNT(*) FROM principals") == 0);

    /// <summary>Issues a token; the secret is returned once and only its hash is kept.</summary>
    public IssuedToken IssueToken(string principalId, string description, TimeSpan? lifetime) => IssueToken(principalId, description, lifetime, null);

    /// <summary>
    /// Issues a token that acts for <paramref name="principalId"/> only on one run (<see cref="Identity.RunScope"/>): what a
    /// step process gets, so a leaked step token cannot touch other runs, the registry or access.
    /// </summary>
    public IssuedToken IssueRunToken(string principalId, Identity.RunScope scope, TimeSpan lifetime) =>
        IssueToken(principalId, $"run {scope.RunId} in workspace {scope.Workspace}", lifetime, scope);

    /// <summary>Revokes the run-scoped tokens of a run (when it ends); answers how many were active.</summary>
    public int RevokeRunTokens(Identity.RunScope scope) => _db.Write(d =>
        d.Exec("UPDATE tokens SET revoked_at = $p1 WHERE run_scope = $p0 AND revoked_at IS NULL", scope.ToString(), _time.GetUtcNow()));

    private IssuedToken IssueToken(string principalId, string description, TimeSpan? lifetime, Identity.RunScope? scope)
    {
        if (lifetime is { } l && l <= TimeSpan.Zero) throw MlpException.Invalid($"A token lifetime must be positive; got {l}.");
        var now = _time.GetUtcNow();
        var secret = ApiTokens.NewSecret();
        var info = new ApiTokenInfo(ApiTokens.NewId("tok_"), principalId, description, now, now + lifetime, null, null) { RunScope = scope };
        _db.Write(d => d.Exec("INSERT INTO tokens(id, principal_id, hash, description, created_at, expires_at, run_scope) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            info.Id, principalId, ApiTokens.Hash(secret), description, now, info.ExpiresAt, scope?.ToString()));
        return new IssuedToken(info, secret);
    }

    /// <summary>
    /// The principal and token a secret belongs to, when the token is active; records the last-used time.
    /// Null for unknown, malformed, expired or revoked secrets.
    /// </summary>
    public (Principal Principal, ApiTokenInfo Token)? Authenticate(string secret)
    {
        if (!ApiTokens.LooksLikeSecret(secret)) return null;
        var hash = ApiTokens.Hash(secret);
        var now = _time.GetUtcNow();
        var found = _cache.GetOrLoad("tok:" + Convert.ToHexString(hash), () =>
        {
            var row = _db.Read(d => d.Query($"SELECT {TokenColumns}, hash FROM tokens WHERE hash = $p0",
                r => (Token: MapToken(r), Hash: (byte[])r[8]), hash).FirstOrDefault());
            if (row.Token is null || !ApiTokens.Verify(secret, row.Hash)) return ((Principal, ApiTokenInfo)?)null;
            return Find(row.Token.PrincipalId) is { } p ? (p, row.Token) : null;
        });
        if (found is not { } f || !f.Item2.IsActive(now)) return null;
        if (f.Item2.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            _db.WriteConcurrent(d => d.Exec("UPDATE tokens SET last_used_at = $p1 WHERE id = $p0", f.Item2.Id, now));
            _cache.Forget("tok:" + Convert.ToHexString(hash));
        }
        return (f.Item1, f.Item2 with { LastUsedAt = now });
    }

    /// <summary>Tokens of one principal, or of everyone when null; newest first.</summary>
    public IReadOnlyList<ApiTokenInfo> ListTokens(string? principalId = null) => _db.Read(d => principalId is null
        ? d.Query($"SELECT {TokenColumns} FROM tokens ORDER BY created_at DESC, id", MapToken)
        : d.Query($"SELECT {TokenColumns} FROM tokens WHERE principal_id = $p0 ORDER BY created_at DESC, id", MapToken, principalId));

    /// <summary>Revokes a token (idempotent); NotFound when the id is unknown.</summary>
    public ApiTokenInfo RevokeToken(string tokenId) => _db.Write(d =>
    {
        d.Exec("UPDATE tokens SET revoked_at = $p1 WHERE id = $p0 AND revoked_at IS NULL", tokenId, _time.GetUtcNow());
        return d.Query($"SELECT {TokenColumns} FROM tokens WHERE id = $p0", MapToken, tokenId).FirstOrDefault()
            ?? throw MlpException.NotFound("token", tokenId, d.Query("SELECT id FROM tokens ORDER BY created_at DESC, id", r => r.GetString(0)));
    });

    private static void ValidateName(string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
            throw MlpException.Invalid($"Identity name '{name}' is not valid: use 1 to 64 letters, digits, '.', '-', '_' or '@'.");
        // Lookups accept an id or a name, so a name must never look like an id.
        if (System.Text.RegularExpressions.Regex.IsMatch(name, "^(usr|spn)_[0-9a-f]{16}$", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            throw MlpException.Invalid($"Identity name '{name}' looks like an identity id; choose another name.");
    }

    private static Principal Map(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Enum.Parse<PrincipalKind>(r.GetString(2)), r.Time(3));

    private static ApiTokenInfo MapToken(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3), r.TimeOrNull(4), r.TimeOrNull(5), r.TimeOrNull(6))
        {
            RunScope = r.IsDBNull(7) ? null : Identity.RunScope.Parse(r.GetString(7)),
        };
}
