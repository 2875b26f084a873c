using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MlPipelines.Endpoints.Routing;

/// <summary>Checks <c>Authorization: Bearer KEY</c> against the primary and secondary key in constant time.</summary>
internal static class KeyCheck
{
    public static bool IsAuthorized(string? authorization, RouteTable table)
    {
        if (string.IsNullOrEmpty(authorization)) return false;
        var span = authorization.AsSpan().Trim();
        const string scheme = "Bearer ";
        if (span.Length <= scheme.Length || !span.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var key = span[scheme.Length..].Trim();
        // Both comparisons always run so timing does not reveal which key matched.
        var primary = Matches(key, table.PrimaryKey);
        var secondary = Matches(key, table.SecondaryKey);
        return primary | secondary;
    }

    private static bool Matches(ReadOnlySpan<char> given, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(given), MemoryMarshal.AsBytes(expected.AsSpan()));
}
