namespace MlPipelines.Endpoints.Local;

/// <summary>Where endpoint files live inside a workspace's scratch folder: <c>endpoints/ENDPOINT/DEPLOYMENT/</c>.</summary>
public sealed class DeploymentPaths(string scratchDirectory)
{
    /// <summary>Root of all endpoint files.</summary>
    public string Root { get; } = Path.Combine(scratchDirectory, "endpoints");

    /// <summary>The daemon's state file (pid and admin port).</summary>
    public string DaemonState => Path.Combine(Root, "daemon.json");

    /// <summary>The secret of the daemon's admin API (mode 0600).</summary>
    public string DaemonToken => Path.Combine(Root, "daemon.token");

    /// <summary>The daemon's own log.</summary>
    public string DaemonLog => Path.Combine(Root, "daemon.log");

    /// <summary>Folder of one deployment.</summary>
    public string Deployment(string endpoint, string deployment) => Path.Combine(Root, endpoint, deployment);

    /// <summary>Launch spec of a local deployment.</summary>
    public string Spec(string endpoint, string deployment) => Path.Combine(Deployment(endpoint, deployment), "spec.json");

    /// <summary>Materialised model files of a deployment.</summary>
    public string Model(string endpoint, string deployment) => Path.Combine(Deployment(endpoint, deployment), "model");

    /// <summary>Log of one instance.</summary>
    public string InstanceLog(string endpoint, string deployment, int index) =>
        Path.Combine(Deployment(endpoint, deployment), $"instance-{index}.log");

    /// <summary>The internal secret of a deployment whose instances are started outside the daemon (docker), mode 0600.</summary>
    public string InstanceSecret(string endpoint, string deployment) => Path.Combine(Deployment(endpoint, deployment), "instance-secret");

    /// <summary>Folder of an endpoint.</summary>
    public string Endpoint(string endpoint) => Path.Combine(Root, endpoint);
}
