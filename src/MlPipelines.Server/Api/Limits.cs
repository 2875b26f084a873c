using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Api;

/// <summary>Field checks shared by the handlers: each failure is a 400 naming the field and the limit.</summary>
internal static class Limits
{
    /// <summary>Checks the length of an optional text field.</summary>
    public static string? Text(string field, string? value, int max) => value is { Length: var n } && n > max
        ? throw MlpException.Invalid($"'{field}' has {n} characters; the limit is {max}.")
        : value;

    /// <summary>Checks a content hash (64 lowercase hex digits).</summary>
    public static string Hash(string field, string? value) =>
        Core.Hashing.ContentHash.IsValid(value)
            ? value! : throw MlpException.Invalid($"'{field}' is '{Short(value)}'; expected a SHA-256 content hash (64 lowercase hex digits).");

    /// <summary>Checks the size of a list in a request.</summary>
    public static IReadOnlyList<T> Count<T>(string field, IReadOnlyList<T>? items, int max) => items switch
    {
        null => throw MlpException.Invalid($"'{field}' is missing."),
        { Count: var n } when n > max => throw MlpException.Invalid($"'{field}' has {n} items; the limit is {max} per request. Send several requests."),
        _ => items,
    };

    private static string Short(string? s) => s is null ? "" : s.Length > 80 ? s[..80] + "…" : s;
}
