namespace IRanker.Model.Ranking;

/// <summary>Settings of <see cref="IterativeRanker"/> and <see cref="DirectRanker"/>; every property has a documented default.</summary>
/// <example>
/// <code>
/// var options = new RankerOptions
/// {
///     Mode = DecodingMode.Answer,   // generate the ID instead of scoring the IDs
///     MaxAnswerTokens = 24,
///     TokenBudget = 32_768,         // larger forward batches on a GPU
/// };
/// var results = new IterativeRanker(model, options).Rank(queries);
/// </code>
/// </example>
public sealed class RankerOptions
{
    /// <summary>How each elimination is decided. Default <see cref="DecodingMode.Choice"/> (one forward pass per step, no parse failures).</summary>
    public DecodingMode Mode { get; set; } = DecodingMode.Choice;

    /// <summary>
    /// How many candidates each step eliminates. Default <see cref="EliminationSchedule.OnePerStep"/> (the paper's loop);
    /// the others need <see cref="DecodingMode.Choice"/>.
    /// </summary>
    public EliminationSchedule Schedule { get; set; } = EliminationSchedule.OnePerStep;

    /// <summary>Most tokens generated per step in <see cref="DecodingMode.Answer"/> mode. Default 16.</summary>
    public int MaxAnswerTokens { get; set; } = 16;

    /// <summary>Most tokens generated per step in <see cref="DecodingMode.Reasoning"/> mode. Default 256.</summary>
    public int MaxReasoningTokens { get; set; } = 256;

    /// <summary>Most tokens generated for the whole permutation by <see cref="DirectRanker"/>. Default 512.</summary>
    public int MaxDirectTokens { get; set; } = 512;

    /// <summary>Sample the generated tokens instead of taking the most likely one. Default false (greedy, deterministic).</summary>
    /// <remarks>Choice mode always eliminates the most likely ID; sampling applies to the generating modes.</remarks>
    public bool Sample { get; set; }

    /// <summary>Sampling temperature (used when <see cref="Sample"/> is set). Default 1.0.</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches this mass. Default 1.0 (no cut).</summary>
    public double TopP { get; set; } = 1.0;

    /// <summary>Seed of the sampler, so that sampled rankings repeat. Default 0.</summary>
    public long Seed { get; set; }

    /// <summary>
    /// Most tokens in one forward batch, counted as rows x (cached + new positions) of the padded batch. Lists are
    /// grouped per step until the next one would exceed it. A list whose forward pass alone would exceed it (its prompt,
    /// plus every candidate-ID continuation in Choice mode or the tokens to generate otherwise), or would need more
    /// positions than the model's <c>max_position_embeddings</c>, is ranked by <see cref="IterativeRanker"/> as a
    /// tournament of windows that each fit; a candidate too long even alone throws <see cref="PromptTooLongException"/>
    /// before any forward pass. Default 16,384.
    /// </summary>
    public int TokenBudget { get; set; } = 16_384;

    /// <summary>
    /// Keep each list's key/value cache from one step to the next and feed only the tokens after the longest common
    /// token prefix of the two prompts (the system turn, the context and the candidates before the eliminated one).
    /// Default true. The results are the same either way, up to floating-point rounding.
    /// </summary>
    public bool ReusePrefixCache { get; set; } = true;

    /// <summary>Generate exactly the maximum number of tokens, ignoring stop tokens (for throughput measurements). Default false.</summary>
    internal bool ForceFullLength { get; set; }

    /// <summary>Most tokens a step may generate in <see cref="Mode"/> (0 in Choice mode, which generates nothing).</summary>
    internal int StepTokens => Mode switch
    {
        DecodingMode.Answer => MaxAnswerTokens,
        DecodingMode.Reasoning => MaxReasoningTokens,
        _ => 0,
    };

    /// <summary>How to write an answer of at most <paramref name="maxTokens"/> tokens under these settings.</summary>
    internal Elimination.DecodeSettings DecodeSettings(int maxTokens) => new(maxTokens, Sample, Temperature, TopP, ForceFullLength);

    /// <summary>A copy of these options.</summary>
    public RankerOptions Clone() => (RankerOptions)MemberwiseClone();

    /// <summary>Checks the values; the message names the property and the allowed range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">The schedule needs another mode.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        Schedule.CheckMode(Mode, $"RankerOptions.Schedule with RankerOptions.Mode");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAnswerTokens, 1, nameof(MaxAnswerTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReasoningTokens, 1, nameof(MaxReasoningTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDirectTokens, 1, nameof(MaxDirectTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenBudget, 1, nameof(TokenBudget));
        if (!(Temperature > 0)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be positive.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
    }
}
