using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

public sealed class DockerTargetTests
{
    [Fact]
    public async Task Create_DockerTargetWithoutEngine_FailsUnavailableAndRecordsWhy()
    {
        var previous = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socket = Path.Combine(Path.GetTempPath(), $"no-docker-{Guid.NewGuid():N}.sock");
        Environment.SetEnvironmentVariable("DOCKER_HOST", "unix://" + socket);
        try
        {
            await using var ws = new EndpointWorkspace();
            ws.AddModel("iris");
            await ws.Endpoints_.CreateAsync("iris");
            var e = await Assert.ThrowsAsync<MlpException>(() => ws.Deployments.CreateAsync(
                new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris", Target = "docker", Image = "mlp/iris:1" }));
            Assert.Equal(ErrorKind.Unavailable, e.Kind);
            Assert.Contains(socket, e.Message);
            var record = ws.Endpoints.FindDeployment("iris", "blue")!;
            Assert.Equal(DeploymentStatus.Failed, record.Status);
            Assert.Contains("not reachable", record.StatusReason);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previous);
        }
    }
}
