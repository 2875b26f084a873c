using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MlPipelines.Workspace.Tests")]
[assembly: InternalsVisibleTo("MlPipelines.Bench.Store")]
[assembly: InternalsVisibleTo("MlPipelines.Bench.Server")]
[assembly: InternalsVisibleTo("MlPipelines.Bench.Mlflow")]
// The PostgreSQL store runs these same stores on its own StoreDb (see Sql/StoreDb.cs).
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Postgres")]
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Postgres.Tests")]
// The server keeps its own metadata on the same StoreDb/DbSession abstraction (src/MlPipelines.Server/Store).
[assembly: InternalsVisibleTo("MlPipelines.Server")]
// The remote workspace client reads client folders with the same FileIngest.Enumerate rule as the local stores.
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Remote")]
