using MlPipelines.Core.Runs;
using MlPipelines.Server.Identity;

namespace MlPipelines.Server.Api;

/// <summary>Body of <c>POST /api/v1/workspaces</c>.</summary>
public sealed record CreateWorkspaceRequest(string Name);

/// <summary>A workspace as listed by the server.</summary>
public sealed record WorkspaceView(string Name, DateTimeOffset CreatedAt, string CreatedBy)
{
    /// <summary>The store kind (<c>sqlite</c>, <c>postgresql</c>), when the workspace was opened for this answer.</summary>
    public string? Kind { get; init; }
    /// <summary>The store's schema version, with <see cref="Kind"/>.</summary>
    public int? SchemaVersion { get; init; }
}

/// <summary>Body of <c>POST /api/v1/identities</c>.</summary>
public sealed record CreateIdentityRequest(string Name, PrincipalKind Kind = PrincipalKind.User);

/// <summary>Body of <c>POST /api/v1/tokens</c>: for whom, why, and for how long (no expiry when omitted).</summary>
public sealed record CreateTokenRequest(string Principal, string? Description = null, double? ExpiresInDays = null);

/// <summary>Body of <c>POST …/roleAssignments</c>: the scope is the URL's (server or workspace).</summary>
public sealed record AssignRoleRequest(string Principal, string Role);

/// <summary>A role assignment with the principal's name.</summary>
public sealed record AssignmentView(string Id, string Principal, string PrincipalId, string Role, string Scope, DateTimeOffset CreatedAt);

/// <summary>Who the caller is and what roles they hold.</summary>
public sealed record WhoAmI(Principal Principal, string TokenId, IReadOnlyList<AssignmentView> Assignments);

/// <summary>Body of <c>POST …/runs</c>.</summary>
public sealed record CreateRunRequest(string Experiment, string? DisplayName = null, string? ParentRunId = null, string? Kind = null,
    Dictionary<string, string>? Params = null, Dictionary<string, string>? Tags = null, RunStatus Status = RunStatus.Queued);

