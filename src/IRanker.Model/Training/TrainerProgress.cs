using IRanker.Model.Training.Sampling;

namespace IRanker.Model.Training;

/// <summary>Where a training run stands: steps done, the random source and the data streams; what a checkpoint restores.</summary>
internal sealed class TrainerProgress(TrainingOptions options)
{
    public int WarmStartDone { get; set; }
    public int ReinforcementDone { get; set; }
    public int GlobalStep => WarmStartDone + ReinforcementDone;
    public TrainingRandom Random { get; set; } = new(options.Seed);
    public QueryStream? Stream { get; set; }
    public TrajectoryPool Trajectories { get; set; } = new(options.PromptsPerStep * options.GradientAccumulationSteps);
}
