namespace MlPipelines.Server.Authorization;

/// <summary>
/// Every action the server checks, named like Azure ML's (<c>Microsoft.MachineLearningServices/workspaces/…</c> without
/// the provider prefix). Each API operation declares exactly one of these; the role matrix test runs every built-in role
/// against every entry. Append new actions here first.
/// </summary>
public static class ActionCatalog
{
    /// <summary>Read a workspace (and list workspaces).</summary>
    public const string WorkspaceRead = "workspaces/read";
    /// <summary>Create or update a workspace.</summary>
    public const string WorkspaceWrite = "workspaces/write";
    /// <summary>Delete a workspace.</summary>
    public const string WorkspaceDelete = "workspaces/delete";

    /// <summary>Read experiments and runs.</summary>
    public const string RunsRead = "workspaces/experiments/runs/read";
    /// <summary>Create runs and change their status, params and tags.</summary>
    public const string RunsWrite = "workspaces/experiments/runs/write";
    /// <summary>Read metric history.</summary>
    public const string MetricsRead = "workspaces/metrics/read";
    /// <summary>Log metric points to an existing run.</summary>
    public const string MetricsWrite = "workspaces/metrics/write";

    /// <summary>Read registered models.</summary>
    public const string ModelsRead = "workspaces/models/versions/read";
    /// <summary>Register models and move aliases.</summary>
    public const string ModelsWrite = "workspaces/models/versions/write";
    /// <summary>Delete model versions.</summary>
    public const string ModelsDelete = "workspaces/models/versions/delete";

    /// <summary>Read datasets.</summary>
    public const string DatasetsRead = "workspaces/datasets/versions/read";
    /// <summary>Register datasets.</summary>
    public const string DatasetsWrite = "workspaces/datasets/versions/write";
    /// <summary>Delete datasets.</summary>
    public const string DatasetsDelete = "workspaces/datasets/versions/delete";

    /// <summary>Read compute targets.</summary>
    public const string ComputesRead = "workspaces/computes/read";
    /// <summary>Create or update compute targets.</summary>
    public const string ComputesWrite = "workspaces/computes/write";
    /// <summary>Delete compute targets.</summary>
    public const string ComputesDelete = "workspaces/computes/delete";
    /// <summary>Read the secrets of a compute target.</summary>
    public const string ComputesListKeys = "workspaces/computes/listKeys/action";

    /// <summary>Read online endpoints.</summary>
    public const string EndpointsRead = "workspaces/onlineEndpoints/read";
    /// <summary>Create or update online endpoints and their traffic.</summary>
    public const string EndpointsWrite = "workspaces/onlineEndpoints/write";
    /// <summary>Read the auth keys of an online endpoint.</summary>
    public const string EndpointsListKeys = "workspaces/onlineEndpoints/listKeys/action";

    /// <summary>Read content-addressed blobs (outputs, snapshots, model and dataset files).</summary>
    public const string ArtifactsRead = "workspaces/artifacts/read";
    /// <summary>Upload content-addressed blobs.</summary>
    public const string ArtifactsWrite = "workspaces/artifacts/write";

    /// <summary>Read datastores.</summary>
    public const string DatastoresRead = "workspaces/datastores/read";
    /// <summary>Register datastores.</summary>
    public const string DatastoresWrite = "workspaces/datastores/write";

    /// <summary>Read scoring images.</summary>
    public const string ImagesRead = "workspaces/images/read";
    /// <summary>Record scoring images.</summary>
    public const string ImagesWrite = "workspaces/images/write";

    /// <summary>Delete online endpoints.</summary>
    public const string EndpointsDelete = "workspaces/onlineEndpoints/delete";
    /// <summary>Read the deployments of online endpoints.</summary>
    public const string DeploymentsRead = "workspaces/onlineEndpoints/deployments/read";
    /// <summary>Create or update deployments.</summary>
    public const string DeploymentsWrite = "workspaces/onlineEndpoints/deployments/write";
    /// <summary>Delete deployments.</summary>
    public const string DeploymentsDelete = "workspaces/onlineEndpoints/deployments/delete";

    /// <summary>List users and service principals.</summary>
    public const string IdentitiesRead = "identities/read";
    /// <summary>Create users and service principals.</summary>
    public const string IdentitiesWrite = "identities/write";
    /// <summary>List API tokens (never their secret).</summary>
    public const string TokensRead = "identities/tokens/read";
    /// <summary>Issue an API token for an identity.</summary>
    public const string TokensWrite = "identities/tokens/write";
    /// <summary>Revoke an API token.</summary>
    public const string TokensDelete = "identities/tokens/delete";

    /// <summary>List and show role definitions.</summary>
    public const string RoleDefinitionsRead = "roleDefinitions/read";
    /// <summary>Create or update custom role definitions.</summary>
    public const string RoleDefinitionsWrite = "roleDefinitions/write";
    /// <summary>Delete custom role definitions.</summary>
    public const string RoleDefinitionsDelete = "roleDefinitions/delete";
    /// <summary>List role assignments.</summary>
    public const string RoleAssignmentsRead = "roleAssignments/read";
    /// <summary>Assign a role.</summary>
    public const string RoleAssignmentsWrite = "roleAssignments/write";
    /// <summary>Remove a role assignment.</summary>
    public const string RoleAssignmentsDelete = "roleAssignments/delete";

    /// <summary>Read environments and their builds.</summary>
    public const string EnvironmentsRead = "workspaces/environments/read";
    /// <summary>Record or build environments.</summary>
    public const string EnvironmentsWrite = "workspaces/environments/write";
    /// <summary>Forget environment versions.</summary>
    public const string EnvironmentsDelete = "workspaces/environments/delete";

    /// <summary>Read the audit log.</summary>
    public const string AuditRead = "audit/read";

    /// <summary>Every action with what it allows, in catalogue order.</summary>
    public static IReadOnlyList<ActionInfo> All { get; } =
    [
        new(WorkspaceRead, "Read a workspace and list workspaces"),
        new(WorkspaceWrite, "Create or update a workspace"),
        new(WorkspaceDelete, "Delete a workspace"),
        new(RunsRead, "Read experiments and runs"),
        new(RunsWrite, "Create runs; change status, params, tags"),
        new(MetricsRead, "Read metric history"),
        new(MetricsWrite, "Log metric points to an existing run"),
        new(ModelsRead, "Read registered models"),
        new(ModelsWrite, "Register models, move aliases"),
        new(ModelsDelete, "Delete model versions"),
        new(DatasetsRead, "Read datasets"),
        new(DatasetsWrite, "Register datasets"),
        new(DatasetsDelete, "Delete datasets"),
        new(ComputesRead, "Read compute targets"),
        new(ComputesWrite, "Create or update compute targets"),
        new(ComputesDelete, "Delete compute targets"),
        new(ComputesListKeys, "Read compute target secrets"),
        new(EndpointsRead, "Read online endpoints"),
        new(EndpointsWrite, "Create or update online endpoints and traffic"),
        new(EndpointsListKeys, "Read online endpoint auth keys"),
        new(ArtifactsRead, "Read blobs (outputs, snapshots, model and dataset files)"),
        new(ArtifactsWrite, "Upload blobs"),
        new(DatastoresRead, "Read datastores"),
        new(DatastoresWrite, "Register datastores"),
        new(ImagesRead, "Read scoring images"),
        new(ImagesWrite, "Record scoring images"),
        new(EnvironmentsRead, "Read environments and their builds"),
        new(EnvironmentsWrite, "Record or build environments"),
        new(EnvironmentsDelete, "Forget environment versions"),
        new(EndpointsDelete, "Delete online endpoints"),
        new(DeploymentsRead, "Read deployments"),
        new(DeploymentsWrite, "Create or update deployments"),
        new(DeploymentsDelete, "Delete deployments"),
        new(IdentitiesRead, "List users and service principals"),
        new(IdentitiesWrite, "Create users and service principals"),
        new(TokensRead, "List API tokens (never their secret)"),
        new(TokensWrite, "Issue an API token"),
        new(TokensDelete, "Revoke an API token"),
        new(RoleDefinitionsRead, "List and show role definitions"),
        new(RoleDefinitionsWrite, "Create custom role definitions"),
        new(RoleDefinitionsDelete, "Delete custom role definitions"),
        new(RoleAssignmentsRead, "List role assignments"),
        new(RoleAssignmentsWrite, "Assign a role"),
        new(RoleAssignmentsDelete, "Remove a role assignment"),
        new(AuditRead, "Read the audit log"),
    ];

    /// <summary>True when <paramref name="action"/> is in the catalogue (case-insensitive, like Azure).</summary>
    public static bool Contains(string action) => All.Any(a => string.Equals(a.Name, action, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One catalogued action and what it allows.</summary>
public sealed record ActionInfo(string Name, string Description);
