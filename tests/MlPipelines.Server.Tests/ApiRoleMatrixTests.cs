using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Server.Api;
using MlPipelines.Server.Authorization;

namespace MlPipelines.Server.Tests;

/// <summary>
/// Every built-in role × every mapped API operation, over real HTTPS: generated from the endpoints' declared actions.
/// Route values name things that do not exist, so an allowed call answers 2xx/400/404 and changes nothing, while a
/// denied one is 403 naming the action.
/// </summary>
public class ApiRoleMatrixTests
{
    [Fact]
    public async Task Api_EveryBuiltInRoleOnEveryOperation_AllowedOrDeniedAsAzureSays()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        var operations = server.Host.Endpoints().OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Required: e.Metadata.GetMetadata<RequiresAction>(), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()))
            .Where(o => o.Required is { Scope: not ScopeSource.PerItem } && o.Methods is not null)
            .ToList();
        Assert.True(operations.Count >= 20);
        Assert.Contains(operations, o => o.Required!.Action == ActionCatalog.RunsWrite);

        var failures = new List<string>();
        foreach (var role in BuiltInRoles.All)
        {
            var user = "u" + role.Name.Replace(" ", "").ToLowerInvariant();
            await admin.Post("/api/v1/identities", new { name = user });
            await admin.Post("/api/v1/roleAssignments", new { principal = user, role = role.Name });
            var secret = (await (await admin.Post("/api/v1/tokens", new { principal = user })).Json()).GetProperty("secret").GetString();
            using var client = server.Client(secret);
            foreach (var (endpoint, required, methods) in operations)
            {
                var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, "{[^}]+}", "ghost");
                var method = new HttpMethod(methods!.HttpMethods[0]);
                var request = new HttpRequestMessage(method, path);
                if (method == HttpMethod.Post) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request);
                var allowed = RoleMatrixTests.Expected[role.Name](required!.Action);
                var body = await response.Content.ReadAsStringAsync();
                if (allowed && response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or >= HttpStatusCode.InternalServerError)
                    failures.Add($"{role.Name} {method} {path}: expected allowed, got {(int)response.StatusCode} {body}");
                if (!allowed && (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains($"needs action '{required.Action}'")))
                    failures.Add($"{role.Name} {method} {path}: expected 403 naming '{required.Action}', got {(int)response.StatusCode} {body}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(1 + BuiltInRoles.All.Count, server.Host.Store.Identities.List().Count);
        Assert.Empty(server.Host.Store.Workspaces.List()); // nothing was created by the matrix
    }
}
