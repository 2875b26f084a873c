using System.Diagnostics;
using System.Text.Json.Nodes;
using MlPipelines.Compute.Kubernetes.Tests.FakeApi;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes.Tests;

/// <summary>The real KubernetesClient driven by <see cref="KubernetesTarget"/> against recorded API responses.</summary>
public sealed class KubernetesTargetTests : KubernetesTargetFixture
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private FakeScenario Succeeding(Action<string>? onCreated = null) => new()
    {
        PodEvents = [new("ADDED", "pod-pending-creating.json"), new("MODIFIED", "pod-running.json"), new("MODIFIED", "pod-succeeded.json", 150)],
        JobEvents = [new("ADDED", "job-active.json", 0), new("MODIFIED", "job-complete.json", 500)],
        PodList = ["pod-succeeded.json"],
        LogLines = ["epoch 1 loss 0.9", "##mlp[metric name=loss value=0.5]", "done"],
        OnCreated = onCreated,
    };

    [Fact]
    public async Task RunAsync_SucceedingJob_StreamsLogStagesFilesCopiesOutputsBackAndDeletesTheJob()
    {
        var stagedWorkSeen = false;
        Api.Scenario = Succeeding(name =>
        {
            // The pod's part: it sees the staged working folder and writes an output on the claim.
            var folder = Path.Combine(Claim, KubernetesJobLayout.JobsFolder, name);
            stagedWorkSeen = File.Exists(Path.Combine(folder, "work", "train.py")) && !Directory.Exists(Path.Combine(folder, "work", ".mlp"));
            File.WriteAllText(Path.Combine(folder, "outputs", "model.txt"), "weights");
        });
        var recorder = new Recorder();

        var result = await new KubernetesTarget(Options()).RunAsync(Job(), recorder.Observer, CancellationToken.None).WaitAsync(Limit);

        Assert.True(result.Succeeded, result.Reason() + "\n" + recorder.System);
        Assert.Equal(["epoch 1 loss 0.9", "##mlp[metric name=loss value=0.5]", "done"], recorder.Stdout);
        Assert.Equal(Api.PodName, recorder.Started!.JobId);
        Assert.Equal("gpu-node-7", recorder.Started.Host);
        Assert.True(stagedWorkSeen);
        Assert.Equal("weights", File.ReadAllText(Path.Combine(Outputs, "model.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Claim, KubernetesJobLayout.JobsFolder)));

        var name = Api.CreatedJob!["metadata"]!["name"]!.GetValue<string>();
        Assert.StartsWith("iris-train-20261201-1-", name);
        var create = Assert.Single(Api.Calls("POST", "/apis/batch/v1/namespaces/ml/jobs"));
        Assert.Equal("Bearer " + FakeKubernetesApi.Token, create.Authorization);
        Assert.Equal("Strict", create.Query["fieldValidation"]);
        Assert.Equal($"mlpipelines.io/job={name}", Assert.Single(Api.Calls("GET", "/api/v1/namespaces/ml/pods"), r => r.Query.GetValueOrDefault("watch") == "true").Query["labelSelector"]);
        Assert.Equal($"metadata.name={name}", Assert.Single(Api.Calls("GET", "/apis/batch/v1/namespaces/ml/jobs")).Query["fieldSelector"]);
        var log = Assert.Single(Api.Calls("GET", $"/pods/{Api.PodName}/log"));
        Assert.Equal(("true", "main"), (log.Query["follow"], log.Query["container"]));
        var delete = Assert.Single(Api.Calls("DELETE", $"/apis/batch/v1/namespaces/ml/jobs/{name}"));
        Assert.Equal("Background", delete.Query["propagationPolicy"]);

        var container = Api.CreatedJob["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var pod = $"/mnt/mlp/mlp-jobs/{name}";
        Assert.Equal(Image, container["image"]!.GetValue<string>());
        Assert.Equal(["python3"], container["command"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["train.py", $"--out={pod}/outputs"], container["args"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal($"{pod}/work", container["workingDir"]!.GetValue<string>());
        var env = container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["MLP_OUTPUT_DIR"] = $"{pod}/outputs", ["MLP_RUN_ID"] = "r1" }, env);
        Assert.Equal("1", container["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("4Gi", container["resources"]!["requests"]!["memory"]!.GetValue<string>()); // 4096Mi, as the client canonicalizes quantities
        Assert.Equal(0, Api.CreatedJob["spec"]!["backoffLimit"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_ContainerExits3_ReturnsExitCode3FromTheTerminatedState()
    {
        Api.Scenario = new FakeScenario
        {
            PodEvents = [new("ADDED", "pod-running.json"), new("MODIFIED", "pod-failed-exit3.json", 150)],
            JobEvents = [new("ADDED", "job-active.json", 0), new("MODIFIED", "job-failed-podfailurepolicy.json", 500)],
            PodList = ["pod-failed-exit3.json"],
            LogLines = ["Traceback (most recent call last):", "ValueError: bad data"],
        };
        var recorder = new Recorder();

        var result = await new KubernetesTarget(Options()).RunAsync(Job(), recorder.Observer, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.TimedOut || result.Canceled);
        Assert.Equal("exit code 3", result.Reason());
        Assert.Equal(["Traceback (most recent call last):", "ValueError: bad data"], recorder.Stdout);
        Assert.Single(Api.Calls("DELETE", "/jobs/"));
    }

    [Fact]
    public async Task RunAsync_DeadlineExceeded_ReportsTimedOutAndSetsActiveDeadlineSeconds()
    {
        Api.Scenario = new FakeScenario
        {
            PodEvents = [new("ADDED", "pod-running.json"), new("MODIFIED", "pod-terminating.json", 200), new("DELETED", "pod-terminating.json")],
            JobEvents = [new("ADDED", "job-active.json", 0), new("MODIFIED", "job-failed-deadline.json", 500)],
            LogLines = ["epoch 1", "epoch 2"],
        };

        var result = await new KubernetesTarget(Options()).RunAsync(Job(TimeSpan.FromSeconds(29.5)), new Recorder().Observer, CancellationToken.None).WaitAsync(Limit);

        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        Assert.Equal("timed out after 00:00:29.5000000", result.Reason(TimeSpan.FromSeconds(29.5)));
        Assert.Equal(30, Api.CreatedJob!["spec"]!["activeDeadlineSeconds"]!.GetValue<long>());
        Assert.Single(Api.Calls("DELETE", "/jobs/"));
    }

    [Fact]
    public async Task RunAsync_ClusterMissesTheDeadline_DeletesTheJobAndReportsTimedOut()
    {
        Api.Scenario = new FakeScenario
        {
            PodEvents = [new("ADDED", "pod-running.json")],
            JobEvents = [new("ADDED", "job-active.json", 0)],
            LogLines = ["still going"],
            HoldLogUntilDeleted = true,
        };
        var options = Options() with { DeadlineGrace = TimeSpan.FromMilliseconds(300) };

        var result = await new KubernetesTarget(options).RunAsync(Job(TimeSpan.FromSeconds(1)), new Recorder().Observer, CancellationToken.None).WaitAsync(Limit);

        Assert.True(result.TimedOut);
        Assert.Contains("did not end Job", result.Detail);
        Assert.Equal("Background", Assert.Single(Api.Calls("DELETE", "/jobs/")).Query["propagationPolicy"]);
    }

    [Fact]
    public async Task RunAsync_Canceled_DeletesTheJobWithBackgroundPropagationAndReturnsCanceled()
    {
        Api.Scenario = new FakeScenario
        {
            PodEvents = [new("ADDED", "pod-running.json")],
            JobEvents = [new("ADDED", "job-active.json", 0)],
            LogLines = ["step 1"],
            HoldLogUntilDeleted = true,
        };
        using var cts = new CancellationTokenSource();
        var recorder = new Recorder { OnLine = l => { if (l.Text == "step 1") cts.Cancel(); } };
        var sw = Stopwatch.StartNew();

        var result = await new KubernetesTarget(Options()).RunAsync(Job(), recorder.Observer, cts.Token).WaitAsync(Limit);

        Assert.True(result.Canceled);
        Assert.False(result.Succeeded);
        Assert.True(Api.Deleted.IsCompleted);
        Assert.Equal("Background", Assert.Single(Api.Calls("DELETE", "/jobs/")).Query["propagationPolicy"]);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"cancel took {sw.Elapsed}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Claim, KubernetesJobLayout.JobsFolder)));
    }

    [Fact]
    public async Task RunAsync_PendingPod_ReportsEachWaitingReasonBeforeTheStart()
    {
        Api.Scenario = new FakeScenario
        {
            PodEvents =
            [
                new("ADDED", "pod-pending-unschedulable.json"), new("MODIFIED", "pod-pending-imagepullbackoff.json", 100),
                new("MODIFIED", "pod-pending-imagepullbackoff.json"), new("MODIFIED", "pod-running.json", 100), new("MODIFIED", "pod-succeeded.json", 100),
            ],
            JobEvents = [new("ADDED", "job-active.json", 0), new("MODIFIED", "job-complete.json", 900)],
            PodList = ["pod-succeeded.json"],
            LogLines = ["hello"],
        };
        var recorder = new Recorder();

        var result = await new KubernetesTarget(Options()).RunAsync(Job(), recorder.Observer, CancellationToken.None).WaitAsync(Limit);

        Assert.True(result.Succeeded, result.Reason());
        Assert.Equal(
        [
            "waiting: Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
            "waiting: ImagePullBackOff: Back-off pulling image \"registry.example/mlp-env/python-3.11:3f2a9c\"",
            "started: " + Api.PodName,
        ], recorder.Events);
    }

    [Fact]
    public async Task RunAsync_TtlSet_LeavesTheFinishedJobToKubernetes()
    {
        Api.Scenario = Succeeding();
        var options = Options() with { TtlSecondsAfterFinished = 600 };

        var result = await new KubernetesTarget(options).RunAsync(Job(), new Recorder().Observer, CancellationToken.None).WaitAsync(Limit);

        Assert.True(result.Succeeded, result.Reason());
        Assert.Empty(Api.Calls("DELETE", "/jobs/"));
        Assert.Equal(600, Api.CreatedJob!["spec"]!["ttlSecondsAfterFinished"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_ServerRejectsTheJob_ThrowsWithTheServersMessage()
    {
        Api.Scenario = new FakeScenario { RejectCreateWith = "status-unprocessable.json" };

        var e = await Assert.ThrowsAsync<MlpException>(() => new KubernetesTarget(Options()).RunAsync(Job(), new Recorder().Observer, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("422", e.Message);
        Assert.Contains("must be less than or equal to cpu limit of 2", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Claim, KubernetesJobLayout.JobsFolder)));
    }

    [Fact]
    public async Task RunAsync_NoKubeconfig_SaysWhereItLooked()
    {
        var missing = Path.Combine(Root, "nowhere", "config");
        var target = new KubernetesTarget(Options() with { KubeconfigPath = missing });

        var e = await Assert.ThrowsAsync<MlpException>(() => target.RunAsync(Job(), new Recorder().Observer, CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains($"found no kubeconfig: '{missing}' (from its 'kubeconfig' option) does not exist", e.Message);
        Assert.Empty(Api.Requests);
        Assert.False(Directory.Exists(Path.Combine(Claim, KubernetesJobLayout.JobsFolder)));
    }

    [Fact]
    public async Task RunAsync_ApiServerUnreachable_IsUnavailableNamingTheCall()
    {
        var kubeconfig = Path.Combine(Root, "unreachable");
        File.WriteAllText(kubeconfig, File.ReadAllText(Kubeconfig).Replace(Api.Url, "http://127.0.0.1:1"));
        var target = new KubernetesTarget(Options() with { KubeconfigPath = kubeconfig });

        var e = await Assert.ThrowsAsync<MlpException>(() => target.RunAsync(Job(), new Recorder().Observer, CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.StartsWith("Compute target 'k8s' could not create Job 'iris-train-20261201-1-", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Claim, KubernetesJobLayout.JobsFolder)));
    }

    [Fact]
    public async Task RunAsync_JobWithoutImage_IsRefusedBeforeAnyCall()
    {
        var e = await Assert.ThrowsAsync<MlpException>(() =>
            new KubernetesTarget(Options()).RunAsync(Job() with { Image = null }, new Recorder().Observer, CancellationToken.None));

        Assert.True(((IComputeTarget)new KubernetesTarget(Options())).AppliesImage);
        Assert.Contains("has no image", e.Message);
        Assert.Contains("'k8s'", e.Message);
        Assert.Empty(Api.Requests);
    }

    [Fact]
    public async Task RunAsync_AlreadyCanceled_ReturnsCanceledWithoutCalls()
    {
        var result = await new KubernetesTarget(Options()).RunAsync(Job(), new Recorder().Observer, new CancellationToken(true));

        Assert.True(result.Canceled);
        Assert.Empty(Api.Requests);
    }
}
