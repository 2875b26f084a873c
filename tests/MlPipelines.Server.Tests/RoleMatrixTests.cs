using MlPipelines.Server.Authorization;

namespace MlPipelines.Server.Tests;

/// <summary>Every built-in role × every catalogued action, against Azure's semantics written as rules on action names.</summary>
public class RoleMatrixTests
{
    private static bool IsAccessManagement(string a) => a.StartsWith("roleAssignments/") || a.StartsWith("roleDefinitions/") || a.StartsWith("identities/");

    // The expected semantics, stated independently of the role definitions' patterns.
    internal static readonly Dictionary<string, Func<string, bool>> Expected = new()
    {
        ["Owner"] = _ => true,
        ["Contributor"] = a => !IsAccessManagement(a) || a.EndsWith("/read"),
        ["Reader"] = a => a.EndsWith("/read"),
        ["AzureML Data Scientist"] = a => a.StartsWith("workspaces/") && a is not ("workspaces/write" or "workspaces/delete")
            && !(a.StartsWith("workspaces/computes/") && a != "workspaces/computes/read"),
        ["AzureML Metrics Writer"] = a => a == "workspaces/metrics/write",
        ["AzureML Compute Operator"] = a => a.StartsWith("workspaces/computes/"),
    };

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in BuiltInRoles.All)
            foreach (var action in ActionCatalog.All)
                data.Add(role.Name, action.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Evaluate_BuiltInRoleAtWorkspace_MatchesAzureSemantics(string roleName, string action)
    {
        var assignment = new RoleAssignment("ra_1", "usr_b", roleName, Scopes.Workspace("team"), DateTimeOffset.UnixEpoch);
        var decision = AccessEvaluator.Evaluate([assignment], BuiltInRoles.Find, Scopes.Workspace("team"), action);
        Assert.Equal(Expected[roleName](action), decision.Allowed);
        if (!decision.Allowed) Assert.Equal($"needs action '{action}' on scope '/workspaces/team'", decision.Message);
    }

    [Fact]
    public void Matrix_EveryBuiltInRoleHasExpectations()
    {
        Assert.Equal(BuiltInRoles.All.Select(r => r.Name).Order(), Expected.Keys.Order());
        Assert.True(ActionCatalog.All.Count >= 30);
        Assert.Equal(ActionCatalog.All.Count, ActionCatalog.All.Select(a => a.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("Reader", ActionCatalog.RunsWrite, false)]
    [InlineData("Reader", ActionCatalog.RunsRead, true)]
    [InlineData("AzureML Metrics Writer", ActionCatalog.MetricsWrite, true)]
    [InlineData("AzureML Metrics Writer", ActionCatalog.RunsWrite, false)]
    [InlineData("AzureML Metrics Writer", ActionCatalog.RunsRead, false)]
    [InlineData("Contributor", ActionCatalog.RoleAssignmentsWrite, false)]
    [InlineData("Contributor", ActionCatalog.RoleAssignmentsRead, true)]
    [InlineData("Contributor", ActionCatalog.WorkspaceDelete, true)]
    [InlineData("AzureML Data Scientist", ActionCatalog.ComputesWrite, false)]
    [InlineData("AzureML Data Scientist", ActionCatalog.ComputesListKeys, false)]
    [InlineData("AzureML Data Scientist", ActionCatalog.ModelsWrite, true)]
    [InlineData("AzureML Data Scientist", ActionCatalog.EndpointsListKeys, true)]
    [InlineData("AzureML Data Scientist", ActionCatalog.WorkspaceWrite, false)]
    [InlineData("AzureML Compute Operator", ActionCatalog.ComputesListKeys, true)]
    [InlineData("AzureML Compute Operator", ActionCatalog.RunsRead, false)]
    [InlineData("Owner", ActionCatalog.RoleAssignmentsDelete, true)]
    public void Evaluate_KnownCases(string role, string action, bool allowed) =>
        Assert.Equal(allowed, AccessEvaluator.Evaluate([new("ra", "p", role, "/", DateTimeOffset.UnixEpoch)], BuiltInRoles.Find, "/", action).Allowed);

    [Fact]
    public void Evaluate_WorkspaceAssignment_DoesNotReachOtherWorkspacesOrServer()
    {
        RoleAssignment[] a = [new("ra", "p", "Owner", Scopes.Workspace("a"), DateTimeOffset.UnixEpoch)];
        Assert.True(AccessEvaluator.Evaluate(a, BuiltInRoles.Find, Scopes.Workspace("a"), ActionCatalog.RunsWrite).Allowed);
        Assert.False(AccessEvaluator.Evaluate(a, BuiltInRoles.Find, Scopes.Workspace("ab"), ActionCatalog.RunsWrite).Allowed);
        Assert.False(AccessEvaluator.Evaluate(a, BuiltInRoles.Find, Scopes.Server, ActionCatalog.IdentitiesWrite).Allowed);
    }

    [Fact]
    public void Evaluate_NotActionsOfOneRole_DoNotCancelAnotherRole()
    {
        RoleAssignment[] a =
        [
            new("ra1", "p", "Contributor", "/", DateTimeOffset.UnixEpoch),
            new("ra2", "p", "Owner", Scopes.Workspace("w"), DateTimeOffset.UnixEpoch),
        ];
        var d = AccessEvaluator.Evaluate(a, BuiltInRoles.Find, Scopes.Workspace("w"), ActionCatalog.RoleAssignmentsWrite);
        Assert.True(d.Allowed);
        Assert.Equal("Owner", d.GrantedBy);
        Assert.False(AccessEvaluator.Evaluate(a, BuiltInRoles.Find, Scopes.Server, ActionCatalog.RoleAssignmentsWrite).Allowed);
    }

    [Fact]
    public void Evaluate_NoAssignments_DeniedNamingTheAction() =>
        Assert.Equal("needs action 'audit/read' on scope '/'", AccessEvaluator.Evaluate([], BuiltInRoles.Find, "/", ActionCatalog.AuditRead).Message);
}
