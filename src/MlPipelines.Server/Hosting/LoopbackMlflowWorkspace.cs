using System.Net;
using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Data;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Images;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Server.Hosting;

/// <summary>
/// An embedded workspace whose processes also reach it through MLflow: the first <see cref="ProcessEnvironment"/> call
/// (a step or submitted command about to start) starts an <see cref="EmbeddedMlflowHost"/> on a free loopback port, and
/// each process gets <c>MLFLOW_TRACKING_URI</c>, a token scoped to its run, <c>MLFLOW_RUN_ID</c>,
/// <c>MLFLOW_EXPERIMENT_NAME</c> and <c>MLFLOW_TRACKING_SERVER_CERT_PATH</c>. Disposing stops the host (if started)
/// and the workspace. Everything else is the wrapped workspace's.
/// </summary>
public sealed class LoopbackMlflowWorkspace : IWorkspace
{
    private readonly IWorkspace _inner;
    private readonly Action<string> _warn;
    private readonly Lazy<EmbeddedMlflowHost?> _host;

    /// <summary>Wraps <paramref name="inner"/> (an embedded workspace, owned from now on); <paramref name="warn"/> hears why MLflow is unavailable if the host cannot start.</summary>
    public LoopbackMlflowWorkspace(IWorkspace inner, Action<string>? warn = null)
    {
        _inner = inner;
        _warn = warn ?? (w => Console.Error.WriteLine("warning: " + w));
        _host = new Lazy<EmbeddedMlflowHost?>(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// <paramref name="workspace"/> wrapped when it is embedded (a server workspace's processes already get the server's
    /// MLflow address from its own <see cref="IWorkspace.ProcessEnvironment"/>), else unchanged.
    /// </summary>
    public static IWorkspace ForProcesses(IWorkspace workspace, Action<string>? warn = null) =>
        workspace is Workspace.LocalWorkspace ? new LoopbackMlflowWorkspace(workspace, warn) : workspace;

    /// <summary>The MLflow host, once a process has needed it (null before, or when it could not start).</summary>
    public EmbeddedMlflowHost? Host => _host.IsValueCreated ? _host.Value : null;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> ProcessEnvironment(string runId)
    {
        var env = new Dictionary<string, string>(_inner.ProcessEnvironment(runId));
        if (_host.Value is not { } host) return env;
        env["MLFLOW_TRACKING_URI"] = host.Url;
        env["MLFLOW_TRACKING_TOKEN"] = host.IssueRunToken(runId);
        env["MLFLOW_RUN_ID"] = runId;
        env["MLFLOW_EXPERIMENT_NAME"] = _inner.Runs.GetRun(runId).Experiment;
        env["MLFLOW_TRACKING_SERVER_CERT_PATH"] = host.CaCertPath;
        return env;
    }

    private EmbeddedMlflowHost? Start()
    {
        try
        {
            return EmbeddedMlflowHost.StartAsync(_inner.Info.Location, new IPEndPoint(IPAddress.Loopback, 0)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            _warn($"the MLflow API of workspace '{_inner.Info.Location}' could not start on loopback ({e.Message}); processes get no MLFLOW_TRACKING_URI.");
            return null;
        }
    }

    /// <inheritdoc />
    public WorkspaceInfo Info => _inner.Info;
    /// <inheritdoc />
    public IRunStore Runs => _inner.Runs;
    /// <inheritdoc />
    public IArtifactStore Artifacts => _inner.Artifacts;
    /// <inheritdoc />
    public IDatasetStore Datasets => _inner.Datasets;
    /// <inheritdoc />
    public IModelRegistry Models => _inner.Models;
    /// <inheritdoc />
    public IImageStore Images => _inner.Images;
    /// <inheritdoc />
    public IComputeStore Computes => _inner.Computes;
    /// <inheritdoc />
    public IEnvironmentStore Environments => _inner.Environments;
    /// <inheritdoc />
    public IEndpointStore Endpoints => _inner.Endpoints;
    /// <inheritdoc />
    public IStepCache Cache => _inner.Cache;
    /// <inheritdoc />
    public IFileHashIndex FileHashes => _inner.FileHashes;
    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => _inner.Settings;
    /// <inheritdoc />
    public void SetSetting(string key, string value) => _inner.SetSetting(key, value);
    /// <inheritdoc />
    public WorkspaceStats Stats() => _inner.Stats();
    /// <inheritdoc />
    public string ScratchDirectory => _inner.ScratchDirectory;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_host.IsValueCreated && _host.Value is { } host) host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _inner.Dispose();
    }
}
