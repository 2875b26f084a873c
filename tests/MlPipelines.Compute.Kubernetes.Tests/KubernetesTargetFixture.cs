using System.Collections.Concurrent;
using MlPipelines.Compute.Kubernetes.Tests.FakeApi;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Kubernetes.Tests;

/// <summary>
/// A fake API server, a kubeconfig pointing at it, a claim folder (the submitting machine's view of the PVC) and a
/// project folder outside it, so every job is staged: what the target tests share.
/// </summary>
public abstract class KubernetesTargetFixture : IAsyncLifetime
{
    public const string Image = "registry.example/mlp-env/python-3.11:3f2a9c";
    private protected FakeKubernetesApi Api = null!;
    private protected string Root = "", Claim = "", Work = "", Outputs = "", Kubeconfig = "";

    public async Task InitializeAsync()
    {
        Api = await FakeKubernetesApi.StartAsync();
        Root = Directory.CreateTempSubdirectory("mlp-k8s-target-").FullName;
        Claim = Directory.CreateDirectory(Path.Combine(Root, "claim")).FullName;
        Work = Directory.CreateDirectory(Path.Combine(Root, "project")).FullName;
        File.WriteAllText(Path.Combine(Work, "train.py"), "print('training')\n");
        Outputs = Directory.CreateDirectory(Path.Combine(Work, ".mlp", "runs", "r1", "outputs")).FullName;
        Kubeconfig = Api.WriteKubeconfig(Root);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    private protected KubernetesComputeOptions Options() => new("k8s")
    {
        KubeconfigPath = Kubeconfig, Namespace = "ml", Volume = new KubernetesVolume("mlp-work", "/mnt/mlp", Claim),
        LogDrainTimeout = TimeSpan.FromSeconds(5),
    };

    private protected ComputeJob Job(TimeSpan? timeout = null) => new("python3", ["train.py", "--out=" + Outputs])
    {
        Name = "iris_train-20261201.1", Image = Image, WorkingDirectory = Work, OutputDirectory = Outputs, Timeout = timeout,
        Resources = new ComputeResources(2, 4096, 1),
        Environment = new Dictionary<string, string?> { ["MLP_RUN_ID"] = "r1", ["MLP_OUTPUT_DIR"] = Outputs, ["HOME_ONLY"] = null },
    };

    /// <summary>Every callback of a run, in order.</summary>
    private protected sealed class Recorder
    {
        public ConcurrentQueue<string> Events { get; } = new();
        public ConcurrentQueue<OutputLine> Lines { get; } = new();
        public ComputeJobStarted? Started { get; private set; }
        public Action<OutputLine>? OnLine { get; init; }

        public ComputeObserver Observer => new()
        {
            OnWaiting = w => Events.Enqueue("waiting: " + w),
            OnStarted = s => { Started = s; Events.Enqueue("started: " + s.JobId); },
            OnOutput = l => { Lines.Enqueue(l); OnLine?.Invoke(l); },
        };

        public List<string> Stdout => Lines.Where(l => l.Stream == LogStream.Stdout).Select(l => l.Text).ToList();
        public string System => string.Join("\n", Lines.Where(l => l.Stream == LogStream.System).Select(l => l.Text));
    }
}
