namespace IRanker.Model.Training;

/// <summary>How the learning rate moves after the linear warm-up of <see cref="TrainingOptions.WarmupSteps"/> steps.</summary>
/// <example><code>var options = new TrainingOptions { Schedule = LearningRateSchedule.Cosine };</code></example>
public enum LearningRateSchedule
{
    /// <summary>Stays at <see cref="TrainingOptions.LearningRate"/>.</summary>
    Constant,

    /// <summary>Falls linearly to zero at the last step.</summary>
    Linear,

    /// <summary>Falls along a half cosine to zero at the last step.</summary>
    Cosine,
}
