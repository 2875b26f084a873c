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
}
