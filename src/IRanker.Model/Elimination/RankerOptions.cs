using IRanker.Model.Prompts;
using IRanker.Model.Step;

namespace IRanker.Model.Elimination;

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

    /// <summary>
    /// In how many orders each elimination step shows the remaining candidates (<see cref="IterativeRanker"/>, Choice
    /// mode): the step averages the orders' Choice distributions (the probabilities, per candidate) and eliminates by
    /// the average, so that a candidate's place in the list weighs less. The first order is the pool's own; when the
    /// value is at least n! for a pool of n candidates every order is used once, so the step does not depend on the
    /// order the candidates came in; otherwise the other orders are drawn from a generator seeded by <see cref="Seed"/>
    /// and the pool size. Candidates keep their IDs in every order. Default 1: one order, the paper's step.
    /// </summary>
    /// <remarks>
    /// Cost: a step runs min(value, n!) prompts per list instead of one, so k times the prompt tokens (each extra order
    /// reuses the list's prefix cache for the context); the number of forward passes stays the same while a step's rows
    /// fit in <see cref="TokenBudget"/>, and grows by the rows that do not. Any value above 1 needs
    /// <see cref="DecodingMode.Choice"/> (the generating modes have no distribution to average).
    /// </remarks>
    public int OrderSamples { get; set; } = 1;

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

    /// <summary>Most tokens a step may generate in <see cref="Mode"/> (0 in Choice mode, which generates nothing).</summary>
    internal int StepTokens => Mode switch
    {
        DecodingMode.Answer => MaxAnswerTokens,
        DecodingMode.Reasoning => MaxReasoningTokens,
        _ => 0,
    };

    /// <summary>How to write an answer of at most <paramref name="maxTokens"/> tokens under these settings.</summary>
    internal Step.DecodeSettings DecodeSettings(int maxTokens) => new(maxTokens, Sample, Temperature, TopP);

    /// <summary>A copy of these options.</summary>
    public RankerOptions Clone() => (RankerOptions)MemberwiseClone();

    /// <summary>Throws when <paramref name="orderSamples"/> is below 1, or above 1 with a mode that has no distribution to average.</summary>
    /// <param name="orderSamples">The value of <see cref="OrderSamples"/>.</param>
    /// <param name="mode">The decoding mode it is used with.</param>
    /// <param name="name">The setting's name in messages (e.g. <c>RankerOptions.OrderSamples</c>).</param>
    /// <param name="modeName">The mode setting's name in messages.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="orderSamples"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="orderSamples"/> is above 1 and <paramref name="mode"/> is not <see cref="DecodingMode.Choice"/>.</exception>
    internal static void CheckOrderSamples(int orderSamples, DecodingMode mode, string name, string modeName)
    {
        if (orderSamples < 1)
            throw new ArgumentOutOfRangeException(name, orderSamples,
                $"{name} must be 1 or more: the number of orders in which each elimination step shows the candidates (1 = the order given, the default; 2-4 average out position bias at 2-4 times the prompt tokens).");
        if (orderSamples > 1 && mode != DecodingMode.Choice)
            throw new ArgumentException(
                $"{name} = {orderSamples} needs DecodingMode.Choice (it averages the step's Choice distributions over the orders), but {modeName} is {mode}. " +
                $"Use {name} = 1 with {mode}, or DecodingMode.Choice with {name} = {orderSamples}.", name);
    }

    /// <summary>Checks the values; the message names the property and the allowed range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">The schedule or <see cref="OrderSamples"/> needs another mode.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        Schedule.CheckMode(Mode, $"RankerOptions.Schedule with RankerOptions.Mode");
        CheckOrderSamples(OrderSamples, Mode, $"{nameof(RankerOptions)}.{nameof(OrderSamples)}", $"{nameof(RankerOptions)}.{nameof(Mode)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAnswerTokens, 1, nameof(MaxAnswerTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReasoningTokens, 1, nameof(MaxReasoningTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDirectTokens, 1, nameof(MaxDirectTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenBudget, 1, nameof(TokenBudget));
        if (!(Temperature > 0)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be positive.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
    }
}
