using MlPipelines;
using TextFeaturesExample;

return await PipelineApp.RunAsync<TextFeaturesPipeline>(args);
