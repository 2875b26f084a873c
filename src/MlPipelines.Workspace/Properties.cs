using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MlPipelines.Workspace.Tests")]
[assembly: InternalsVisibleTo("MlPipelines.Bench.Store")]
