namespace IRanker.Model.Training;

/// <summary>Where the elimination steps that the trainer learns from come from.</summary>
/// <example><code>var options = new TrainingOptions { Samples = SampleSource.Mixed };</code></example>
public enum SampleSource
{
    /// <summary>
    /// The paper's single-step samples: a random sub-list of size 2..N of a query that always contains its best
    /// candidate, filled with random other candidates, in random order.
    /// </summary>
    SubLists,

    /// <summary>
    /// On-policy multi-step trajectories: each query starts with all its candidates, and every step removes the
    /// candidate that the policy's first sampled answer eliminated, until one is left.
    /// </summary>
    Trajectories,

    /// <summary>Half of every step's prompts from each source.</summary>
    Mixed,
}
