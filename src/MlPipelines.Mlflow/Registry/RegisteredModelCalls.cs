using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Registry;

/// <summary><c>registered-models/…</c>: create, get, search, update, rename, delete, set-tag, delete-tag, get-latest-versions.</summary>
public static class RegisteredModelCalls
{
    private const int DefaultMax = 100;
    private const int MaxResults = 1000;
    private static readonly string[] Stages = ["None", "Staging", "Production", "Archived"];

    /// <summary><c>{name, tags, description}</c> → <c>{registered_model}</c>; RESOURCE_ALREADY_EXISTS for a taken name.</summary>
    public static IResult Create(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var name = ModelSource.Name(f.RequiredString("name"));
        var tags = RegistryFields.Tags(f);
        var model = RegistryFields.Store(() => workspace.Models.CreateModel(name, f.String("description"), tags, request.Caller), takenName: true);
        return One(workspace, model);
    }

    /// <summary><c>?name=</c> → <c>{registered_model}</c>.</summary>
    public static IResult Get(MlflowRequest request, IWorkspace workspace) => One(workspace, workspace.Models.GetModel(request.Fields.RequiredString("name")));

    /// <summary>
    /// <c>{filter, max_results (default 100, at most 1000), order_by, page_token}</c> → <c>{registered_models, next_page_token}</c>.
    /// The filter compares <c>name</c> (=, !=, LIKE, ILIKE) and <c>tags.KEY</c>, joined by AND; order-by keys are name,
    /// last_updated_timestamp (or timestamp) and creation_timestamp, ties by name.
    /// </summary>
    public static IResult Search(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var max = f.Long("max_results") ?? DefaultMax;
        if (max < 1 || max > MaxResults)
            throw MlflowException.Invalid($"Invalid value for request parameter max_results. It must be at least 1 and at most {MaxResults}, but got value {max}.");
        var filter = f.String("filter");
        var orderBy = f.Strings("order_by");
        var conditions = RegistryFilter.Parse(filter, new Dictionary<string, string[]> { ["name"] = ["=", "!=", "LIKE", "ILIKE"] }, ["=", "!=", "LIKE", "ILIKE"]);
        var order = RegistryFilter.OrderBy(orderBy, ["name", "last_updated_timestamp", "timestamp", "creation_timestamp"]);
        var query = $"registered-models|{filter}|{string.Join(",", orderBy)}";
        var offset = PageToken.Read(f.String("page_token"), query);

        var found = workspace.Models.Models().Where(m => conditions.All(c => c.Matches(c.IsTag ? m.Tags.GetValueOrDefault(c.Key) : m.Name)));
        IOrderedEnumerable<RegisteredModel>? sorted = null;
        foreach (var (key, desc) in order)
        {
            Func<RegisteredModel, IComparable> by = key switch
            {
                "name" => m => m.Name,
                "creation_timestamp" => m => m.CreatedAt,
                _ => m => m.UpdatedAt,
            };
            sorted = sorted is null ? (desc ? found.OrderByDescending(by) : found.OrderBy(by)) : (desc ? sorted.ThenByDescending(by) : sorted.ThenBy(by));
        }
        var all = (sorted?.ThenBy(m => m.Name, StringComparer.Ordinal) ?? found.OrderBy(m => m.Name, StringComparer.Ordinal)).ToList();
        var page = all.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)max).Select(m => (m, RegistryFields.Latest(workspace.Models, m))).ToList();
        var next = offset + page.Count < all.Count ? PageToken.Create(offset + page.Count, query) : null;
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("registered_models");
            foreach (var (m, latest) in page) RegistryWire.Model(w, m, latest);
            w.WriteEndArray();
            Protocol.MlflowWire.NextPage(w, next);
            w.WriteEndObject();
        });
    }

    /// <summary>PATCH <c>{name, description}</c> → <c>{registered_model}</c>.</summary>
    public static IResult Update(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        return One(workspace, workspace.Models.UpdateModel(f.RequiredString("name"), f.String("description")));
    }

    /// <summary><c>{name, new_name}</c> → <c>{registered_model}</c>; versions, aliases and alias history follow the model.</summary>
    public static IResult Rename(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var name = f.RequiredString("name");
        var newName = ModelSource.Name(f.RequiredString("new_name"));
        return One(workspace, RegistryFields.Store(() => workspace.Models.RenameModel(name, newName), takenName: true));
    }

    /// <summary>DELETE <c>{name}</c> → <c>{}</c>: the model and every version; RESOURCE_CONFLICT while an alias or deployment uses one.</summary>
    public static IResult Delete(MlflowRequest request, IWorkspace workspace)
    {
        var name = request.Fields.RequiredString("name");
        RegistryFields.Store(() => workspace.Models.DeleteModel(name));
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{name, key, value}</c> → <c>{}</c>.</summary>
    public static IResult SetTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        workspace.Models.SetModelTag(f.RequiredString("name"), f.RequiredString("key"), f.String("value") ?? throw MlflowFields.Missing("value"));
        return MlflowJsonResult.Empty;
    }

    /// <summary>DELETE <c>{name, key}</c> → <c>{}</c>; RESOURCE_DOES_NOT_EXIST names the model's tags.</summary>
    public static IResult DeleteTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        workspace.Models.DeleteModelTag(f.RequiredString("name"), f.RequiredString("key"));
        return MlflowJsonResult.Empty;
    }

    /// <summary>
    /// <c>{name, stages}</c> → <c>{model_versions}</c>. The workspace has no stages: every version is in stage "None", so
    /// the answer is the latest version when <c>stages</c> is empty or includes "None", and empty for other stages.
    /// </summary>
    public static IResult GetLatestVersions(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var model = workspace.Models.GetModel(f.RequiredString("name"));
        var stages = f.Strings("stages").SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        foreach (var s in stages.Where(s => !Stages.Contains(s, StringComparer.OrdinalIgnoreCase)))
            throw MlflowException.Invalid($"Invalid Model Version stage: {s}. Value must be one of {string.Join(", ", Stages)}.");
        var latest = stages.Count == 0 || stages.Contains(RegistryWire.NoStage, StringComparer.OrdinalIgnoreCase) ? RegistryFields.Latest(workspace.Models, model) : null;
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("model_versions");
            if (latest is not null) RegistryWire.Version(w, latest);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static IResult One(IWorkspace workspace, RegisteredModel model)
    {
        var latest = RegistryFields.Latest(workspace.Models, model);
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("registered_model");
            RegistryWire.Model(w, model, latest);
            w.WriteEndObject();
        });
    }
}
