using IRanker.Model.Elimination;

namespace IRanker.Model.Step;

/// <summary>What one ranking run cost: forward passes and tokens, to see what prefix reuse and batching save.</summary>
/// <param name="ForwardBatches">Forward passes over prompts (one per batch per step; decoding passes are not counted).</param>
/// <param name="PromptTokens">Tokens of all step prompts, as if each ran in full.</param>
/// <param name="ReusedTokens">Prompt tokens taken from a list's cache instead of being run again.</param>
/// <param name="ChoiceTokens">Candidate-ID tokens scored in Choice mode.</param>
/// <param name="GeneratedTokens">Tokens generated in Answer and Reasoning modes (each row, up to its stop).</param>
/// <example>
/// <code>
/// var ranker = new IterativeRanker(model);
/// ranker.Rank(queries);
/// Console.WriteLine($"{ranker.LastCounters.ReusedFraction:P0} of the prompt tokens came from the cache");
/// </code>
/// </example>
public sealed record InferenceCounters(long ForwardBatches, long PromptTokens, long ReusedTokens, long ChoiceTokens, long GeneratedTokens)
{
    /// <summary>No work.</summary>
    public static InferenceCounters Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>
    /// The largest forward batch of the run, in padded tokens (rows x (cached + new positions), as
    /// <see cref="RankerOptions.TokenBudget"/> counts them). Bounded by the budget; a run that held more would show it here.
    /// </summary>
    public long LargestBatchTokens { get; init; }

    /// <summary>Prompt tokens that ran through the model.</summary>
    public long ComputedPromptTokens => PromptTokens - ReusedTokens;

    /// <summary>The share of prompt tokens taken from the cache (0 without reuse).</summary>
    public double ReusedFraction => PromptTokens == 0 ? 0 : (double)ReusedTokens / PromptTokens;

    /// <summary>The sum of two counts.</summary>
    public static InferenceCounters operator +(InferenceCounters a, InferenceCounters b) => new(
        a.ForwardBatches + b.ForwardBatches, a.PromptTokens + b.PromptTokens, a.ReusedTokens + b.ReusedTokens,
        a.ChoiceTokens + b.ChoiceTokens, a.GeneratedTokens + b.GeneratedTokens)
    {
        LargestBatchTokens = Math.Max(a.LargestBatchTokens, b.LargestBatchTokens),
    };
}
