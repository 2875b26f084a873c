using k8s;
using k8s.Exceptions;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>Builds the API client from a kubeconfig: the target's <c>kubeconfig</c> option, else <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
internal static class KubernetesClientFactory
{
    /// <summary>The kubeconfig file the options lead to, and where that choice came from (for messages).</summary>
    public static (string Path, string From) Locate(KubernetesComputeOptions options)
    {
        if (options.KubeconfigPath is { } explicitPath) return (explicitPath, "its 'kubeconfig' option");
        // KUBECONFIG may list several files; the first one that exists is used (merging is left to kubectl).
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } list)
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            return (files.FirstOrDefault(File.Exists) ?? files[0], "KUBECONFIG");
        }
        return (Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"), "the default location");
    }

    /// <summary>A client for the cluster of the kubeconfig's (or the option's) context; Unavailable when there is no kubeconfig.</summary>
    public static IKubernetes Create(KubernetesComputeOptions options)
    {
        var (path, from) = Locate(options);
        if (!File.Exists(path))
            throw MlpException.Unavailable(
                $"Compute target '{options.Name}' found no kubeconfig: '{path}' (from {from}) does not exist. Point the target's 'kubeconfig' option or KUBECONFIG at the cluster's kubeconfig file.");
        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, options.Context);
        }
        catch (KubeConfigException e)
        {
            throw MlpException.Invalid($"Compute target '{options.Name}' cannot use kubeconfig '{path}'" + (options.Context is { } c ? $" with context '{c}'" : "") + $": {e.Message}");
        }
        // Watches and followed logs stay open as long as the job runs; each short call has its own deadline instead.
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        return new k8s.Kubernetes(config);
    }
}
