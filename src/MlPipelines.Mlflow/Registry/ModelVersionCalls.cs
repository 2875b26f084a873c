using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Registry;

/// <summary><c>model-versions/…</c>: create, get, search, update, delete, set-tag, delete-tag, get-download-uri.</summary>
public static class ModelVersionCalls
{
    private const int MaxResults = 200_000;
    private static readonly string[] TextOps = ["=", "!=", "LIKE", "ILIKE"];

    /// <summary>
    /// <c>{name, source, run_id, tags, run_link, description}</c> → <c>{model_version}</c>, status READY at once. The
    /// model must exist (registered-models/create first, as MLflow's clients do); files come from the source when it names
    /// a run's artifacts the workspace holds (see <see cref="ModelSource"/>), else the version has none and keeps the source.
    /// </summary>
    public static IResult Create(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var name = f.RequiredString("name");
        var source = f.RequiredString("source");
        var tags = RegistryFields.Tags(f);
        workspace.Models.GetModel(name);
        var registration = ModelSource.Request(workspace, name, source, f.String("run_id") is { Length: > 0 } r ? r : null) with
        {
            Description = f.String("description"), Tags = tags, CreatedBy = request.Caller,
        };
        return One(workspace.Models.Register(registration));
    }

    /// <summary><c>?name=&amp;version=</c> → <c>{model_version}</c>.</summary>
    public static IResult Get(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        return One(workspace.Models.Get(new ModelRef(f.RequiredString("name"), RegistryFields.Version(f), null)));
    }

    /// <summary>
    /// <c>{filter, max_results (at most 200000), order_by, page_token}</c> → <c>{model_versions, next_page_token}</c>. The
    /// filter compares <c>name</c>, <c>run_id</c>, <c>source_path</c>, <c>version_number</c> and <c>tags.KEY</c>, joined
    /// by AND; order-by keys are name, version_number, creation_timestamp and last_updated_timestamp (default: name, then
    /// newest version first).
    /// </summary>
    public static IResult Search(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var max = f.Long("max_results") ?? MaxResults;
        if (max < 1 || max > MaxResults)
            throw MlflowException.Invalid($"Invalid value for request parameter max_results. It must be at least 1 and at most {MaxResults}, but got value {max}.");
        var filter = f.String("filter");
        var orderBy = f.Strings("order_by");
        var conditions = RegistryFilter.Parse(filter, new Dictionary<string, string[]>
        {
            ["name"] = [.. TextOps, "IN", "NOT IN"],
            ["run_id"] = ["=", "!=", "IN", "NOT IN"],
            ["source_path"] = TextOps,
            ["version_number"] = ["=", "!=", "<", "<=", ">", ">="],
        }, TextOps);
        var order = RegistryFilter.OrderBy(orderBy, ["name", "version_number", "creation_timestamp", "last_updated_timestamp"]);
        var query = $"model-versions|{filter}|{string.Join(",", orderBy)}";
        var offset = PageToken.Read(f.String("page_token"), query);

        // One model named by '=': read only its versions.
        var names = conditions.FirstOrDefault(c => c is { IsTag: false, Key: "name", Op: "=" }) is { } byName
            ? workspace.Models.Models().Where(m => m.Name == byName.Values[0]).Select(m => m.Name)
            : workspace.Models.Models().Select(m => m.Name);
        var found = names.SelectMany(workspace.Models.Versions).Where(v => conditions.All(c => c.Matches(Field(v, c))));
        IOrderedEnumerable<ModelVersion> sorted = order.Count == 0
            ? found.OrderBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version)
            : Order(found, order).ThenBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version);
        var all = sorted.ToList();
        var page = all.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)max).ToList();
        var next = offset + page.Count < all.Count ? PageToken.Create(offset + page.Count, query) : null;
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("model_versions");
            foreach (var v in page) RegistryWire.Version(w, v);
            w.WriteEndArray();
            MlflowWire.NextPage(w, next);
            w.WriteEndObject();
        });
    }

    /// <summary>PATCH <c>{name, version, description}</c> → <c>{model_version}</c>.</summary>
    public static IResult Update(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        return One(workspace.Models.UpdateVersion(f.RequiredString("name"), RegistryFields.Version(f), f.String("description")));
    }

    /// <summary>DELETE <c>{name, version}</c> → <c>{}</c>; RESOURCE_CONFLICT while an alias or deployment uses the version.</summary>
    public static IResult Delete(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var name = f.RequiredString("name");
        var version = RegistryFields.Version(f);
        RegistryFields.Store(() => workspace.Models.Delete(name, version));
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{name, version, key, value}</c> → <c>{}</c>.</summary>
    public static IResult SetTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        workspace.Models.SetVersionTag(f.RequiredString("name"), RegistryFields.Version(f), f.RequiredString("key"), f.String("value") ?? throw MlflowFields.Missing("value"));
        return MlflowJsonResult.Empty;
    }

    /// <summary>DELETE <c>{name, version, key}</c> → <c>{}</c>; RESOURCE_DOES_NOT_EXIST names the version's tags.</summary>
    public static IResult DeleteTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        workspace.Models.DeleteVersionTag(f.RequiredString("name"), RegistryFields.Version(f), f.RequiredString("key"));
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>?name=&amp;version=</c> → <c>{artifact_uri}</c>: the run artifact path the files came from (see <see cref="ModelSource.DownloadUri"/>).</summary>
    public static IResult GetDownloadUri(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var uri = ModelSource.DownloadUri(workspace, workspace.Models.Get(new ModelRef(f.RequiredString("name"), RegistryFields.Version(f), null)));
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("artifact_uri", uri);
            w.WriteEndObject();
        });
    }

    /// <summary>A <c>{model_version}</c> answer.</summary>
    internal static IResult One(ModelVersion version) => MlflowJsonResult.Ok(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("model_version");
        RegistryWire.Version(w, version);
        w.WriteEndObject();
    });

    private static string? Field(ModelVersion v, RegistryCondition c) => c.IsTag ? v.Tags.GetValueOrDefault(c.Key) : c.Key switch
    {
        "name" => v.Name,
        "run_id" => v.Lineage.RunId,
        "source_path" => v.Source,
        _ => RegistryWire.VersionText(v.Version),
    };

    private static IOrderedEnumerable<ModelVersion> Order(IEnumerable<ModelVersion> found, List<(string Key, bool Descending)> order)
    {
        IOrderedEnumerable<ModelVersion>? sorted = null;
        foreach (var (key, desc) in order)
        {
            Func<ModelVersion, IComparable> by = key switch
            {
                "name" => v => v.Name,
                "version_number" => v => v.Version,
                "creation_timestamp" => v => v.CreatedAt,
                _ => v => v.UpdatedAt ?? v.CreatedAt,
            };
            sorted = sorted is null ? (desc ? found.OrderByDescending(by) : found.OrderBy(by)) : (desc ? sorted.ThenByDescending(by) : sorted.ThenBy(by));
        }
        return sorted!;
    }
}
