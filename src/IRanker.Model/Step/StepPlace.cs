namespace IRanker.Model.Step;

/// <summary>Where one elimination step is scored: a row and the index of the step's branch point in it (0 for a single step).</summary>
/// <param name="Row">The row (several steps may share a packed one).</param>
/// <param name="Point">The step's branch point in <paramref name="Row"/>: its earlier steps first, its last step last.</param>
internal readonly record struct StepPlace(StepRow Row, int Point);
