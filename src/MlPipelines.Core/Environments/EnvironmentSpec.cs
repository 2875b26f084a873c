using System.Text.RegularExpressions;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Core.Environments;

/// <summary>
/// What an environment definition may hold, by kind (as in Azure ML): <b>curated</b> (shipped, a base image plus
/// packages), <b>system-managed</b> (your base image plus apt/pip/conda packages and variables, rendered to a Dockerfile),
/// <b>user-managed</b> (your Dockerfile and build context, or an image reference used as it is). Pure data and checks.
/// </summary>
public static partial class EnvironmentSpec
{
    /// <summary>Shipped with MlPipelines.</summary>
    public const string Curated = "curated";
    /// <summary>A base image plus package lists; MlPipelines renders the Dockerfile.</summary>
    public const string SystemManaged = "system-managed";
    /// <summary>The user's Dockerfile (and context) or image.</summary>
    public const string UserManaged = "user-managed";

    /// <summary>The kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Curated, SystemManaged, UserManaged];

    /// <summary>Fields of curated and system-managed definitions.</summary>
    public static IReadOnlyList<string> ManagedFields { get; } = ["apt", "base", "conda", "pip", "runtime", "variables", "version"];

    /// <summary>Fields of user-managed definitions.</summary>
    public static IReadOnlyList<string> UserFields { get; } = ["context", "dockerfile", "image"];

    /// <summary>
    /// Checks a definition and returns it sorted: known fields for its kind, a base for managed kinds, exactly one of image
    /// or Dockerfile for user-managed ones, package specs without quotes or spaces, variables as NAME=value pairs.
    /// </summary>
    public static SortedDictionary<string, string> Validate(string name, string kind, IReadOnlyDictionary<string, string> fields)
    {
        var q = $"Environment '{name}'";
        if (!Kinds.Contains(kind)) throw MlpException.Invalid($"{q} has kind '{kind}'; expected one of {string.Join(", ", Kinds.Select(k => $"'{k}'"))}.");
        var allowed = kind == UserManaged ? UserFields : ManagedFields;
        var unknown = fields.Keys.Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw MlpException.Invalid($"{q} ({kind}) has no field {string.Join(", ", unknown.Select(u => $"'{u}'"))}; its fields are {string.Join(", ", allowed.Select(a => $"'{a}'"))}.");
        foreach (var (k, v) in fields)
        {
            if (string.IsNullOrWhiteSpace(v)) throw MlpException.Invalid($"{q} has an empty '{k}'.");
            if (v.Length > 8192 || v.Any(char.IsControl)) throw MlpException.Invalid($"{q}: '{k}' must be one line of at most 8192 characters.");
        }
        if (kind == UserManaged)
        {
            if (fields.ContainsKey("image") == fields.ContainsKey("dockerfile"))
                throw MlpException.Invalid($"{q} is user-managed: give either an image reference or a Dockerfile (with its build context), not {(fields.ContainsKey("image") ? "both" : "neither")}.");
            if (fields.ContainsKey("context") && !fields.ContainsKey("dockerfile")) throw MlpException.Invalid($"{q}: a build context goes with a Dockerfile.");
            if (fields.TryGetValue("image", out var image)) CheckImage(q, image);
        }
        else
        {
            if (!fields.TryGetValue("base", out var image)) throw MlpException.Invalid($"{q} ({kind}) needs a base image.");
            CheckImage(q, image);
            foreach (var list in new[] { "apt", "pip" })
                foreach (var p in Split(fields.GetValueOrDefault(list)))
                    if (!Package().IsMatch(p)) throw MlpException.Invalid($"{q}: {list} package '{p}' is not a package spec (letters, digits and . _ - + = < > ! ~ [ ] : @ /; no spaces, commas or quotes).");
            foreach (var pair in Split(fields.GetValueOrDefault("variables")))
                if (pair.Split('=', 2) is not [var key, _] || !Variable().IsMatch(key))
                    throw MlpException.Invalid($"{q}: variable '{pair}' is not NAME=value with NAME of letters, digits and '_'.");
        }
        return new SortedDictionary<string, string>(fields.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>The hash of a definition as written (kind and sorted fields); the version adds the files it builds from.</summary>
    public static string DefinitionHash(string kind, IReadOnlyDictionary<string, string> fields) =>
        ContentHash.OfParts(new[] { KeyValuePair.Create("kind", kind) }.Concat(fields.OrderBy(f => f.Key, StringComparer.Ordinal)));

    /// <summary>A comma-separated field as its items.</summary>
    public static IReadOnlyList<string> Split(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static void CheckImage(string q, string image)
    {
        if (!Image().IsMatch(image)) throw MlpException.Invalid($"{q}: '{image}' is not an image reference (e.g. python:3.11-slim, registry:5000/team/img:tag, img@sha256:…).");
    }

    [GeneratedRegex(@"^[A-Za-z0-9._+\-=<>!~\[\]:@/]+$")]
    private static partial Regex Package();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9._\-/:]*[a-z0-9])?(@sha256:[a-f0-9]{64})?$|^[a-z0-9][a-z0-9._\-/:]*@sha256:[a-f0-9]{64}$", RegexOptions.IgnoreCase)]
    private static partial Regex Image();
}
