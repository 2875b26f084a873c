using MlPipelines.Cli.Tests.Registry;
using MlPipelines.Containers;

namespace MlPipelines.Cli.Tests.Compute;

public sealed class EnvironmentCommandsTests : IDisposable
{
    private readonly CliWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void CreateShowDelete_YamlAndFlags_VersionedByContent()
    {
        var dir = _ws.Folder("env",
            ("user.yml", "name: trainer\nbuild:\n  path: docker\n  dockerfile_path: Dockerfile.gpu\n"),
            ("docker/Dockerfile.gpu", "FROM busybox\nCOPY run.sh /run.sh\n"),
            ("docker/run.sh", "echo v1\n"));
        var first = _ws.Json("environment", "create", "--file", Path.Combine(dir, "user.yml")).GetProperty("environment");
        Assert.Equal("user-managed", first.GetProperty("kind").GetString());
        Assert.Equal("env/docker/Dockerfile.gpu", first.GetProperty("definition").GetProperty("dockerfile").GetString());
        var again = _ws.Json("environment", "create", "--file", Path.Combine(dir, "user.yml"));
        Assert.True(again.GetProperty("reused").GetBoolean());
        File.WriteAllText(Path.Combine(dir, "docker", "run.sh"), "echo v2\n");
        var second = _ws.Json("environment", "create", "--file", Path.Combine(dir, "user.yml")).GetProperty("environment");
        Assert.NotEqual(first.GetProperty("hash").GetString(), second.GetProperty("hash").GetString());

        var managed = _ws.Json("environment", "create", "sk", "--base", "python:3.11-slim", "--pip", "scikit-learn==1.5.2", "--pip", "joblib", "--variable", "OMP_NUM_THREADS=1");
        Assert.Equal("system-managed", managed.GetProperty("environment").GetProperty("kind").GetString());
        var show = _ws.Mlp("environment", "show", "sk");
        Assert.Contains("RUN python3 -m pip install --no-cache-dir 'joblib' 'scikit-learn==1.5.2'", show.Stdout);
        Assert.Contains("ENV OMP_NUM_THREADS=\"1\"", show.Stdout);
        var list = _ws.Json("environment", "list");
        Assert.Equal(["sk", "trainer", "trainer", "dotnet-10", "python-3.11", "python-3.11-sklearn"], list.EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        Assert.Equal(2, _ws.Json("environment", "delete", "trainer").GetProperty("deleted").GetInt32());
        Assert.Equal(2, _ws.Mlp("environment", "show", "trainer").ExitCode);
    }

    [Fact]
    public void Create_BadInput_ClearErrorsNothingRecorded()
    {
        var dir = _ws.Folder("env",
            ("azure.yml", "name: x\nimage: python:3.11\nversion: 3\ninference_config: {}\n"),
            ("escape.yml", "name: x\nbuild:\n  path: ../../..\n"),
            ("both.yml", "name: x\nimage: a\nbuild:\n  path: .\n"));
        (string[] Args, string Message)[] cases =
        [
            (["environment", "create", "--file", Path.Combine(dir, "azure.yml")], "'version' (line 3), 'inference_config' (line 4)"),
            (["environment", "create", "--file", Path.Combine(dir, "escape.yml")], "is outside the working folder"),
            (["environment", "create", "--file", Path.Combine(dir, "both.yml")], "gives 'build' and also an image"),
            (["environment", "create", "python-3.11", "--image", "python:3.11"], "is a curated environment"),
            (["environment", "create", "x", "--pip", "numpy"], "give --base"),
            (["environment", "create", "x", "--base", "python:3.11", "--pip", "numpy;rm"], "is not a package spec"),
            (["environment", "create", "x", "--dockerfile", "nope/Dockerfile"], "does not exist"),
            (["environment", "show", "nothing"], "'python-3.11'"),
        ];
        foreach (var (args, message) in cases)
        {
            var r = _ws.Mlp(args);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
            Assert.Contains(message, r.Stderr);
        }
        using var ws = _ws.Open();
        Assert.Empty(ws.Environments.List());
    }

    [RequiresDockerPythonImageFact]
    public void Build_SystemManagedFromTheOfflinePythonImage_BuiltOnceThenUpToDate()
    {
        var python = RequiresDockerPythonImageFactAttribute.PythonImage;
        var name = "greet-" + Guid.NewGuid().ToString("N")[..6];
        _ws.Json("environment", "create", name, "--base", python, "--variable", "GREETING=hello");

        var built = _ws.Json("environment", "build", name);
        var again = _ws.Mlp("environment", "build", name);
        var deleted = _ws.Json("environment", "delete", name, "--image");

        Assert.Equal("built", built.GetProperty("state").GetString());
        Assert.StartsWith("sha256:", built.GetProperty("imageId").GetString());
        Assert.Contains("is up to date", again.Stdout);
        Assert.Equal(built.GetProperty("image").GetString(), Assert.Single(deleted.GetProperty("images").EnumerateArray()).GetString());
        using var check = new DockerEngineClient(DockerEndpoint.FromEnvironment());
        Assert.Null(check.InspectImageAsync(built.GetProperty("image").GetString()!).GetAwaiter().GetResult());
    }

    [RequiresDockerPythonImageFact]
    public void RunSubmit_OnDockerWithAnEnvironment_RunsInItsImageAndRecordsTheRun()
    {
        var python = RequiresDockerPythonImageFactAttribute.PythonImage;
        _ws.Json("environment", "create", "greet", "--base", python, "--variable", "GREETING=hello from the image");
        Assert.Equal(0, _ws.Mlp("compute", "create", "box", "--type", "docker").ExitCode);
        var src = _ws.Folder("src", ("job.py", "import os\nprint(os.environ['GREETING'])\nprint('##mlp[metric name=acc]0.75')\nopen(os.path.join(os.environ['MLP_OUTPUT_DIR'], 'out.txt'), 'w').write('x')\n"));

        var refused = _ws.Mlp("run", "submit", "-e", "docker-cli", "--compute", "box", "--source", src, "--", "python3", "job.py");
        var r = _ws.Mlp("run", "submit", "-e", "docker-cli", "--compute", "box", "--environment", "greet", "--source", src, "--format", "json", "--", "python3", "job.py");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("give --environment NAME", refused.Stderr);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        using var ws = _ws.Open();
        var id = run.GetProperty("id").GetString()!;
        Assert.Contains(ws.Runs.GetLogs(id), l => l.Text == "hello from the image");
        Assert.Equal(0.75, Assert.Single(ws.Runs.GetMetrics(id, "acc")).Value);
        Assert.Equal("out.txt", Assert.Single(ws.Runs.GetOutputs(id)).Path);
    }
}
