using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Recording;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>An output of a finished step: its content hash, and a path (materialized on demand) or a reference value.</summary>
internal sealed class ResolvedOutput(string type, string runId, string hash, string? value, Func<string>? materialize)
{
    private readonly Lazy<string>? _path = materialize is null ? null : new Lazy<string>(materialize, LazyThreadSafetyMode.ExecutionAndPublication);
    public string Type { get; } = type;
    public string RunId { get; } = runId;
    public string Hash { get; } = hash;
    public string? Value { get; } = value;
    public string? Path => _path?.Value;
}

/// <summary>Stores a step's output folder as run outputs, and rebuilds outputs of earlier runs (cache hits, resume).</summary>
internal static class OutputStore
{
    internal const string OutputTagPrefix = "mlp.output.";
    internal const string OutcomeTagPrefix = "mlp.outcome.";

    internal static bool IsReference(string type) => type is "registered-model" or "image" or "deployment";
    internal static bool IsFile(string type) => type == "file";

    internal static string OutputDirectory(IWorkspace ws, string runId) => Path.Combine(ws.ScratchDirectory, "steps", runId, "outputs");

    /// <summary>
    /// Creates a fresh output folder with a sub-folder per folder-typed output; returns output paths by name. Code steps
    /// without declared outputs get no folder (it is created when the delegate asks for it), which keeps no-op steps cheap.
    /// </summary>
    internal static Dictionary<string, string> Prepare(string outDir, PlanStep step, bool firstAttempt)
    {
        if (!firstAttempt && Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        if (step is not CodePlanStep || step.Outputs.Count > 0) Directory.CreateDirectory(outDir);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in step.Outputs.Where(o => !IsReference(o.Type)))
        {
            var p = Path.Combine(outDir, o.Name);
            if (!IsFile(o.Type)) Directory.CreateDirectory(p);
            paths[o.Name] = p;
        }
        return paths;
    }

    /// <summary>
    /// Stores every file of the output folder, and the step's <c>##mlp[output]</c> named outputs, in the artifact store
    /// and records the run's outputs through its recorder, all or nothing: a file that cannot be read, or a missing
    /// declared output, records no output at all. Skipped links are the recorder's warnings.
    /// </summary>
    internal static Dictionary<string, ResolvedOutput> Collect(IWorkspace ws, RunRecorder recorder, string runId, PlanStep step, string outDir, IReadOnlyDictionary<string, string> values)
    {
        if (recorder.CollectOutputs(out var collected) is { } failure) throw MlpException.Failed($"Step '{step.Name}': {failure}.");
        var stored = collected.ToList();
        foreach (var o in step.Outputs)
        {
            if (IsReference(o.Type) && !values.ContainsKey(o.Name))
                throw MlpException.Failed($"Step '{step.Name}' did not set its output '{o.Name}'.");
            if (IsFile(o.Type) && stored.All(s => s.Path != o.Name))
                throw MlpException.Failed($"Step '{step.Name}' did not write its output file '{o.Name}' (expected at '{Path.Combine(outDir, o.Name)}').");
        }
        recorder.CommitOutputs();
        if (values.Count > 0) ws.Runs.SetTags(runId, values.ToDictionary(v => OutputTagPrefix + v.Key, v => v.Value));
        return Build(step, runId, stored, values, () => outDir, ws);
    }

    /// <summary>The outputs of an earlier completed run of the same step.</summary>
    internal static Dictionary<string, ResolvedOutput> FromRun(IWorkspace ws, RunInfo run, PlanStep step)
    {
        var values = run.Tags.Where(t => t.Key.StartsWith(OutputTagPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[OutputTagPrefix.Length..], t => t.Value, StringComparer.Ordinal);
        var stored = ws.Runs.GetOutputs(run.Id);
        foreach (var o in step.Outputs.Where(o => IsReference(o.Type) && !values.ContainsKey(o.Name)))
            throw MlpException.Failed($"Run '{run.Id}' has no value for output '{o.Name}' of step '{step.Name}'.");
        return Build(step, run.Id, stored, values, () => OutputDirectory(ws, run.Id), ws);
    }

    private static Dictionary<string, ResolvedOutput> Build(PlanStep step, string runId, IReadOnlyList<RunOutput> stored, IReadOnlyDictionary<string, string> values, Func<string> dir, IWorkspace ws)
    {
        var result = new Dictionary<string, ResolvedOutput>(StringComparer.Ordinal);
        foreach (var o in step.Outputs)
        {
            if (IsReference(o.Type))
            {
                result[o.Name] = new ResolvedOutput(o.Type, runId, ContentHash.OfText(values[o.Name]), values[o.Name], null);
                continue;
            }
            var mine = stored.Where(s => s.Path == o.Name || s.Path.StartsWith(o.Name + "/", StringComparison.Ordinal)).OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
            var hash = IsFile(o.Type)
                ? mine.FirstOrDefault(s => s.Path == o.Name)?.Hash ?? ContentHash.OfText("")
                : ContentHash.OfParts(mine.Select(s => KeyValuePair.Create(s.Path[(o.Name.Length + 1)..], s.Hash)));
            var name = o.Name;
            var type = o.Type;
            result[o.Name] = new ResolvedOutput(o.Type, runId, hash, null, () => Materialize(ws, Path.Combine(dir(), name), type, mine, name));
        }
        return result;
    }

    /// <summary>Makes sure the output exists on disk (copying blobs from the artifact store when the folder is gone).</summary>
    private static string Materialize(IWorkspace ws, string path, string type, IReadOnlyList<RunOutput> files, string name)
    {
        if (IsFile(type) ? File.Exists(path) : Directory.Exists(path) && files.All(f => File.Exists(Path.Combine(path, f.Path[(name.Length + 1)..]))))
            return path;
        var root = Path.GetDirectoryName(path)!;
        foreach (var f in files)
        {
            var target = Path.Combine(root, f.Path);
            if (!File.Exists(target)) ws.Artifacts.CopyTo(f.Hash, target);
        }
        if (!IsFile(type)) Directory.CreateDirectory(path);
        return path;
    }
}
