return await MlPipelines.Serving.ScoringHost.RunAsync(args);
