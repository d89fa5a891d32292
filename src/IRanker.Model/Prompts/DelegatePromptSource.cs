using IRanker.Model.Elimination;
using IRanker.Model.Text;

namespace IRanker.Model.Prompts;

/// <summary>
/// Token ids of step prompts written by a function of the query and its remaining candidates (a prompt of the caller's
/// own, for the same text in every mode); the continuations are the shared ones of <see cref="TokenizerPromptSource"/>.
/// </summary>
internal sealed class DelegatePromptSource(TextTokenizer tokenizer, Func<RankingQuery, IReadOnlyList<int>, string> prompt) : TokenizerPromptSource(tokenizer)
{
    /// <inheritdoc/>
    protected override string StepText(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode) => prompt(query, remaining);

    /// <inheritdoc/>
    public override PromptLayout Layout => PromptLayout.Rebuilt;

    /// <inheritdoc/>
    protected override string NextTurnText(RankingQuery query, DecodingMode mode) =>
        throw new NotSupportedException("A prompt function writes rebuilt step prompts only (PromptLayout.Rebuilt).");

    /// <inheritdoc/>
    protected override string DirectText(RankingQuery query, DecodingMode mode) =>
        throw new NotSupportedException("A prompt function writes elimination steps only; rank with IterativeRanker.");
}
