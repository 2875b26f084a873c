using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Search;

namespace MlPipelines.Mlflow.Tracking;

/// <summary><c>experiments/create</c>, <c>get</c>, <c>get-by-name</c> and <c>search</c> (renaming, deletion and tags: <see cref="ExperimentLifecycleCalls"/>).</summary>
public static class ExperimentCalls
{
    private const int DefaultMax = 1000;
    private const int MaxResults = 50_000;

    /// <summary>
    /// Creates an experiment: <c>{"name", "tags"}</c> → <c>{"experiment_id"}</c>; RESOURCE_ALREADY_EXISTS for a taken
    /// name (a deleted experiment's too, as in MLflow).
    /// </summary>
    public static IResult Create(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var name = f.RequiredString("name");
        var tags = LoggingCalls.Tags(f.Objects("tags"));
        if (f.String("artifact_location") is { Length: > 0 })
            throw MlflowException.Invalid("'artifact_location' cannot be set: artifacts are stored content-addressed in the workspace.");
        if (workspace.Runs.ListExperiments().Any(e => e.Name == name))
            throw new MlflowException(MlflowErrorCode.ResourceAlreadyExists, $"Experiment '{name}' already exists.");
        Experiment created;
        try { created = workspace.Runs.CreateExperiment(name, tags); }
        catch (MlpException e) when (e.Kind == ErrorKind.Conflict) { throw new MlflowException(MlflowErrorCode.ResourceAlreadyExists, $"Experiment '{name}' already exists."); }
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("experiment_id", ExperimentIds.IdOf(created));
            w.WriteEndObject();
        });
    }

    /// <summary><c>?experiment_id=</c> → <c>{"experiment"}</c>.</summary>
    public static IResult Get(MlflowRequest request, IWorkspace workspace) =>
        One(new ExperimentIds(workspace.Runs).Get(request.Fields.RequiredString("experiment_id")));

    /// <summary><c>?experiment_name=</c> → <c>{"experiment"}</c>.</summary>
    public static IResult GetByName(MlflowRequest request, IWorkspace workspace)
    {
        var name = request.Fields.RequiredString("experiment_name");
        var found = new ExperimentIds(workspace.Runs).All.FirstOrDefault(e => e.Name == name)
                    ?? throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist, $"Could not find experiment with name '{name}'");
        return One(found);
    }

    /// <summary>
    /// <c>{max_results, page_token, filter, order_by, view_type}</c> → <c>{experiments, next_page_token}</c>. The view
    /// type picks active (the default), deleted or all experiments; the filter is <see cref="MlflowExperimentFilter"/>;
    /// order-by keys are name, experiment_id, creation_time and last_update_time.
    /// </summary>
    public static IResult Search(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var max = (int)(f.Long("max_results") ?? DefaultMax);
        if (max < 1 || max > MaxResults)
            throw MlflowException.Invalid($"Invalid value {max} for parameter 'max_results' supplied. It must be at least 1 and at most {MaxResults}.");
        var view = f.String("view_type") ?? "ACTIVE_ONLY";
        if (view is not ("ACTIVE_ONLY" or "DELETED_ONLY" or "ALL")) throw MlflowException.Invalid($"Invalid view_type '{view}'; expected ACTIVE_ONLY, DELETED_ONLY or ALL.");
        var filter = f.String("filter");
        var orderBy = f.Strings("order_by");
        var query = $"experiments|{filter}|{string.Join(",", orderBy)}|{view}";
        var offset = PageToken.Read(f.String("page_token"), query);

        var test = MlflowExperimentFilter.Parse(filter);
        var all = new ExperimentIds(workspace.Runs).All.Where(e => view switch
        {
            "ACTIVE_ONLY" => e.DeletedAt is null,
            "DELETED_ONLY" => e.DeletedAt is not null,
            _ => true,
        }).Where(test);
        var sorted = Order(all, orderBy).ToList();
        var page = sorted.Skip((int)Math.Min(offset, int.MaxValue)).Take(max).ToList();
        var next = offset + page.Count < sorted.Count ? PageToken.Create(offset + page.Count, query) : null;
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("experiments");
            foreach (var e in page) MlflowWire.Experiment(w, e);
            w.WriteEndArray();
            MlflowWire.NextPage(w, next);
            w.WriteEndObject();
        });
    }

    private static IResult One(Experiment e) => MlflowJsonResult.Ok(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("experiment");
        MlflowWire.Experiment(w, e);
        w.WriteEndObject();
    });

    private static IEnumerable<Experiment> Order(IEnumerable<Experiment> all, IReadOnlyList<string> orderBy)
    {
        // MLflow's default: newest first, then by id.
        if (orderBy.Count == 0) return all.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Id);
        IOrderedEnumerable<Experiment>? sorted = null;
        foreach (var term in orderBy)
        {
            var parts = term.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var desc = parts.Length == 2 && parts[1].Equals("DESC", StringComparison.OrdinalIgnoreCase);
            if (parts.Length is < 1 or > 2 || (parts.Length == 2 && !desc && !parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase)))
                throw MlflowException.Invalid($"Invalid order_by clause '{term}'; expected a key and an optional ASC or DESC.");
            var key = parts[0].Replace("attributes.", "", StringComparison.OrdinalIgnoreCase).Replace("attribute.", "", StringComparison.OrdinalIgnoreCase);
            Func<Experiment, IComparable> by = key switch
            {
                "name" => e => e.Name,
                "experiment_id" => e => e.Id,
                "creation_time" => e => e.CreatedAt,
                "last_update_time" => e => MlflowExperimentFilter.LastUpdate(e),
                _ => throw MlflowException.Invalid($"Invalid order_by key '{key}'; expected name, experiment_id, creation_time or last_update_time."),
            };
            sorted = sorted is null ? (desc ? all.OrderByDescending(by) : all.OrderBy(by)) : (desc ? sorted.ThenByDescending(by) : sorted.ThenBy(by));
        }
        return sorted!.ThenBy(e => e.Id);
    }
}
