namespace IRanker.Cli.Options;

/// <summary>A flag of its own for a common setting: <c>--rl-steps 50</c> is <c>--set TrainingSteps=50</c>.</summary>
/// <param name="Flag">The flag, with its dashes.</param>
/// <param name="Path">The setting it sets, as <c>--set</c> names it (<c>Training.CheckpointFolder</c>).</param>
/// <param name="Description">Help text.</param>
internal sealed record NamedSetting(string Flag, string Path, string Description);
