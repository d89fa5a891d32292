namespace IRanker.Model.Training;

/// <summary>The learning rate of a step: linear warm-up from 0, then the chosen schedule down to 0 at the last step.</summary>
internal static class LearningRateScheduler
{
    /// <param name="peak">The learning rate after warm-up.</param>
    /// <param name="step">0-based step within the phase.</param>
    /// <param name="totalSteps">Steps in the phase.</param>
    /// <param name="warmupSteps">Steps of linear warm-up.</param>
    /// <param name="schedule">The shape after warm-up.</param>
    public static double At(double peak, int step, int totalSteps, int warmupSteps, LearningRateSchedule schedule)
    {
        if (warmupSteps > 0 && step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (schedule == LearningRateSchedule.Constant) return peak;
        int decaySteps = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Clamp((double)(step - warmupSteps) / decaySteps, 0, 1);
        return schedule == LearningRateSchedule.Linear
            ? peak * (1 - progress)
            : peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
