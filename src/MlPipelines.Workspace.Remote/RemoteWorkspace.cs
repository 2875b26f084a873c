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
using MlPipelines.Workspace.Remote.Http;
using MlPipelines.Workspace.Remote.Stores;

namespace MlPipelines.Workspace.Remote;

/// <summary>
/// A workspace hosted by <c>mlp server</c>, behind the same <see cref="IWorkspace"/> as the embedded one. Opening it
/// checks the address, the certificate, the token and the caller's read access at once, so a wrong URL or token fails
/// before any work starts.
/// </summary>
public sealed class RemoteWorkspace : IWorkspace
{
    private readonly RemoteConnection _http;
    private readonly WorkspacePaths _paths;
    private readonly string _scratch;

    private readonly ServerLogin _login;

    private RemoteWorkspace(RemoteConnection http, ServerLogin login, RemoteAddress address, WorkspaceDescription description)
    {
        _http = http;
        _login = login;
        _paths = new WorkspacePaths(address.Workspace);
        Address = address;
        Info = new WorkspaceInfo(address.ToString(), "remote:" + description.Kind, description.SchemaVersion);
        _scratch = Path.Combine(Path.GetTempPath(), "mlp-remote", Environment.UserName, Core.Hashing.ContentHash.OfText(address.ToString())[..12]);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(_scratch);
        else Directory.CreateDirectory(_scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var artifacts = new RemoteArtifactStore(http, _paths);
        Artifacts = artifacts;
        Runs = new RemoteRunStore(http, _paths);
        Datasets = new RemoteDatasetStore(http, _paths, artifacts);
        Models = new RemoteModelRegistry(http, _paths, artifacts);
        Images = new RemoteImageStore(http, _paths);
        Computes = new RemoteComputeStore(http, _paths);
        Environments = new RemoteEnvironmentStore(http, _paths);
        Endpoints = new RemoteEndpointStore(http, _paths);
        Cache = new RemoteStepCache(http, _paths);
    }

    /// <summary>Connects to <paramref name="address"/> with <paramref name="login"/> (token and CA) and checks access.</summary>
    public static RemoteWorkspace Open(RemoteAddress address, ServerLogin login, RemoteOptions? options = null, HttpMessageHandler? handler = null)
    {
        var http = new RemoteConnection(login, options, handler);
        try
        {
            var description = http.Get<WorkspaceDescription>("/api/v1/workspaces/" + Uri.EscapeDataString(address.Workspace));
            return new RemoteWorkspace(http, login, address, description);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Connects to <c>https://HOST:PORT/workspaces/NAME</c> with the token from <c>MLP_TOKEN</c> or <c>mlp login</c>.</summary>
    public static RemoteWorkspace Open(string url, Credentials? credentials = null)
    {
        var address = RemoteAddress.Parse(url);
        return Open(address, (credentials ?? Credentials.ForCurrentUser()).Resolve(address.ServerUrl));
    }

    /// <summary>Where this workspace is.</summary>
    public RemoteAddress Address { get; }

    /// <inheritdoc />
    public WorkspaceInfo Info { get; }
    /// <inheritdoc />
    public IRunStore Runs { get; }
    /// <inheritdoc />
    public IArtifactStore Artifacts { get; }
    /// <inheritdoc />
    public IDatasetStore Datasets { get; }
    /// <inheritdoc />
    public IModelRegistry Models { get; }
    /// <inheritdoc />
    public IImageStore Images { get; }
    /// <inheritdoc />
    public IComputeStore Computes { get; }
    /// <inheritdoc />
    public IEnvironmentStore Environments { get; }
    /// <inheritdoc />
    public IEndpointStore Endpoints { get; }
    /// <inheritdoc />
    public IStepCache Cache { get; }
    /// <inheritdoc />
    public IFileHashIndex FileHashes { get; } = new ClientFileHashIndex();
    /// <inheritdoc />
    public string ScratchDirectory => _scratch;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => _http.Get<Dictionary<string, string>>(_paths.Of("settings"));

    /// <inheritdoc />
    public void SetSetting(string key, string value) => _http.Write(HttpMethod.Put, _paths.Of("settings/" + Uri.EscapeDataString(key)), new SettingRequest(value));

    /// <inheritdoc />
    public WorkspaceStats Stats() => _http.Get<WorkspaceStats>(_paths.Of("stats"));

    /// <summary>
    /// The workspace URL, a token that acts for this caller on <paramref name="runId"/> only (revoked by the server when
    /// the run ends), and the CA certificate: a step process never holds the submitter's full token. The same address, token,
    /// run and its experiment as <c>MLFLOW_*</c> for MLflow clients.
    /// </summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment(string runId)
    {
        var token = _http.Write<RunTokenResult>(HttpMethod.Post, _paths.Run(runId, "token"), new RunTokenRequest());
        var env = new Dictionary<string, string>
        {
            ["MLP_WORKSPACE"] = Address.ToString(), ["MLP_TOKEN"] = token.Secret,
            // MLflow clients in the step log into the same run through the server's MLflow API.
            ["MLFLOW_TRACKING_URI"] = Address.ToString(), ["MLFLOW_TRACKING_TOKEN"] = token.Secret, ["MLFLOW_RUN_ID"] = runId,
            ["MLFLOW_EXPERIMENT_NAME"] = Runs.GetRun(runId).Experiment,
        };
        if (_login.CaCert is { } ca) env["MLP_CA_CERT"] = env["MLFLOW_TRACKING_SERVER_CERT_PATH"] = Path.GetFullPath(ca);
        return env;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
