using IRanker.Model.Elimination;

namespace IRanker.Model.Prompts;

/// <summary>The most a forward pass of one list may need: the model's positions and the ranker's token budget.</summary>
/// <param name="MaxPositions">The model's <c>max_position_embeddings</c>.</param>
/// <param name="TokenBudget"><see cref="RankerOptions.TokenBudget"/>.</param>
internal readonly record struct PromptLimit(int MaxPositions, int TokenBudget)
{
    /// <summary>Whether <paramref name="pass"/> fits.</summary>
    public bool Admits(PromptPass pass) => pass.Positions <= MaxPositions && pass.Tokens <= TokenBudget;

    /// <summary>The limit <paramref name="pass"/> breaks first, for messages.</summary>
    public string Describe(PromptPass pass) => pass.Positions > MaxPositions
        ? $"{pass.Positions:N0} positions, more than the model's max_position_embeddings of {MaxPositions:N0}"
        : $"{pass.Tokens:N0} tokens in one forward pass, more than RankerOptions.TokenBudget = {TokenBudget:N0}";
}
