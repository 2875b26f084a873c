using System.Security.Cryptography;
using System.Text;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>
/// Opaque page tokens: an offset bound to the query it continues (a hash of the query's fields), so a token cannot
/// be replayed against another query. Paging is by offset, as MLflow's own stores do it.
/// </summary>
public static class PageToken
{
    /// <summary>The token for the page starting at <paramref name="offset"/> of the query described by <paramref name="query"/>.</summary>
    public static string Create(long offset, string query) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{offset}:{Fingerprint(query)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The offset a token stands for (0 without a token); INVALID_PARAMETER_VALUE for a malformed or foreign token.</summary>
    public static long Read(string? token, string query)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        string text;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
        }
        catch (FormatException) { throw MlflowException.Invalid($"Invalid page token '{token}': it could not be base64-decoded."); }
        var colon = text.IndexOf(':');
        if (colon <= 0 || !long.TryParse(text.AsSpan(0, colon), out var offset) || offset < 0)
            throw MlflowException.Invalid($"Invalid page token '{token}': it was not issued by this server.");
        if (text[(colon + 1)..] != Fingerprint(query))
            throw MlflowException.Invalid($"Invalid page token '{token}': it belongs to another query; repeat the same query fields with it.");
        return offset;
    }

    private static string Fingerprint(string query) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..16];
}
