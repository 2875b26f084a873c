namespace MlPipelines.Pipelines;

/// <summary>Registers model files as a new version of a named model, optionally moving aliases to it.</summary>
public sealed class RegisterStep : Step<RegisterStep>
{
    internal RegisterStep(PipelineBuilder owner, string name, ModelArtifact model, string modelName) : base(owner, name, "register")
    {
        ModelInput = model;
        ModelName = modelName;
        Model = DeclareOutput("model", () => new RegisteredModel(owner, this, "model"));
    }

    internal ModelArtifact ModelInput { get; }
    internal string ModelName { get; }
    internal SortedSet<string> Aliases { get; } = new(StringComparer.Ordinal);
    internal SortedDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    internal override bool ReuseByDefault => false;
    internal override IEnumerable<ArtifactRef> KindInputs => [ModelInput];

    /// <summary>The registered model version.</summary>
    public RegisteredModel Model { get; }

    /// <summary>Points an alias (e.g. <c>challenger</c>) at the new version.</summary>
    public RegisterStep Alias(string alias) { Aliases.Add(alias); return this; }

    /// <summary>Tags the new version.</summary>
    public RegisterStep Tag(string key, string value) { Tags[key] = value; return this; }

    /// <summary>The registered model of this step.</summary>
    public static implicit operator RegisteredModel(RegisterStep step) => step.Model;
}

/// <summary>Moves an alias (e.g. <c>champion</c>) to a registered model version, typically after a gate.</summary>
public sealed class PromoteStep : Step<PromoteStep>
{
    internal PromoteStep(PipelineBuilder owner, string name, RegisteredModel model, string alias) : base(owner, name, "promote")
    {
        ModelInput = model;
        AliasName = alias;
    }

    internal RegisteredModel ModelInput { get; }
    internal string AliasName { get; }
    internal override bool ReuseByDefault => false;
    internal override IEnumerable<ArtifactRef> KindInputs => [ModelInput];
}

/// <summary>Builds a scoring image from a registered model.</summary>
public sealed class ImageStep : Step<ImageStep>
{
    internal ImageStep(PipelineBuilder owner, string name, RegisteredModel model) : base(owner, name, "image")
    {
        ModelInput = model;
        Image = DeclareOutput("image", () => new Image(owner, this, "image"));
    }

    internal RegisteredModel ModelInput { get; }
    internal override IEnumerable<ArtifactRef> KindInputs => [ModelInput];

    /// <summary>The built image.</summary>
    public Image Image { get; }

    /// <summary>The image of this step.</summary>
    public static implicit operator Image(ImageStep step) => step.Image;
}

/// <summary>Deploys an image behind an endpoint, shifting traffic in stages.</summary>
public sealed class DeployStep : Step<DeployStep>
{
    internal DeployStep(PipelineBuilder owner, string name, Image image, string endpoint, string deployment, int traffic) : base(owner, name, "deploy")
    {
        ImageInput = image;
        EndpointName = endpoint;
        DeploymentName = deployment;
        Traffic = traffic;
        Deployment = DeclareOutput("deployment", () => new Deployment(owner, this, "deployment"));
    }

    internal Image ImageInput { get; }
    internal string EndpointName { get; }
    internal string DeploymentName { get; }
    internal int Traffic { get; }
    internal List<int> Stages { get; } = [];
    internal string? TargetName { get; private set; }
    internal override bool ReuseByDefault => false;
    internal override IEnumerable<ArtifactRef> KindInputs => [ImageInput];

    /// <summary>The deployment.</summary>
    public Deployment Deployment { get; }

    /// <summary>Shifts traffic to the new deployment in these percentages (ascending, ending at the final traffic).</summary>
    public DeployStep TrafficStages(params int[] percents) { Stages.AddRange(percents); return this; }

    /// <summary>A request body sent to the new deployment through the pinned header before any traffic moves; a non-2xx answer rolls back.</summary>
    public DeployStep SmokeTest(string requestJson) => With(DeploySettingKeys.SmokeRequest, requestJson);

    /// <summary>The deployment target (e.g. <c>local</c>, <c>docker</c>); the deploy executor's default when unset.</summary>
    public DeployStep Target(string target) { TargetName = target; return this; }
}

/// <summary>Keys of deploy step settings in the plan.</summary>
public static class DeploySettingKeys
{
    /// <summary>The smoke-test request body.</summary>
    public const string SmokeRequest = "smokeRequest";
}
