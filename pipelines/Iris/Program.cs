using IrisExample;
using MlPipelines;

return await PipelineApp.RunAsync<IrisPipeline>(args);
