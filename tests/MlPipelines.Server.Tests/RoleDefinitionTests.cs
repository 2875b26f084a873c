using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;

namespace MlPipelines.Server.Tests;

public class RoleDefinitionTests
{
    [Theory]
    [InlineData("*", "workspaces/experiments/runs/write", true)]
    [InlineData("*/read", "workspaces/experiments/runs/read", true)]
    [InlineData("*/read", "workspaces/experiments/runs/write", false)]
    [InlineData("workspaces/computes/*", "workspaces/computes/listKeys/action", true)]
    [InlineData("workspaces/computes/*", "workspaces/computesx", false)]
    [InlineData("workspaces/*/versions/read", "workspaces/models/versions/read", true)]
    [InlineData("Workspaces/Metrics/WRITE", "workspaces/metrics/write", true)]
    [InlineData("workspaces/metrics/write", "workspaces/metrics/writer", false)]
    public void Matches_Wildcards(string pattern, string action, bool expected) => Assert.Equal(expected, ActionPattern.Matches(pattern, action));

    [Fact]
    public void ParseCustom_AzureShape_AllowsAndExcludes()
    {
        var role = RoleDefinition.ParseCustom("""
            { "Name": "Model Publisher", "IsCustom": true, "Description": "Registers models.",
              "Actions": ["workspaces/models/*", "workspaces/experiments/runs/read"],
              "NotActions": ["workspaces/models/versions/delete"], "DataActions": [], "NotDataActions": [],
              "AssignableScopes": ["/workspaces/team"] }
            """);
        Assert.True(role.Allows(ActionCatalog.ModelsWrite));
        Assert.False(role.Allows(ActionCatalog.ModelsDelete));
        Assert.False(role.Allows(ActionCatalog.RunsWrite));
        Assert.True(role.AssignableAt("/workspaces/team"));
        Assert.False(role.AssignableAt("/"));
        Assert.Equal(role.ToJson(), RoleDefinition.ParseCustom(role.ToJson()).ToJson());
    }

    [Fact]
    public void ParseCustom_TypoInAction_InvalidListingKnownActions()
    {
        var e = Assert.Throws<MlpException>(() => RoleDefinition.ParseCustom("""{"Name":"x","Actions":["workspaces/experiment/runs/write"]}"""));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'Actions': 'workspaces/experiment/runs/write' matches no action; known actions: workspaces/read", e.Message);
    }

    [Theory]
    [InlineData("""{"Name":"Owner","Actions":["*"]}""", "is a built-in role")]
    [InlineData("""{"Name":"x","Actions":[]}""", "'Actions' must list at least one")]
    [InlineData("""{"Name":"x","Actions":["*"],"Colour":"red"}""", "Colour")]
    [InlineData("""{"Name":"x","Actions":"*"}""", "'$.Actions'")]
    [InlineData("""{"Name":"x","Actions":["*"],"AssignableScopes":["/subscriptions/1"]}""", "Scope '/subscriptions/1' is not valid")]
    [InlineData("""{"Name":"x","Actions":["*"],"DataActions":["a"]}""", "'DataActions'")]
    public void ParseCustom_Invalid_NamesTheField(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<MlpException>(() => RoleDefinition.ParseCustom(json)).Message);
}
