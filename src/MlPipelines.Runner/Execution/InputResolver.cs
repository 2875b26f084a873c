using System.Collections.Concurrent;
using System.Globalization;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Caching;

namespace MlPipelines.Runner.Execution;

/// <summary>
/// Resolves step inputs: data (local paths, workspace datasets) and upstream outputs, with content hashes. With
/// <paramref name="readOnly"/> (for <c>plan</c>) nothing is written: local data is hashed but not registered, workspace
/// datasets are not downloaded (their recorded hash is used) and the file-hash index is only read. Links skipped in a
/// local data folder go to <paramref name="warn"/> (step name, warning), once, for the first step that reads the data.
/// </summary>
internal sealed class InputResolver(IWorkspace workspace, PipelinePlan plan, string baseDirectory, bool readOnly = false,
    Action<string, string>? warn = null)
{
    private readonly ConcurrentDictionary<string, Lazy<DataInput>> _data = new(StringComparer.Ordinal);

    internal sealed record DataInput(string Path, string Hash, string? Dataset, int? Version);

    /// <summary>Resolves every input of <paramref name="step"/>; <paramref name="upstream"/> gives finished steps' outputs by step name.</summary>
    internal Dictionary<string, StepInput> Resolve(PlanStep step, Func<string, IReadOnlyDictionary<string, ResolvedOutput>?> upstream, bool materialize)
    {
        var result = new Dictionary<string, StepInput>(StringComparer.Ordinal);
        foreach (var input in step.Inputs)
        {
            if (input.Source is DatasetSource data)
            {
                var d = Data(data.Dataset, step.Name);
                result[input.Name] = new StepInput(input.Name, input.Type, d.Path, null, d.Hash, null);
                continue;
            }
            if (input.Source is not StepOutputSource (var producer, var output)) continue; // parameters: values, not files
            var outputs = upstream(producer) ?? throw MlpException.Failed($"Step '{step.Name}' needs output '{output}' of step '{producer}', which has not completed.");
            if (!outputs.TryGetValue(output, out var o))
                throw MlpException.Failed($"Step '{step.Name}' needs output '{output}' of step '{producer}', which it did not produce.");
            result[input.Name] = new StepInput(input.Name, input.Type, materialize ? o.Path : null, o.Value, o.Hash, o.RunId);
        }
        return result;
    }

    /// <summary>
    /// Dataset versions a step consumed, directly or through the outputs of upstream steps (so a model registered from a
    /// packaging step still traces back to the data its training step read), for lineage.
    /// </summary>
    internal IEnumerable<(string Dataset, int Version)> DatasetsUsedBy(PlanStep step) =>
        DataNamesUpstreamOf(step, new HashSet<string>(StringComparer.Ordinal) { step.Name })
            .Distinct(StringComparer.Ordinal)
            .Select(name => Data(name, step.Name))
            .Where(d => d.Dataset is not null)
            .Select(d => (d.Dataset!, d.Version!.Value));

    /// <summary>
    /// The environment a step's results come from, for lineage: its own, else the nearest upstream step's (a packaging
    /// code step inherits its training step's), as <c>name@hash</c>; null when no step on the way declares one.
    /// </summary>
    internal string? EnvironmentOf(PlanStep step)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<PlanStep>([step]);
        while (queue.TryDequeue(out var current))
        {
            if (!seen.Add(current.Name)) continue;
            if (current.Environment is { } name)
                return plan.Environments.FirstOrDefault(e => e.Name == name) is { } env ? $"{name}@{env.Hash[..12]}" : name;
            foreach (var source in current.Inputs.Select(i => i.Source).OfType<StepOutputSource>())
                if (plan.Steps.FirstOrDefault(x => x.Name == source.Step) is { } producer) queue.Enqueue(producer);
        }
        return null;
    }

    private IEnumerable<string> DataNamesUpstreamOf(PlanStep step, HashSet<string> seen)
    {
        foreach (var input in step.Inputs)
        {
            if (input.Source is DatasetSource d) yield return d.Dataset;
            else if (input.Source is StepOutputSource { Step: var upstream } && seen.Add(upstream)
                     && plan.Steps.FirstOrDefault(s => s.Name == upstream) is { } producer)
                foreach (var name in DataNamesUpstreamOf(producer, seen)) yield return name;
        }
    }

    private DataInput Data(string name, string step) =>
        _data.GetOrAdd(name, n => new Lazy<DataInput>(() => ResolveData(n, step), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private DataInput ResolveData(string name, string step)
    {
        var d = plan.Data.FirstOrDefault(x => x.Name == name) ?? throw MlpException.NotFound("data", name, plan.Data.Select(x => x.Name));
        if (d.Path is not null)
        {
            var full = Path.GetFullPath(d.Path, baseDirectory);
            if (!File.Exists(full) && !Directory.Exists(full))
                throw MlpException.Invalid($"Data '{name}' points at '{d.Path}', which does not exist (resolved to '{full}').");
            // Local data is registered as a dataset version (deduplicated by content) so runs and models record
            // which version they consumed; the cache key keeps using the fast file-index hash.
            var hash = new FileHashing(workspace.FileHashes, remember: !readOnly, w => warn?.Invoke(step, w)).HashPath(full);
            if (readOnly) return new DataInput(full, hash, null, null);
            var registered = workspace.Datasets.Register(name, full, $"local data '{d.Path}' of pipeline '{plan.Pipeline}'");
            return new DataInput(full, hash, name, registered.Version);
        }
        int? version = d.Version is null or "latest" ? null : int.Parse(d.Version, CultureInfo.InvariantCulture);
        var v = workspace.Datasets.Get(name, version);
        var dir = Path.Combine(workspace.ScratchDirectory, "datasets", name, v.Version.ToString(CultureInfo.InvariantCulture));
        if (readOnly) return new DataInput(dir, v.Hash, name, v.Version);
        if (!Directory.Exists(dir))
        {
            var tmp = dir + ".tmp-" + Guid.NewGuid().ToString("N");
            workspace.Datasets.Download(name, v.Version, tmp);
            try { Directory.Move(tmp, dir); }
            catch (IOException) when (Directory.Exists(dir)) { Directory.Delete(tmp, true); }
        }
        var path = v.IsFile && v.Files.Count == 1 ? Path.Combine(dir, v.Files[0].Path) : dir;
        return new DataInput(path, v.Hash, name, v.Version);
    }
}
