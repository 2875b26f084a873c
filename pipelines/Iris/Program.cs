using Iris.Pipeline;
using MlPipelines;

return await PipelineApp.RunAsync<IrisPipeline>(args);
