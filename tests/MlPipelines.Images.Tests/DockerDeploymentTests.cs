using MlPipelines.Containers;

namespace MlPipelines.Images.Tests;

/// <summary>
/// The <c>docker</c> deployment target against a real engine: a registered model's image runs as a container behind an
/// endpoint, answers through the router, and deleting the deployment removes the container.
/// </summary>
public sealed class DockerDeploymentTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [RequiresDockerAndRegistryFact]
    public async Task DeploymentCreate_DockerTarget_ServesThroughEndpointAsNonRootOnlyAndDeleteRemovesContainer()
    {
        var factor = Random.Shared.Next(2, 1000);
        _ws.RegisterSumModel("sumdock", factor);
        var host = Services.DockerHost;
        try
        {
            var build = _ws.Mlp(host, "image", "build", "sumdock@champion", "--base-image", Services.BaseImage);
            Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
            Assert.Equal(0, _ws.Mlp(host, "endpoint", "create", "sums").ExitCode);

            var create = _ws.Mlp(host, "deployment", "create", "sums", "box", "--model", "sumdock@champion", "--target", "docker");
            Assert.True(create.ExitCode == 0, create.Stdout + create.Stderr);
            Assert.Contains("Healthy", create.Stdout);
            var deployment = _ws.Json(host, "deployment", "show", "sums", "box");
            var containerId = deployment.GetProperty("instances")[0].GetProperty("containerId").GetString();
            Assert.False(string.IsNullOrEmpty(containerId));

            var invoke = _ws.Mlp(host, "endpoint", "invoke", "sums", "--deployment", "box", "--data", """{"x":[1,2]}""");
            Assert.True(invoke.ExitCode == 0, invoke.Stdout + invoke.Stderr);
            Assert.Contains($"{{\"y\":{3 * factor}}}", invoke.Stdout);

            // The scoring container does not run as root (templates/scoring USER 1654).
            var whoami = _ws.Mlp(host, "endpoint", "invoke", "sums", "--deployment", "box", "--data", """{"whoami":true}""");
            Assert.True(whoami.ExitCode == 0, whoami.Stdout + whoami.Stderr);
            Assert.Contains("\"uid\":\"1654\"", whoami.Stdout);

            // The container's port answers only the router, which holds the deployment's instance secret.
            using (var direct = new HttpClient())
            {
                var address = deployment.GetProperty("instances")[0].GetProperty("address").GetString()!;
                using var r = await direct.PostAsync(address + "/score", new StringContent("""{"x":[1,2]}"""));
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, r.StatusCode);
            }

            var delete = _ws.Mlp(host, "deployment", "delete", "sums", "box");
            Assert.True(delete.ExitCode == 0, delete.Stdout + delete.Stderr);
            using var engine = new DockerEngineClient(DockerEndpoint.Parse(host));
            await Assert.ThrowsAnyAsync<Exception>(() => engine.InspectContainerAsync(containerId!));
        }
        finally
        {
            _ws.Mlp(host, "endpoint", "stop");
        }
    }
}
