using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MlPipelines.Server.Hosting;

/// <summary>
/// The tokens of an embedded MLflow host, kept in memory as SHA-256 hashes only: one owner token made at start (full
/// access to the one workspace) and run-scoped tokens issued for step processes. Nothing is written to disk; the
/// tokens die with the host.
/// </summary>
public sealed class EmbeddedTokens
{
    /// <summary>The prefix of every token, so a leaked one is recognisable.</summary>
    public const string Prefix = "mlpe_";

    private readonly ConcurrentDictionary<string, string?> _grants = new(StringComparer.Ordinal); // hash → run id (null: owner)

    /// <summary>Creates the table with a new owner token, returned once in <paramref name="ownerToken"/>.</summary>
    public EmbeddedTokens(out string ownerToken)
    {
        ownerToken = NewSecret();
        _grants[Hash(ownerToken)] = null;
    }

    /// <summary>A new token that may act on run <paramref name="runId"/> only.</summary>
    public string IssueForRun(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var secret = NewSecret();
        _grants[Hash(secret)] = runId;
        return secret;
    }

    /// <summary>Looks a presented token up: found, and the run it is scoped to (null for the owner token).</summary>
    public bool TryAuthenticate(string? token, out string? runId)
    {
        runId = null;
        return token is { Length: > 0 } && token.StartsWith(Prefix, StringComparison.Ordinal) && _grants.TryGetValue(Hash(token), out runId);
    }

    private static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
