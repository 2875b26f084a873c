using MlPipelines;
using MlPipelines.Runner.Tests.DemoApp;

return await PipelineApp.RunAsync<DemoPipeline>(args);
