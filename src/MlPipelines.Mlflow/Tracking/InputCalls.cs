using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// <c>runs/log-inputs</c>: datasets the client describes (name, digest, source) are kept with the run as
/// <see cref="ExternalDatasetInput"/>s and answered in <c>inputs.dataset_inputs</c> of runs/get and runs/search. They
/// are not workspace datasets (those are versions stored in the workspace, recorded by <see cref="IRunStore.AddDatasetInput"/>).
/// </summary>
public static class InputCalls
{
    // MLflow's limits (mlflow/utils/validation.py).
    private const int MaxDatasets = 1000;
    private const int MaxNameLength = 500;
    private const int MaxDigestLength = 36;
    private const int MaxSourceLength = 65535;
    private const int MaxSchemaLength = 1048575;
    private const int MaxProfileLength = 16777215;
    private const int MaxTagKeyLength = 255;
    private const int MaxTagValueLength = 500;

    /// <summary>
    /// <c>{run_id, datasets: [{tags: [{key, value}], dataset: {name, digest, source_type, source, schema, profile}}]}</c>
    /// → <c>{}</c>, for an active run; all or nothing. A dataset the run already has (same name and digest) keeps its first input tags, as in MLflow.
    /// </summary>
    public static IResult LogInputs(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var runId = request.RunId();
        var datasets = f.Objects("datasets");
        if (datasets.Count > MaxDatasets)
            throw MlflowException.Invalid($"A batch logging request can contain at most {MaxDatasets} datasets. Got {datasets.Count} datasets. Please split up datasets across multiple requests and try again.");
        var inputs = datasets.Select(Input).ToList();
        RunCalls.Active(workspace.Runs.GetRun(runId));
        workspace.Runs.AddExternalDatasetInputs(runId, inputs);
        return MlflowJsonResult.Empty;
    }

    private static ExternalDatasetInput Input(MlflowFields input)
    {
        var d = input.Object("dataset") ?? throw MlflowException.Invalid("Dataset cannot be None");
        var name = Limited(Required(d, "name"), "name", MaxNameLength);
        var digest = Limited(Required(d, "digest"), "digest", MaxDigestLength);
        var sourceType = Required(d, "source_type");
        var source = Limited(Required(d, "source"), "source", MaxSourceLength);
        var schema = d.String("schema") is { } sc ? Limited(sc, "schema", MaxSchemaLength) : null;
        var profile = d.String("profile") is { } pr ? Limited(pr, "profile", MaxProfileLength) : null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in input.Objects("tags"))
        {
            var key = t.String("key") ?? throw MlflowException.Invalid("InputTag key cannot be None");
            var value = t.String("value") ?? throw MlflowException.Invalid("InputTag value cannot be None");
            tags[Limited(key, "key", MaxTagKeyLength)] = Limited(value, "value", MaxTagValueLength);
        }
        return new ExternalDatasetInput(name, digest, sourceType, source, schema, profile) { Tags = tags };
    }

    private static string Required(MlflowFields d, string field) =>
        d.String(field) is { Length: > 0 } value ? value : throw MlflowException.Invalid($"Dataset {field} cannot be None");

    private static string Limited(string value, string field, int limit) =>
        value.Length <= limit ? value : throw MlflowException.Invalid($"'{field}' exceeds the maximum length of {limit} characters");
}
