using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using Spectre.Console;

namespace MlPipelines.Cli.Commands;

/// <summary>A model version's lineage resolved against the workspace (runs and datasets looked up; missing ones marked), and its tree rendering.</summary>
internal sealed record ModelLineage(
    string Model, int Version, string Hash, LineageRun? Run, LineageRun? PipelineRun,
    IReadOnlyList<LineageDataset> Datasets, string? SnapshotHash, string? Environment);

/// <summary>A run in a lineage; <see cref="Exists"/> is false when the run was deleted or lives in another workspace.</summary>
internal sealed record LineageRun(string Id, string? Name, string? Experiment, string? Status, bool Exists);

/// <summary>A dataset version in a lineage.</summary>
internal sealed record LineageDataset(string Name, int Version, string? Hash, int? FileCount, bool Exists);

internal static class ModelLineageView
{
    public static ModelLineage Build(IWorkspace ws, ModelVersion v)
    {
        var l = v.Lineage;
        var run = l.RunId is null ? null : Run(ws, l.RunId);
        var pipelineRunId = l.PipelineRunId ?? (run?.Exists == true ? ws.Runs.FindRun(l.RunId!)?.ParentRunId : null);
        var pipelineRun = pipelineRunId is null ? null : Run(ws, pipelineRunId);
        var datasets = l.Datasets.ToList();
        if (datasets.Count == 0 && run?.Exists == true)
        {
            // Older registrations may lack copied dataset lineage: fall back to what the run (and its pipeline run) consumed.
            datasets.AddRange(ws.Runs.GetDatasetInputs(run.Id));
            if (pipelineRun?.Exists == true) datasets.AddRange(ws.Runs.GetDatasetInputs(pipelineRun.Id));
        }
        var snapshot = l.SnapshotHash ?? (run?.Exists == true ? ws.Runs.FindRun(run.Id)?.SnapshotHash : null);
        return new ModelLineage(v.Name, v.Version, v.Hash, run, pipelineRun,
            datasets.Distinct().Select(d => Dataset(ws, d.Dataset, d.Version)).ToList(), snapshot, l.Environment);
    }

    private static LineageRun Run(IWorkspace ws, string id) =>
        ws.Runs.FindRun(id) is { } r ? new LineageRun(r.Id, r.DisplayName, r.Experiment, r.Status.ToString(), true) : new LineageRun(id, null, null, null, false);

    private static LineageDataset Dataset(IWorkspace ws, string name, int version)
    {
        try
        {
            var d = ws.Datasets.Get(name, version);
            return new LineageDataset(name, version, d.Hash, d.FileCount, true);
        }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { return new LineageDataset(name, version, null, null, false); }
    }

    public static void Write(ModelLineage l)
    {
        var tree = new Tree($"[bold]model {Markup.Escape($"{l.Model}:{l.Version}")}[/] [grey]{DataCommands.Short(l.Hash)}[/]");
        IHasTreeNodes parent = tree;
        if (l.Run is { } run) parent = tree.AddNode(RunLabel("run", run));
        else tree.AddNode("[grey]no source run (registered from a local folder)[/]");
        if (l.PipelineRun is { } p) parent.AddNode(RunLabel("pipeline run", p));
        foreach (var d in l.Datasets)
            parent.AddNode(d.Exists
                ? $"dataset {Markup.Escape($"{d.Name}:{d.Version}")} [grey]{d.FileCount} file(s) · {DataCommands.Short(d.Hash!)}[/]"
                : $"dataset {Markup.Escape($"{d.Name}:{d.Version}")} [yellow](not found)[/]");
        if (l.SnapshotHash is { } s) parent.AddNode($"snapshot [grey]{DataCommands.Short(s)}[/]");
        if (l.Environment is { } env) parent.AddNode($"environment {Markup.Escape(env)}");
        AnsiConsole.Write(tree);
    }

    private static string RunLabel(string kind, LineageRun r) => r.Exists
        ? $"{kind} {Markup.Escape(r.Id)} [grey]'{Markup.Escape(r.Name ?? "")}' · experiment {Markup.Escape(r.Experiment ?? "")} · {r.Status}[/]"
        : $"{kind} {Markup.Escape(r.Id)} [yellow](not found in this workspace)[/]";
}
