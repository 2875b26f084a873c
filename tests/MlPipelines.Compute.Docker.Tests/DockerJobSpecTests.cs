using MlPipelines.Containers;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Docker.Tests;

public sealed class DockerJobSpecTests
{
    [Theory]
    [InlineData("run-0001/train", "mlp-run-0001-train-")]
    [InlineData("  ", "mlp-job-")]
    [InlineData(null, "mlp-job-")]
    [InlineData("Ünïcode step", "mlp-n-code-step-")]
    public void ContainerName_AnyJobName_EngineSafeWithRandomSuffix(string? jobName, string prefix)
    {
        var name = DockerJobSpec.ContainerName(jobName);
        Assert.StartsWith(prefix, name);
        Assert.Matches("^[a-zA-Z0-9][a-zA-Z0-9_.-]+-[0-9a-f]{8}$", name);
        Assert.NotEqual(name, DockerJobSpec.ContainerName(jobName));
    }

    [Fact]
    public void ContainerName_LongJobName_Shortened()
    {
        Assert.True(DockerJobSpec.ContainerName(new string('a', 300)).Length <= 4 + 40 + 9);
    }

    [Fact]
    public void Create_Job_MountsReadOnlyExceptOutputs()
    {
        var work = Directory.CreateTempSubdirectory("mlp-spec-work-").FullName;
        var data = Directory.CreateTempSubdirectory("mlp-spec-data-").FullName;
        var shared = Directory.CreateTempSubdirectory("mlp-spec-shared-").FullName;
        var outputs = Path.Combine(work, "outputs");
        var job = new ComputeJob("python", ["train.py", "--epochs", "3"])
        {
            WorkingDirectory = work, ReadOnlyPaths = [data, data + "/", work], OutputDirectory = outputs, Name = "run-1",
            Environment = new Dictionary<string, string?> { ["B"] = "2", ["A"] = "x=y", ["GONE"] = null },
            Resources = new ComputeResources(Cpus: 2, Gpus: 1),
        };
        var options = new DockerComputeOptions("box") { MemoryMb = 512, Cpus = 1, Mounts = [shared] };

        var spec = DockerJobSpec.Create(job, options, "img:1", "mlp-run-1-00000000");

        Assert.Equal(
            [new ContainerMount(work, work, true), new ContainerMount(data, data, true), new ContainerMount(shared, shared, true), new ContainerMount(outputs, outputs, false)],
            spec.Mounts);
        Assert.True(Directory.Exists(outputs));
        Assert.Equal("python", spec.Entrypoint);
        Assert.Equal(["train.py", "--epochs", "3"], spec.Command);
        Assert.Equal(work, spec.WorkingDirectory);
        Assert.Equal(["A=x=y", "B=2", "GONE"], spec.Env);
        Assert.Equal((2.0, 512L * 1024 * 1024, 1), (spec.Cpus!.Value, spec.MemoryBytes!.Value, spec.Gpus!.Value));
        Assert.Equal("host", spec.NetworkMode);
        Assert.True(spec.Init);
        Assert.Equal("box", spec.Labels[DockerJobSpec.TargetLabel]);
        Assert.Equal("run-1", spec.Labels[DockerJobSpec.JobLabel]);
    }

    [Fact]
    public void Create_NoUserOption_RunsAsCaller()
    {
        var spec = DockerJobSpec.Create(new ComputeJob("true", []) { WorkingDirectory = Path.GetTempPath() }, new DockerComputeOptions("box"), "img", "n");
        var expected = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("Uid:") || l.StartsWith("Gid:"))
            .Select(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.Equal(string.Join(':', expected), spec.User);
        Assert.Null(spec.MemoryBytes);
        Assert.Null(spec.Cpus);
    }

    [Fact]
    public void Create_MissingReadOnlyPath_NamesPathAndTarget()
    {
        var job = new ComputeJob("true", []) { WorkingDirectory = Path.GetTempPath(), ReadOnlyPaths = ["/nonexistent/mlp-data"] };
        var e = Assert.Throws<MlpException>(() => DockerJobSpec.Create(job, new DockerComputeOptions("box"), "img", "n"));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'box'", e.Message);
        Assert.Contains("'/nonexistent/mlp-data'", e.Message);
    }

    [Fact]
    public void FromDefinition_DockerOptions_AreRead()
    {
        var o = DockerComputeOptions.FromDefinition(new ComputeTargetDefinition
        {
            Name = "gpu-box", Kind = "docker",
            Options = new Dictionary<string, string>
            {
                ["docker_host"] = "tcp://127.0.0.1:2375", ["network"] = "bridge", ["cpus"] = "4", ["memory-mb"] = "2048",
                ["user"] = "1000:1000", ["mounts"] = "/data, /models",
            },
        });
        Assert.Equal(("gpu-box", "tcp://127.0.0.1:2375", "bridge", 4, 2048L, "1000:1000"), (o.Name, o.DockerHost, o.Network, o.Cpus!.Value, o.MemoryMb!.Value, o.User));
        Assert.Equal(["/data", "/models"], o.Mounts);
        Assert.Equal("tcp://127.0.0.1:2375", o.Endpoint.Address);
        var defaults = DockerComputeOptions.FromDefinition(new ComputeTargetDefinition { Name = "box", Kind = "docker" });
        Assert.Equal(("host", null, null, null), (defaults.Network, defaults.Cpus, defaults.MemoryMb, defaults.User));
    }

    [Fact]
    public void FromDefinition_WrongKindOrOption_ClearError()
    {
        var kind = Assert.Throws<MlpException>(() => DockerComputeOptions.FromDefinition(new ComputeTargetDefinition { Name = "c", Kind = "slurm" }));
        Assert.Contains("'slurm', not 'docker'", kind.Message);
        var option = Assert.Throws<MlpException>(() => DockerComputeOptions.FromDefinition(new ComputeTargetDefinition
        {
            Name = "c", Kind = "docker", Options = new Dictionary<string, string> { ["partition"] = "gpu" },
        }));
        Assert.Contains("'partition'", option.Message);
        Assert.Contains("'memory-mb'", option.Message);
        var mount = Assert.Throws<MlpException>(() => DockerComputeOptions.FromDefinition(new ComputeTargetDefinition
        {
            Name = "c", Kind = "docker", Options = new Dictionary<string, string> { ["mounts"] = "data" },
        }));
        Assert.Contains("Mount 'data'", mount.Message);
    }

    [Fact]
    public async Task RunAsync_JobWithoutImage_ClearErrorNamingTarget()
    {
        using var target = new DockerTarget(new DockerComputeOptions("gpu-box") { DockerHost = "unix:///nonexistent/docker.sock" });
        var e = await Assert.ThrowsAsync<MlpException>(() => target.RunAsync(new ComputeJob("python", ["train.py"]) { Name = "run-7" }, ComputeObserver.None, default));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("Compute target 'gpu-box' runs jobs in containers, but job 'run-7' has no image", e.Message);
    }
}
