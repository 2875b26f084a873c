// The tests start real processes and drive load through them; on a 2-core machine running classes in parallel makes
// cold processes miss health-check deadlines, so classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
