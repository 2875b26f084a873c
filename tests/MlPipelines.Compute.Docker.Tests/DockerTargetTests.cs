using System.Diagnostics;
using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Docker.Tests;

/// <summary>DockerTarget against the real engine at DOCKER_HOST with the offline images of .ci/services/docker.sh.</summary>
public sealed class DockerTargetTests : IDisposable
{
    // A target name of its own per test: its containers carry it as a label, so "nothing left behind" is checked for
    // this test's containers only, whatever else runs on the engine.
    private readonly string _name = "t" + Guid.NewGuid().ToString("n")[..10];
    private readonly string _work = Directory.CreateTempSubdirectory("mlp-docker-job-").FullName;
    private readonly DockerEngineClient _engine = new(DockerEndpoint.FromEnvironment());

    private DockerTarget Target(Func<DockerComputeOptions, DockerComputeOptions>? configure = null) =>
        new((configure ?? (o => o))(new DockerComputeOptions(_name)));

    private ComputeJob Sh(string script, string? image = null) => new("sh", ["-c", script])
    {
        Image = image ?? Services.BaseImage, WorkingDirectory = _work, Name = "test-" + _name, KillGracePeriod = TimeSpan.FromSeconds(1),
    };

    private static async Task<(ComputeResult Result, List<OutputLine> Lines, ComputeJobStarted? Started)> RunAsync(DockerTarget target, ComputeJob job, CancellationToken ct = default)
    {
        var lines = new List<OutputLine>();
        ComputeJobStarted? started = null;
        var result = await target.RunAsync(job, new ComputeObserver { OnOutput = lines.Add, OnStarted = s => started = s }, ct);
        return (result, lines, started);
    }

    private async Task AssertNothingLeftAsync() => Assert.Empty(await _engine.ListContainersAsync(DockerJobSpec.TargetLabel, _name));

    [RequiresDockerFact]
    public async Task RunAsync_PythonJob_StreamsLinesLiveInOrder()
    {
        using var target = Target();
        var script = "import sys,time\nprint('first é€', flush=True)\nprint('oops', file=sys.stderr, flush=True)\ntime.sleep(1.5)\nsys.stdout.write('partial ')\nsys.stdout.flush()\ntime.sleep(0.3)\nprint('second', flush=True)\nsys.stdout.write('no newline')";
        var job = new ComputeJob("python3", ["-c", script]) { Image = Services.PythonImage, WorkingDirectory = _work, Name = "stream" };

        var (result, lines, started) = await RunAsync(target, job);

        Assert.True(result.Succeeded, result.Reason());
        var system = lines[0];
        Assert.Equal(LogStream.System, system.Stream);
        Assert.Equal($"docker container {started!.JobId[..12]} started from {Services.PythonImage}", system.Text);
        // Each stream keeps its order; between stdout and stderr the engine's own copying decides (two pipes, as locally).
        var stdout = lines.Where(l => l.Stream == LogStream.Stdout).ToList();
        Assert.Equal(["first é€", "partial second", "no newline"], stdout.Select(l => l.Text));
        Assert.Equal(["oops"], lines.Where(l => l.Stream == LogStream.Stderr).Select(l => l.Text));
        Assert.Equal(5, lines.Count);
        Assert.True(stdout[1].Timestamp - stdout[0].Timestamp >= TimeSpan.FromSeconds(1.5), "the first line was handed on when it was written, not at the end");
        Assert.Equal(Environment.MachineName, started.Host);
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_ExitCode_IsTheJobs()
    {
        using var target = Target();
        var (result, _, _) = await RunAsync(target, Sh("exit 7"));
        Assert.Equal(7, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal("exit code 7", result.Reason());
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_WriteToWorkingFolder_RefusedReadOnly()
    {
        File.WriteAllText(Path.Combine(_work, "input.txt"), "data\n");
        var readOnly = Directory.CreateTempSubdirectory("mlp-docker-ro-").FullName;
        using var target = Target();
        var job = Sh($"cat input.txt; echo x > {_work}/new.txt; echo $? ; echo y > {readOnly}/new.txt") with { ReadOnlyPaths = [readOnly] };

        var (result, lines, _) = await RunAsync(target, job);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(lines, l => l is { Stream: LogStream.Stdout, Text: "data" });
        Assert.Equal(2, lines.Count(l => l.Stream == LogStream.Stderr && l.Text.Contains("Read-only file system")));
        Assert.False(File.Exists(Path.Combine(_work, "new.txt")));
        Assert.False(File.Exists(Path.Combine(readOnly, "new.txt")));
    }

    [RequiresDockerFact]
    public async Task RunAsync_FilesInOutputFolder_LandOnHostOwnedByCaller()
    {
        var outputs = Path.Combine(_work, "outputs");
        using var target = Target();
        var job = Sh("mkdir -p \"$MLP_OUTPUT_DIR/sub\" && echo 0.97 > \"$MLP_OUTPUT_DIR/sub/metrics.txt\"") with
        {
            OutputDirectory = outputs, Environment = new Dictionary<string, string?> { ["MLP_OUTPUT_DIR"] = outputs },
        };

        var (result, _, _) = await RunAsync(target, job);

        Assert.True(result.Succeeded, result.Reason());
        var file = Path.Combine(outputs, "sub", "metrics.txt");
        Assert.Equal("0.97\n", File.ReadAllText(file));
        Assert.Equal(await OwnerAsync("/proc/self"), await OwnerAsync(file));
    }

    [RequiresDockerFact]
    public async Task RunAsync_UserOption_RunsAsThatUser()
    {
        var outputs = Path.Combine(_work, "outputs");
        Directory.CreateDirectory(outputs);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_work, (UnixFileMode)0b111_101_101); // another user must reach the folders (the temp folder is 0700)
            File.SetUnixFileMode(outputs, (UnixFileMode)0b111_111_111);
        }
        using var target = Target(o => o with { User = "1654:1654" });
        var (result, lines, _) = await RunAsync(target, Sh($"busybox id -u; touch {outputs}/mine") with { OutputDirectory = outputs });
        Assert.True(result.Succeeded, result.Reason() + string.Join('\n', lines.Select(l => l.Text)));
        Assert.Contains(lines, l => l is { Stream: LogStream.Stdout, Text: "1654" });
        Assert.Equal("1654:1654", await OwnerAsync(Path.Combine(outputs, "mine")));
    }

    [RequiresDockerFact]
    public async Task RunAsync_Environment_SetsAndUnsets()
    {
        using var target = Target();
        // The base image sets DOTNET_ROOT; a null value removes it, as on the local target.
        var job = Sh("echo \"A=$A B=${DOTNET_ROOT-unset} P=$PATH\"") with
        {
            Environment = new Dictionary<string, string?> { ["A"] = "one two", ["DOTNET_ROOT"] = null },
        };
        var (result, lines, _) = await RunAsync(target, job);
        Assert.True(result.Succeeded, result.Reason());
        var line = Assert.Single(lines, l => l.Stream == LogStream.Stdout).Text;
        Assert.StartsWith("A=one two B=unset P=/usr/share/dotnet:", line);
    }

    [RequiresDockerFact]
    public async Task RunAsync_Limits_RecordedOnContainerThenCanceledLeavesNothing()
    {
        using var target = Target(o => o with { MemoryMb = 96 });
        var started = new TaskCompletionSource<ComputeJobStarted>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var job = Sh("echo up; sleep 60") with { Resources = new ComputeResources(Cpus: 1), KillGracePeriod = TimeSpan.FromSeconds(20) };
        var run = target.RunAsync(job, new ComputeObserver { OnStarted = started.SetResult }, cts.Token);

        var id = (await started.Task.WaitAsync(TimeSpan.FromSeconds(30))).JobId;
        var state = await _engine.InspectContainerAsync(id);
        Assert.Equal((96L * 1024 * 1024, 1_000_000_000L), (state.MemoryBytes, state.NanoCpus));
        Assert.Equal(_name, state.Labels[DockerJobSpec.TargetLabel]);
        var sw = Stopwatch.StartNew();
        cts.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Canceled);
        Assert.Equal(-1, result.ExitCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"SIGTERM reached sleep through the init process; took {sw.Elapsed}");
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_Timeout_KillsAfterGraceAndLeavesNothing()
    {
        using var target = Target();
        // The job ignores SIGTERM, so only SIGKILL after the grace period ends it.
        var job = Sh("trap '' TERM; echo waiting; while true; do sleep 0.1; done") with { Timeout = TimeSpan.FromSeconds(1), KillGracePeriod = TimeSpan.FromSeconds(1) };
        var sw = Stopwatch.StartNew();
        var (result, lines, _) = await RunAsync(target, job);

        Assert.True(result.TimedOut);
        Assert.False(result.Canceled);
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
        Assert.Contains(lines, l => l is { Stream: LogStream.Stdout, Text: "waiting" });
        Assert.Contains(lines, l => l.Stream == LogStream.System && l.Text.Contains("timed out after 00:00:01"));
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_MemoryExceeded_SaysOutOfMemory()
    {
        using var target = Target();
        var job = new ComputeJob("python3", ["-c", "x = bytearray(200 * 1024 * 1024); print(len(x))"])
        {
            Image = Services.PythonImage, WorkingDirectory = _work, Resources = new ComputeResources(MemoryMb: 32),
        };
        var (result, _, _) = await RunAsync(target, job);
        Assert.False(result.Succeeded);
        Assert.Contains("killed for exceeding its memory limit of 32 MiB", result.Detail);
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_MissingImage_ClearErrorAndNothingLeft()
    {
        using var target = Target();
        var e = await Assert.ThrowsAsync<MlpException>(() => RunAsync(target, Sh("true", image: "mlp-local/no-such-image:1")));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains($"Compute target '{_name}'", e.Message);
        Assert.Contains("has no image 'mlp-local/no-such-image:1'", e.Message);
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_MissingCommand_ExitCode127NamesIt()
    {
        using var target = Target();
        var (result, lines, _) = await RunAsync(target, Sh("") with { FileName = "no-such-program" });
        Assert.Equal(127, result.ExitCode);
        Assert.Contains(lines, l => l.Stream == LogStream.Stderr && l.Text.Contains("no-such-program"));
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_GpuRequest_RunsOrSaysWhyNot()
    {
        using var target = Target();
        var job = Sh("echo gpu") with { Resources = new ComputeResources(Gpus: 1) };
        if (File.Exists("/dev/nvidiactl"))
        {
            var (result, _, _) = await RunAsync(target, job);
            Assert.True(result.Succeeded, result.Reason());
        }
        else
        {
            var e = await Assert.ThrowsAsync<MlpException>(() => RunAsync(target, job));
            Assert.Contains("could not be started in image", e.Message);
            Assert.Contains("asks for 1 GPU(s)", e.Message);
        }
        await AssertNothingLeftAsync();
    }

    [RequiresDockerFact]
    public async Task RunAsync_CanceledBeforeStart_NothingRuns()
    {
        using var target = Target();
        var result = await target.RunAsync(Sh("true"), ComputeObserver.None, new CancellationToken(canceled: true));
        Assert.True(result.Canceled);
        await AssertNothingLeftAsync();
    }

    private static async Task<string> OwnerAsync(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text.Trim();
    }

    public void Dispose()
    {
        _engine.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
