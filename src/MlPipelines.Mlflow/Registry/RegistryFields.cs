using System.Globalization;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Registry;

/// <summary>The request fields and store errors every registry call shares, read and answered the MLflow way.</summary>
internal static class RegistryFields
{
    /// <summary>The required <c>version</c> field: a positive whole number, sent as a string or a number.</summary>
    public static int Version(MlflowFields f)
    {
        var text = f.RequiredString("version");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw MlflowException.Invalid($"Invalid value '{text}' for parameter 'version' supplied: expected a model version number (a positive integer).");
    }

    /// <summary>The <c>tags</c> list of <c>{key, value}</c> objects as a dictionary; a key given twice is refused.</summary>
    public static Dictionary<string, string> Tags(MlflowFields f)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in f.Objects("tags"))
        {
            var key = t.RequiredString("key");
            if (!tags.TryAdd(key, t.String("value") ?? ""))
                throw MlflowException.Invalid($"Tag '{key}' is given twice in 'tags'; give each key once.");
        }
        return tags;
    }

    /// <summary>
    /// Runs a store call, answering its refusals the MLflow way: a taken name is RESOURCE_ALREADY_EXISTS
    /// (<paramref name="takenName"/>), a refusal because of the model's state (an alias or deployment uses it) is
    /// RESOURCE_CONFLICT (409); other errors as every MLflow call maps them.
    /// </summary>
    public static T Store<T>(Func<T> call, bool takenName = false)
    {
        try { return call(); }
        catch (MlpException e) when (e.Kind == ErrorKind.Conflict)
        {
            throw new MlflowException(takenName ? MlflowErrorCode.ResourceAlreadyExists : MlflowErrorCode.ResourceConflict, e.Message);
        }
    }

    /// <summary><see cref="Store{T}"/> for a call without a result.</summary>
    public static void Store(Action call, bool takenName = false) => Store(() => { call(); return 0; }, takenName);

    /// <summary>The latest version of a model, or null when it has none.</summary>
    public static ModelVersion? Latest(IModelRegistry models, RegisteredModel m) =>
        m.LatestVersion is { } v ? models.Get(new ModelRef(m.Name, v, null)) : null;
}
