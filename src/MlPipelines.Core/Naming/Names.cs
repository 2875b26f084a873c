using MlPipelines.Core.Errors;

namespace MlPipelines.Core.Naming;

/// <summary>The one place names are validated: letters, digits, '-', '_', '.', 1–128 characters.</summary>
public static class Names
{
    /// <summary>Maximum length of a name.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="name"/> is a valid name.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name != "." && name != ".." &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Returns the name or throws an <see cref="MlpException"/> quoting it, e.g. "Invalid experiment name 'a b'…".</summary>
    public static string Validate(string kind, string? name)
    {
        if (IsValid(name)) return name!;
        var why = string.IsNullOrEmpty(name) ? "it is empty"
            : name.Length > MaxLength ? $"it has {name.Length} characters"
            : $"character '{name.First(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))}' is not allowed";
        if (name is "." or "..") why = "it is reserved";
        throw MlpException.Invalid($"Invalid {kind} name '{name}': {why}; expected 1–{MaxLength} letters, digits, '-', '_' or '.'.");
    }

    /// <summary>Maximum length of a metric, param or tag key (MLflow's limit).</summary>
    public const int MaxKeyLength = 250;

    /// <summary>
    /// True when <paramref name="key"/> is a valid metric, param or tag key. Keys follow MLflow's rule, so what MLflow
    /// clients log fits: letters, digits, '_', '-', '.', ' ', ':' and '/' (e.g. <c>train/loss</c>), 1–250 characters,
    /// and a key read as a path must not resolve to another key (no leading or trailing '/', no '//', no '.' or '..' segment).
    /// </summary>
    public static bool IsValidKey(string? key) => KeyProblem(key) is null;

    /// <summary>Returns the key or throws an <see cref="MlpException"/> quoting it and saying what is wrong.</summary>
    public static string ValidateKey(string kind, string? key)
    {
        if (KeyProblem(key) is not { } why) return key!;
        throw MlpException.Invalid($"Invalid {kind} name '{key}': {why}; expected 1–{MaxKeyLength} letters, digits, '_', '-', '.', ' ', ':' or '/' that do not read as a different path.");
    }

    private static string? KeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "it is empty";
        if (key.Length > MaxKeyLength) return $"it has {key.Length} characters";
        foreach (var c in key)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or ':' or '/'))
                return c < ' ' ? $"control character U+{(int)c:X4} is not allowed" : $"character '{c}' is not allowed";
        if (key[0] == '/' || key[^1] == '/') return "it starts or ends with '/'";
        if (key.Contains("//", StringComparison.Ordinal)) return "it contains '//'";
        if (key.Split('/').Any(segment => segment is "." or "..")) return "it has a '.' or '..' segment";
        return null;
    }
}
