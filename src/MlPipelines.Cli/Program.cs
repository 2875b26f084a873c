using MlPipelines.Cli;
using MlPipelines.CommandLine;

Consoles.Configure();
return await CommandLineApp.InvokeAsync(CliRoot.Create().Parse(args));
