using IRanker.MLNet;
using IRanker.MLNet.Engine;
using IRanker.Model.Training;

namespace IRanker.Cli.Options;

/// <summary>
/// The training settings that a user's <c>Training.*</c> settings change: the library's from-scratch recipe for a new
/// model, <see cref="TrainingOptions"/>' defaults for a checkpoint; exactly what the trainer would use if the user set
/// nothing, so that one setting (say the checkpoint folder) leaves every other one as it was.
/// </summary>
internal static class TrainingRecipe
{
    /// <summary>The training settings the trainer resolves for default options.</summary>
    /// <param name="scratch">Whether the model is trained from scratch.</param>
    public static TrainingOptions For(bool scratch)
    {
        var resolved = ResolvedOptions.Resolve(new IRankerOptions(), scratch).Training;
        // The top-level settings are applied again from IRankerOptions at Fit; leave the nested ones at their own defaults.
        var defaults = new TrainingOptions();
        resolved.Steps = defaults.Steps;
        resolved.Seed = defaults.Seed;
        resolved.WarmStartSteps = defaults.WarmStartSteps;
        resolved.Mode = defaults.Mode;
        return resolved;
    }
}
