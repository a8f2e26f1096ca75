// Each fixture has its own browser context; fixtures run side by side to keep the run short.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(3)]
