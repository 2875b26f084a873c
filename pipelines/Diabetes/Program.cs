using DiabetesExample;
using MlPipelines;

return await PipelineApp.RunAsync<DiabetesPipeline>(args);
