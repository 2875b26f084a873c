using System.Security.Cryptography;
using System.Text;

namespace MlPipelines.Server.Identity;

/// <summary>
/// API token secrets: 256 random bits, base64url with an <c>mlp_</c> prefix (so secret scanners can spot them).
/// Only the SHA-256 of a secret is stored; a slow hash adds nothing for 256-bit random input.
/// </summary>
public static class ApiTokens
{
    /// <summary>The prefix of every secret.</summary>
    public const string Prefix = "mlp_";

    /// <summary>A new random secret.</summary>
    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new random identifier (not secret) with the given prefix, e.g. <c>tok_…</c>.</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The stored form of a secret: SHA-256, 32 bytes.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares a presented secret against a stored hash in constant time.</summary>
    public static bool Verify(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    /// <summary>True when the string has the shape of a secret (checked before any database lookup).</summary>
    public static bool LooksLikeSecret(string value) =>
        value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length == Prefix.Length + 43
        && value.AsSpan(Prefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
