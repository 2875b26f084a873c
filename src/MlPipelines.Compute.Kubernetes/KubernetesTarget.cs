using System.Diagnostics;
using System.Security.Cryptography;
using k8s;
using k8s.Models;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Runs a job as a Kubernetes Job: renders <c>kubernetes/job.yaml.hbs</c>, stages the job's folders on the target's
/// claim, creates the Job with KubernetesClient, watches the Job and its pod (waiting reasons, start), streams the pod's
/// log line by line, takes the exit code from the container's terminated state and maps the Job's final condition.
/// The Job is deleted (propagation Background) on cancel and when it ended, unless the target sets ttl-seconds.
/// The client is built from the kubeconfig on first use, so a target can be registered where no cluster is configured.
/// </summary>
public sealed class KubernetesTarget : IComputeTarget
{
    private const string NameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly KubernetesComputeOptions _options;
    private readonly Lazy<IKubernetes> _client;

    /// <summary>A target submitting to the cluster of <paramref name="options"/>' kubeconfig.</summary>
    public KubernetesTarget(KubernetesComputeOptions options)
    {
        _options = options;
        // Not cached on failure: a kubeconfig written later is picked up by the next job.
        _client = new Lazy<IKubernetes>(() => KubernetesClientFactory.Create(options), LazyThreadSafetyMode.PublicationOnly);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public bool AppliesImage => true;

    /// <summary>A fresh Job name for a job named <paramref name="jobName"/> (a run id): its DNS-1123 form plus 5 random characters, at most 63.</summary>
    public static string NewJobName(string? jobName) =>
        KubernetesNames.ToDnsLabel(jobName ?? "mlp-job", KubernetesNames.MaxLabelLength - 6) + "-" + RandomNumberGenerator.GetString(NameAlphabet, 5);

    /// <summary>Renders the Job <paramref name="job"/> would be submitted as, with its layout on the claim (pure but for the random name).</summary>
    public (string Yaml, KubernetesJobLayout Layout) Render(ComputeJob job, string? name = null)
    {
        if (string.IsNullOrWhiteSpace(job.Image))
            throw MlpException.Invalid($"Compute target '{Name}' runs jobs in containers, and job '{job.Name ?? job.FileName}' has no image; give the step an environment (e.g. .Environment(\"python-3.11\")).");
        name ??= NewJobName(job.Name);
        var layout = KubernetesJobLayout.Plan(job, _options.Volume, name, Name);
        return (KubernetesJobManifest.Render(KubernetesJobManifestRequest.For(job, _options, name, layout), _options.TemplatesDirectory), layout);
    }

    /// <inheritdoc />
    public async Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return new ComputeResult(-1, TimeSpan.Zero) { Canceled = true };
        var sw = Stopwatch.StartNew();
        var (yaml, layout) = Render(job);
        var manifest = Parse(yaml);
        var name = manifest.Metadata.Name;
        var client = _client.Value;
        var run = new KubernetesJobRun(client, _options, job, name, layout, observer);
        try
        {
            KubernetesStaging.Stage(layout, _options.Volume?.HostPath);
            try
            {
                using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                call.CancelAfter(KubernetesJobRun.CallTimeout);
                await client.BatchV1.CreateNamespacedJobAsync(manifest, _options.Namespace, fieldValidation: "Strict", cancellationToken: call.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await run.DeleteJobAsync().ConfigureAwait(false); // the request may have reached the server
                return new ComputeResult(-1, sw.Elapsed) { Canceled = true };
            }
            catch (Exception e) when (KubernetesApiErrors.IsApiFailure(e) || e is OperationCanceledException)
            {
                if (e is OperationCanceledException) await run.DeleteJobAsync().ConfigureAwait(false); // no answer in time: it may exist
                throw KubernetesApiErrors.Wrap(Name, $"create Job '{name}' in namespace '{_options.Namespace}'", e);
            }
            run.System($"Kubernetes Job '{name}' created in namespace '{_options.Namespace}' by target '{Name}' (image {job.Image}).");
            return await run.FollowAsync(sw, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            KubernetesStaging.Delete(layout);
        }
    }

    private V1Job Parse(string yaml)
    {
        try
        {
            // Strict: a field the Job type does not have (a typo in an overriding template) is an error here, not a silent drop.
            return KubernetesYaml.Deserialize<V1Job>(yaml, strict: true);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException or InvalidOperationException)
        {
            throw MlpException.Invalid($"The Job manifest rendered from '{KubernetesJobManifest.TemplatePath}' for compute target '{Name}' is not a valid batch/v1 Job: {e.Message}");
        }
    }
}
