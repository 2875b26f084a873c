using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// <c>experiments/update</c> (rename), <c>delete</c>, <c>restore</c>, <c>set-experiment-tag</c> and
/// <c>delete-experiment-tag</c>. Deletion is soft: the experiment and its runs read as <c>deleted</c> and come back
/// with restore. The default experiment (id 0) cannot be renamed or deleted.
/// </summary>
public static class ExperimentLifecycleCalls
{
    /// <summary><c>{experiment_id, new_name}</c> → <c>{}</c>: renames an active experiment (no new name: nothing changes).</summary>
    public static IResult Update(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var experiment = new ExperimentIds(workspace.Runs).Get(f.RequiredString("experiment_id"));
        if (f.String("new_name") is not { Length: > 0 } newName) return MlflowJsonResult.Empty;
        if (experiment.DeletedAt is not null) throw MlflowException.Invalid("Cannot rename a non-active experiment.");
        if (ExperimentIds.IdOf(experiment) == ExperimentIds.DefaultId && newName != experiment.Name)
            throw MlflowException.Invalid($"Cannot rename the default experiment '0': in this workspace id 0 is the experiment named '{ExperimentIds.DefaultName}'.");
        try { workspace.Runs.RenameExperiment(experiment.Name, newName); }
        catch (MlpException e) when (e.Kind == ErrorKind.Conflict)
        {
            throw new MlflowException(MlflowErrorCode.ResourceAlreadyExists, $"Experiment '{newName}' already exists.");
        }
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{experiment_id}</c> → <c>{}</c>: soft-deletes an active experiment and so its runs; RESOURCE_DOES_NOT_EXIST when none is active with that id.</summary>
    public static IResult Delete(MlflowRequest request, IWorkspace workspace)
    {
        var id = request.Fields.RequiredString("experiment_id");
        if (id == ExperimentIds.DefaultId) throw MlflowException.Invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
        var experiment = new ExperimentIds(workspace.Runs).Get(id);
        if (experiment.DeletedAt is not null)
            throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist, $"No active experiment with id={id} exists: '{experiment.Name}' is already deleted.");
        workspace.Runs.DeleteExperiment(experiment.Name);
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{experiment_id}</c> → <c>{}</c>: restores a deleted experiment and its runs not deleted on their own; RESOURCE_DOES_NOT_EXIST when none is deleted with that id.</summary>
    public static IResult Restore(MlflowRequest request, IWorkspace workspace)
    {
        var id = request.Fields.RequiredString("experiment_id");
        var experiment = new ExperimentIds(workspace.Runs).Get(id);
        if (experiment.DeletedAt is null)
            throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist, $"No deleted experiment with id={id} exists: '{experiment.Name}' is active.");
        workspace.Runs.RestoreExperiment(experiment.Name);
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{experiment_id, key, value}</c> → <c>{}</c>: sets or overwrites a tag of an active experiment.</summary>
    public static IResult SetTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var experiment = Active(workspace, f.RequiredString("experiment_id"));
        var tag = LoggingCalls.Tags([f]);
        if (experiment.Id == 0) Materialize(workspace, experiment);
        workspace.Runs.SetExperimentTags(experiment.Name, tag);
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{experiment_id, key}</c> → <c>{}</c>: removes a tag; RESOURCE_DOES_NOT_EXIST when the experiment has no tag of that name.</summary>
    public static IResult DeleteTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var id = f.RequiredString("experiment_id");
        var experiment = Active(workspace, id);
        var key = f.RequiredString("key");
        if (!experiment.Tags.ContainsKey(key))
            throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist,
                $"No tag with name: {key} in experiment with id {id}" + (experiment.Tags.Count == 0 ? " (it has no tags)." : $" (its tags: {string.Join(", ", experiment.Tags.Keys.Order(StringComparer.Ordinal))})."));
        workspace.Runs.DeleteExperimentTag(experiment.Name, key);
        return MlflowJsonResult.Empty;
    }

    private static Experiment Active(IWorkspace workspace, string id)
    {
        var experiment = new ExperimentIds(workspace.Runs).Get(id);
        if (experiment.DeletedAt is not null)
            throw MlflowException.Invalid($"The experiment {id} must be in the 'active' state. Current state is deleted.");
        return experiment;
    }

    // The default experiment is listed before its first run creates it; a tag needs it stored.
    private static void Materialize(IWorkspace workspace, Experiment experiment)
    {
        try { workspace.Runs.CreateExperiment(experiment.Name); }
        catch (MlpException e) when (e.Kind == ErrorKind.Conflict) { } // created meanwhile
    }
}
