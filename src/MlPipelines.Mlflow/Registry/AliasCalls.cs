using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Registry;

/// <summary>
/// <c>registered-models/alias</c> POST (set), DELETE and GET (the version an alias points at). These are the workspace's
/// aliases: every move lands in the same history as <c>mlp model alias</c>, recorded as the caller.
/// </summary>
public static partial class AliasCalls
{
    [GeneratedRegex("^v[0-9]+$")]
    private static partial Regex VersionAlias();

    /// <summary><c>{name, alias, version}</c> → <c>{}</c>: moves (or creates) the alias.</summary>
    public static IResult Set(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var name = f.RequiredString("name");
        var alias = f.RequiredString("alias");
        var version = RegistryFields.Version(f);
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase)) throw MlflowException.Invalid("'latest' alias name (case insensitive) is reserved.");
        if (VersionAlias().IsMatch(alias)) throw MlflowException.Invalid($"Version alias name '{alias}' is reserved.");
        workspace.Models.SetAlias(name, alias, version, request.Caller, "set through the MLflow API");
        return MlflowJsonResult.Empty;
    }

    /// <summary>DELETE <c>{name, alias}</c> → <c>{}</c>; RESOURCE_DOES_NOT_EXIST names the model's aliases.</summary>
    public static IResult Delete(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        workspace.Models.DeleteAlias(f.RequiredString("name"), f.RequiredString("alias"), request.Caller, "deleted through the MLflow API");
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>?name=&amp;alias=</c> → <c>{model_version}</c>.</summary>
    public static IResult Get(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        return ModelVersionCalls.One(workspace.Models.Get(new ModelRef(f.RequiredString("name"), null, f.RequiredString("alias"))));
    }
}
