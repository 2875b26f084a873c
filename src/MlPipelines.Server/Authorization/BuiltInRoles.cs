namespace MlPipelines.Server.Authorization;

/// <summary>The built-in roles, with Azure ML's names and semantics.</summary>
public static class BuiltInRoles
{
    /// <summary>Everything, including role assignments.</summary>
    public static RoleDefinition Owner { get; } = new()
    {
        Name = "Owner",
        Description = "Full access, including assigning roles.",
        Actions = ["*"],
    };

    /// <summary>Everything except managing access (role assignments, role definitions, identities and their tokens).</summary>
    public static RoleDefinition Contributor { get; } = new()
    {
        Name = "Contributor",
        Description = "Full access to workspaces and their content, but cannot grant access.",
        Actions = ["*"],
        // Azure's Contributor excludes Microsoft.Authorization/*/Write and */Delete. Issuing tokens or creating identities
        // is granting access too (a token for an Owner is the Owner), so those are excluded as well.
        NotActions = ["roleAssignments/write", "roleAssignments/delete", "roleDefinitions/write", "roleDefinitions/delete",
            "identities/write", "identities/tokens/write", "identities/tokens/delete"],
    };

    /// <summary>Every read, nothing else.</summary>
    public static RoleDefinition Reader { get; } = new()
    {
        Name = "Reader",
        Description = "Read everything; change nothing.",
        Actions = ["*/read"],
    };

    /// <summary>All workspace actions except managing the workspace itself and compute.</summary>
    public static RoleDefinition DataScientist { get; } = new()
    {
        Name = "AzureML Data Scientist",
        Description = "Work in a workspace (runs, metrics, models, datasets, endpoints) without managing it or its compute.",
        Actions = ["workspaces/*"],
        NotActions = ["workspaces/write", "workspaces/delete", "workspaces/computes/write", "workspaces/computes/delete",
            "workspaces/computes/listKeys/action"],
    };

    /// <summary>Only metric writes.</summary>
    public static RoleDefinition MetricsWriter { get; } = new()
    {
        Name = "AzureML Metrics Writer",
        Description = "Log metrics to existing runs, nothing else (for step processes and CI).",
        Actions = ["workspaces/metrics/write"],
    };

    /// <summary>Everything on compute targets.</summary>
    public static RoleDefinition ComputeOperator { get; } = new()
    {
        Name = "AzureML Compute Operator",
        Description = "Create, manage and delete compute targets.",
        Actions = ["workspaces/computes/*"],
    };

    /// <summary>All built-in roles.</summary>
    public static IReadOnlyList<RoleDefinition> All { get; } = [Owner, Contributor, Reader, DataScientist, MetricsWriter, ComputeOperator];

    /// <summary>A built-in role by name (case-insensitive), or null.</summary>
    public static RoleDefinition? Find(string name) => All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
