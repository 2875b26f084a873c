using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>A workspace's description, settings, statistics and step cache.</summary>
internal static class WorkspaceDataEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/stats", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Stats() with { Warnings = [] })
            .Requires(A.WorkspaceRead, ScopeSource.Workspace).WithSummary("Counts and sizes (server-side file warnings are for the server's operator)");
        ws.MapGet("/settings", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Settings)
            .Requires(A.WorkspaceRead, ScopeSource.Workspace).WithSummary("Workspace settings");
        ws.MapPut("/settings/{key}", (string workspace, string key, SettingRequest body, HostedWorkspaces hosted) =>
            {
                Names.Validate("setting", key);
                hosted.Open(workspace).SetSetting(key, Limits.Text("value", body.Value, 4096) ?? throw MlpException.Invalid("'value' is missing."));
                return Results.NoContent();
            })
            .Requires(A.WorkspaceWrite, ScopeSource.Workspace).WithSummary("Set a workspace setting");

        var cache = ws.MapGroup("/cache");
        cache.MapGet("/entries/{key}", (string workspace, string key, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Cache.Find(key) ?? throw new MlpException(ErrorKind.NotFound, $"No step cache entry '{key}'."))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("A step cache entry by key");
        cache.MapGet("/latest", (string workspace, string pipeline, string step, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Cache.Latest(pipeline, step) ?? throw new MlpException(ErrorKind.NotFound, $"No step cache entry for step '{step}' of pipeline '{pipeline}'."))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("The newest cache entry of a pipeline step");
        cache.MapPut("/entries/{key}", (string workspace, string key, CacheEntry body, HostedWorkspaces hosted) =>
            {
                if (body.Key != key) throw MlpException.Invalid($"'key' is '{body.Key}' but the path names '{key}'.");
                Limits.Text("key", key, 256);
                var w = hosted.Open(workspace);
                w.Runs.GetRun(body.RunId); // an entry points at a run of this workspace
                w.Cache.Put(body);
                return Results.NoContent();
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Record a step cache entry");
    }
}
