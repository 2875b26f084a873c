namespace MlPipelines.Pipelines;

/// <summary>
/// A typed handle to data flowing between steps: a pipeline data reference or an output of a step. Handles are created
/// by the builder and step objects only; their concrete type decides where they may be wired.
/// </summary>
public abstract class ArtifactRef
{
    private protected ArtifactRef(PipelineBuilder owner, Step? producer, string name)
    {
        Owner = owner;
        Producer = producer;
        Name = name;
    }

    internal PipelineBuilder Owner { get; }
    /// <summary>The step producing this artifact, or null for a pipeline data reference.</summary>
    internal Step? Producer { get; }
    /// <summary>The output (or data) name.</summary>
    public string Name { get; }
    /// <summary>The artifact type as written in the plan (dataset, model, metrics, file, folder…).</summary>
    internal abstract string TypeName { get; }
    /// <summary>How a consuming step refers to it (its input key): the data name, or <c>step.output</c>.</summary>
    public string Key => Producer is null ? Name : $"{Producer.Name}.{Name}";

    /// <summary>The placeholder of this artifact as seen from another step, e.g. <c>${inputs.train.model}</c>.</summary>
    public override string ToString() => "${inputs." + Key + "}";
}

/// <summary>Files or folders that can be read as data (datasets and plain files/folders).</summary>
public abstract class DataArtifact : ArtifactRef
{
    private protected DataArtifact(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
}

/// <summary>A dataset: a local file/folder or a versioned workspace dataset, or a dataset-typed step output.</summary>
public sealed class Dataset : DataArtifact
{
    internal Dataset(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "dataset";
}

/// <summary>A single file produced by a step.</summary>
public sealed class FileArtifact : DataArtifact
{
    internal FileArtifact(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "file";
}

/// <summary>A folder produced by a step.</summary>
public sealed class FolderArtifact : DataArtifact
{
    internal FolderArtifact(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "folder";
}

/// <summary>Trained model files (a folder) produced by a step, not yet registered.</summary>
public sealed class ModelArtifact : ArtifactRef
{
    internal ModelArtifact(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "model";
}

/// <summary>Metrics computed by a step (a folder holding <c>metrics.json</c>).</summary>
public sealed class Metrics : ArtifactRef
{
    internal Metrics(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "metrics";
}

/// <summary>A model version in the workspace registry (name + version), produced by a Register step.</summary>
public sealed class RegisteredModel : ArtifactRef
{
    internal RegisteredModel(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "registered-model";
}

/// <summary>A scoring image, produced by an Image step.</summary>
public sealed class Image : ArtifactRef
{
    internal Image(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "image";
}

/// <summary>A running deployment behind an endpoint, produced by a Deploy step.</summary>
public sealed class Deployment : ArtifactRef
{
    internal Deployment(PipelineBuilder owner, Step? producer, string name) : base(owner, producer, name) { }
    internal override string TypeName => "deployment";
}
