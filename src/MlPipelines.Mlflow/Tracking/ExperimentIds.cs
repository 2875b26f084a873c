using System.Globalization;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// MLflow experiment ids: the experiment's stable numeric id in the workspace, except that MLflow's default
/// experiment, id <c>0</c>, is the experiment named <c>Default</c> (created by its first run, listed before that).
/// </summary>
public sealed class ExperimentIds
{
    /// <summary>The id MLflow clients use for the experiment they did not choose.</summary>
    public const string DefaultId = "0";
    /// <summary>The name of that experiment.</summary>
    public const string DefaultName = "Default";

    private readonly IReadOnlyList<Experiment> _all;

    /// <summary>A view of the experiments of a store as read now.</summary>
    public ExperimentIds(IRunStore runs)
    {
        var listed = runs.ListExperiments();
        _all = listed.Any(e => e.Name == DefaultName) ? listed : [new Experiment(DefaultName, DateTimeOffset.UnixEpoch, 0, null), .. listed];
    }

    /// <summary>Every experiment, the default one included.</summary>
    public IReadOnlyList<Experiment> All => _all;

    /// <summary>The MLflow id of an experiment.</summary>
    public static string IdOf(Experiment e) => e.Name == DefaultName ? DefaultId : e.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The MLflow id of the experiment named <paramref name="name"/>.</summary>
    public string IdOfName(string name) => _all.FirstOrDefault(e => e.Name == name) is { } e ? IdOf(e) : "";

    /// <summary>The experiment with that MLflow id, or null.</summary>
    public Experiment? Find(string id) => _all.FirstOrDefault(e => IdOf(e) == id || e.Id.ToString(CultureInfo.InvariantCulture) == id && e.Id > 0);

    /// <summary>The experiment with that MLflow id; RESOURCE_DOES_NOT_EXIST otherwise (MLflow's message).</summary>
    public Experiment Get(string id) => Find(id) ?? throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist, $"No Experiment with id={id} exists");
}
