using System.Text.Json;
using System.Text.Json.Serialization;
using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Authorization;

/// <summary>
/// A role: the actions it allows minus the ones it excludes, in the shape of an Azure role-definition JSON
/// (<c>Name</c>, <c>Description</c>, <c>Actions</c>, <c>NotActions</c>, <c>AssignableScopes</c>).
/// </summary>
public sealed record RoleDefinition
{
    /// <summary>The role name, unique on the server (case-insensitive).</summary>
    public required string Name { get; init; }
    /// <summary>What the role is for.</summary>
    public string Description { get; init; } = "";
    /// <summary>Allowed action patterns (<c>*</c> wildcards).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];
    /// <summary>Patterns subtracted from <see cref="Actions"/> of this role (another role may still grant them).</summary>
    public IReadOnlyList<string> NotActions { get; init; } = [];
    /// <summary>Scopes at (or below) which the role may be assigned.</summary>
    public IReadOnlyList<string> AssignableScopes { get; init; } = [Scopes.Server];
    /// <summary>False for the built-in roles.</summary>
    public bool IsCustom { get; init; }

    /// <summary>True when this role allows <paramref name="action"/>.</summary>
    public bool Allows(string action) =>
        Actions.Any(p => ActionPattern.Matches(p, action)) && !NotActions.Any(p => ActionPattern.Matches(p, action));

    /// <summary>True when the role may be assigned at <paramref name="scope"/>.</summary>
    public bool AssignableAt(string scope) => AssignableScopes.Any(s => Scopes.Covers(s, scope));

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>Serialises the role in Azure's role-definition shape.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and validates a custom role definition; errors name the field and list known actions.</summary>
    public static RoleDefinition ParseCustom(string json)
    {
        RoleDefinitionJson? raw;
        try { raw = JsonSerializer.Deserialize<RoleDefinitionJson>(json, Json); }
        catch (JsonException e) { throw MlpException.Invalid($"The role definition is not valid JSON at '{e.Path ?? "$"}': {e.Message}"); }
        if (raw is null) throw MlpException.Invalid("The role definition is empty.");
        if (raw.DataActions is { Count: > 0 } || raw.NotDataActions is { Count: > 0 })
            throw MlpException.Invalid("'DataActions' and 'NotDataActions' are not supported; put every action in 'Actions'.");
        var role = new RoleDefinition
        {
            Name = raw.Name ?? "",
            Description = raw.Description ?? "",
            Actions = raw.Actions ?? [],
            NotActions = raw.NotActions ?? [],
            AssignableScopes = raw.AssignableScopes is { Count: > 0 } s ? s.Select(Scopes.Parse).ToList() : [Scopes.Server],
            IsCustom = true,
        };
        var problems = Validate(role);
        if (problems.Count > 0) throw MlpException.Invalid($"Role definition '{role.Name}' is not valid:", problems);
        return role;
    }

    private static List<string> Validate(RoleDefinition role)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(role.Name) || role.Name.Length > 64 || role.Name.Any(char.IsControl))
            problems.Add("'Name' must be 1 to 64 printable characters");
        if (BuiltInRoles.Find(role.Name) is not null) problems.Add($"'Name' '{role.Name}' is a built-in role");
        if (role.Actions.Count == 0) problems.Add("'Actions' must list at least one action pattern");
        foreach (var (field, patterns) in new[] { ("Actions", role.Actions), ("NotActions", role.NotActions) })
            foreach (var p in patterns)
            {
                if (ActionPattern.Problem(p) is { } bad) problems.Add($"'{field}': {bad}");
                else if (!ActionCatalog.All.Any(a => ActionPattern.Matches(p, a.Name)))
                    problems.Add($"'{field}': '{p}' matches no action; known actions: {string.Join(", ", ActionCatalog.All.Select(a => a.Name))}");
            }
        return problems;
    }

    private sealed record RoleDefinitionJson(
        string? Name, string? Description, List<string>? Actions, List<string>? NotActions,
        List<string>? AssignableScopes, List<string>? DataActions, List<string>? NotDataActions, bool? IsCustom, string? Id);
}
