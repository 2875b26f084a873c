using MlPipelines.Cli;

return await CliRoot.Create().Parse(args).InvokeAsync();
