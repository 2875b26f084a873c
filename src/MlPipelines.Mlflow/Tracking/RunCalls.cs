using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Search;

namespace MlPipelines.Mlflow.Tracking;

/// <summary><c>runs/create</c>, <c>get</c>, <c>update</c>, <c>delete</c>, <c>restore</c> and <c>search</c>: MLflow runs are the workspace's runs.</summary>
public static class RunCalls
{
    private const int DefaultMax = 1000;
    private const int MaxResults = 50_000;

    /// <summary>
    /// <c>{experiment_id, user_id, run_name, start_time, tags}</c> → <c>{run}</c>: a Running run of kind
    /// <c>mlflow</c> (no heartbeat expected). The name is <c>run_name</c> or the <c>mlflow.runName</c> tag; the
    /// <c>mlflow.parentRunId</c> tag makes it a child run; <c>user_id</c> is kept as the <c>mlflow.user</c> tag.
    /// </summary>
    public static IResult Create(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var ids = new ExperimentIds(workspace.Runs);
        var experiment = ids.Get(f.String("experiment_id") is { Length: > 0 } id ? id : ExperimentIds.DefaultId);
        if (experiment.DeletedAt is not null)
            throw MlflowException.Invalid($"The experiment {ExperimentIds.IdOf(experiment)} must be in the 'active' state. Current state is deleted.");
        var tags = LoggingCalls.Tags(f.Objects("tags"));
        if (f.String("user_id") is { Length: > 0 } user && !tags.ContainsKey(MlflowWire.UserTag)) tags[MlflowWire.UserTag] = user;
        var name = f.String("run_name") is { Length: > 0 } n ? n : tags.GetValueOrDefault(MlflowWire.RunNameTag);
        var parent = tags.GetValueOrDefault(MlflowWire.ParentRunTag);
        var run = workspace.Runs.CreateRun(new NewRun(experiment.Name, name, parent, RunHeartbeat.UnwatchedKind) { Tags = tags, Status = RunStatus.Running });
        return One("run", w => MlflowWire.Run(w, run, ExperimentIds.IdOf(experiment)));
    }

    /// <summary><c>?run_id=</c> (or <c>run_uuid</c>) → <c>{run}</c>, a deleted one too; RESOURCE_DOES_NOT_EXIST for an unknown run.</summary>
    public static IResult Get(MlflowRequest request, IWorkspace workspace)
    {
        var run = workspace.Runs.GetRun(request.RunId());
        var experimentId = new ExperimentIds(workspace.Runs).IdOfName(run.Experiment);
        var inputs = workspace.Runs.GetExternalDatasetInputs([run.Id]).GetValueOrDefault(run.Id);
        return One("run", w => MlflowWire.Run(w, run, experimentId, inputs));
    }

    /// <summary>
    /// <c>{run_id, status, end_time, run_name}</c> → <c>{run_info}</c> of an active run. The end time is the server's
    /// clock when the status becomes terminal; a run that ended cannot change status again; <c>run_name</c> renames.
    /// </summary>
    public static IResult Update(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var runId = request.RunId();
        var run = Active(workspace.Runs.GetRun(runId));
        if (f.String("run_name") is { Length: > 0 } name && name != run.DisplayName)
        {
            workspace.Runs.RenameRun(runId, name);
            // MLflow keeps the name in the mlflow.runName tag too: a run created with that tag shows the new name there.
            if (run.Tags.ContainsKey(MlflowWire.RunNameTag)) workspace.Runs.SetTags(runId, new Dictionary<string, string> { [MlflowWire.RunNameTag] = name });
        }
        if (f.String("status") is { Length: > 0 } status) workspace.Runs.SetStatus(runId, MlflowStatus.Required(status));
        run = workspace.Runs.GetRun(runId);
        var experimentId = new ExperimentIds(workspace.Runs).IdOfName(run.Experiment);
        return One("run_info", w => MlflowWire.Info(w, run, experimentId));
    }

    /// <summary><c>{run_id}</c> → <c>{}</c>: soft-deletes the run (its lifecycle_stage becomes <c>deleted</c>; it stays readable).</summary>
    public static IResult Delete(MlflowRequest request, IWorkspace workspace)
    {
        workspace.Runs.DeleteRun(request.RunId());
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id}</c> → <c>{}</c>: restores a deleted run; INVALID_PARAMETER_VALUE while its experiment is deleted.</summary>
    public static IResult Restore(MlflowRequest request, IWorkspace workspace)
    {
        workspace.Runs.RestoreRun(request.RunId());
        return MlflowJsonResult.Empty;
    }

    /// <summary>The run when it is active; MLflow's INVALID_PARAMETER_VALUE for a deleted one (or one of a deleted experiment).</summary>
    internal static RunInfo Active(RunInfo run) => run.DeletedAt is null ? run : throw NotActive(run.Id);

    /// <summary>MLflow's answer to a call that changes a deleted run.</summary>
    internal static MlflowException NotActive(string runId) =>
        MlflowException.Invalid($"The run {runId} must be in the 'active' state. Current state is deleted.");

    /// <summary>
    /// <c>{experiment_ids, filter, run_view_type, max_results, order_by, page_token}</c> → <c>{runs, next_page_token}</c>.
    /// No experiment ids (an extension) or all of them search the whole workspace; one id searches that experiment.
    /// </summary>
    public static IResult Search(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var max = f.Long("max_results") ?? DefaultMax;
        if (max < 1 || max > MaxResults)
            throw MlflowException.Invalid($"Invalid value {max} for parameter 'max_results' supplied. It must be at least 1 and at most {MaxResults}.");
        var view = f.String("run_view_type") ?? "ACTIVE_ONLY";
        if (view is not ("ACTIVE_ONLY" or "DELETED_ONLY" or "ALL")) throw MlflowException.Invalid($"Invalid run_view_type '{view}'; expected ACTIVE_ONLY, DELETED_ONLY or ALL.");
        var requested = f.Strings("experiment_ids").Distinct().Order(StringComparer.Ordinal).ToList();
        var filter = f.String("filter");
        var orderBy = f.Strings("order_by");
        var query = $"runs|{string.Join(",", requested)}|{filter}|{string.Join(",", orderBy)}|{view}";
        var offset = PageToken.Read(f.String("page_token"), query);

        var ids = new ExperimentIds(workspace.Runs);
        var known = requested.Select(ids.Find).OfType<Experiment>().DistinctBy(e => e.Name).ToList();
        var translatedFilter = MlflowRunSearch.Filter(filter);
        var translatedOrder = MlflowRunSearch.OrderBy(orderBy);
        var lifecycle = view switch { "DELETED_ONLY" => RunLifecycle.Deleted, "ALL" => RunLifecycle.All, _ => RunLifecycle.Active };
        // The runs of a deleted experiment read as deleted: an active-only search need not look into deleted experiments.
        bool Holds(Experiment e) => lifecycle != RunLifecycle.Active || e.DeletedAt is null;
        var searched = known.Where(Holds).ToList();
        var relevant = ids.All.Where(Holds).Select(e => e.Name).ToHashSet();
        List<RunInfo> runs;
        if (requested.Count > 0 && searched.Count == 0) runs = []; // unknown (or, active-only, deleted) experiments hold no runs
        else
        {
            string? experiment = null;
            if (requested.Count > 0 && !relevant.IsSubsetOf(searched.Select(e => e.Name)))
            {
                if (searched.Count > 1) throw MlflowException.NotImplemented("Searching several (but not all) experiments at once is not implemented; search one experiment id, or all of them.");
                experiment = searched[0].Name;
            }
            var take = (int)Math.Min(offset + max + 1, MaxResults * 2L + 1);
            runs = workspace.Runs.QueryRuns(new RunQuery { Experiment = experiment, Filter = translatedFilter, OrderBy = translatedOrder, Max = take, Lifecycle = lifecycle }).ToList();
        }
        var page = runs.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)max).ToList();
        var next = runs.Count > offset + page.Count ? PageToken.Create(offset + page.Count, query) : null;
        var inputs = workspace.Runs.GetExternalDatasetInputs(page.Select(r => r.Id).ToList());
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            foreach (var run in page) MlflowWire.Run(w, run, ids.IdOfName(run.Experiment), inputs.GetValueOrDefault(run.Id));
            w.WriteEndArray();
            MlflowWire.NextPage(w, next);
            w.WriteEndObject();
        });
    }

    private static IResult One(string name, Action<System.Text.Json.Utf8JsonWriter> write) => MlflowJsonResult.Ok(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName(name);
        write(w);
        w.WriteEndObject();
    });
}
