using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MlPipelines.Workspace.Tests")]
[assembly: InternalsVisibleTo("MlPipelines.Bench.Store")]
// The PostgreSQL store runs these same stores on its own StoreDb (see Sql/StoreDb.cs).
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Postgres")]
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Postgres.Tests")]
// The remote workspace client reads client folders with the same FileIngest.Enumerate rule as the local stores.
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Remote")]
