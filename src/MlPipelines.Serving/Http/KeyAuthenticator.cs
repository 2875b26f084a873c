using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MlPipelines.Serving.Http;

/// <summary>Checks <c>Authorization: Bearer KEY</c> against the configured keys in constant time.</summary>
internal sealed class KeyAuthenticator(IReadOnlyList<string> keys)
{
    private readonly byte[][] _keys = keys.Select(Encoding.UTF8.GetBytes).ToArray();

    public bool Enabled => _keys.Length > 0;

    public bool IsAuthorized(HttpRequest request)
    {
        if (_keys.Length == 0) return true;
        StringValues header = request.Headers.Authorization;
        if (header.Count != 1) return false;
        var value = header[0]!;
        const string prefix = "Bearer ";
        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var given = Encoding.UTF8.GetBytes(value.AsSpan(prefix.Length).Trim().ToString());
        var ok = false;
        foreach (var key in _keys) ok |= CryptographicOperations.FixedTimeEquals(given, key);
        return ok;
    }
}
