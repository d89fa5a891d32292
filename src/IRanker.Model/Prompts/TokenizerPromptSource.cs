using IRanker.Model.Text;

namespace IRanker.Model.Prompts;

/// <summary>
/// Token ids from a tokenizer; the prompt texts come from the derived class. Holds the one definition of a candidate's
/// Choice continuation, which training and ranking both score: the candidate's ID followed by <c>&lt;/answer&gt;</c>,
/// encoded on its own (the step prompt ends by opening <c>&lt;answer&gt;</c>). The closing tag makes <c>passage 1</c>
/// and <c>passage 10</c> different sequences: without it, <c>passage 1</c> would also be the start of <c>passage 10</c>.
/// </summary>
internal abstract class TokenizerPromptSource(TextTokenizer tokenizer) : IStepPromptSource
{
    private readonly Dictionary<string, int[]> nextTurns = new(StringComparer.Ordinal);

    /// <summary>The tokenizer.</summary>
    public TextTokenizer Tokenizer => tokenizer;

    /// <summary>The text of the step prompt.</summary>
    protected abstract string StepText(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode);

    /// <summary>The text that follows an earlier answer in an append-only step prompt.</summary>
    protected abstract string NextTurnText(RankingQuery query, DecodingMode mode);

    /// <inheritdoc/>
    public abstract PromptLayout Layout { get; }

    /// <inheritdoc/>
    public int[] NextTurn(RankingQuery query, DecodingMode mode)
    {
        string text = NextTurnText(query, mode);
        lock (nextTurns)
        {
            if (!nextTurns.TryGetValue(text, out var ids)) nextTurns[text] = ids = Encode(text);
            return ids;
        }
    }

    /// <summary>The text of the direct prompt.</summary>
    protected abstract string DirectText(RankingQuery query, DecodingMode mode);

    /// <inheritdoc/>
    public int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode) => Encode(StepText(query, remaining, mode));

    /// <inheritdoc/>
    public int[] DirectPrompt(RankingQuery query, DecodingMode mode) => Encode(DirectText(query, mode));

    /// <inheritdoc/>
    public int[] ChoiceContinuation(RankingQuery query, int candidate) =>
        Encode(DecodingModes.Answer(DecodingMode.Choice, query.Candidates[candidate].Id));

    /// <inheritdoc/>
    public virtual ChoiceScoring ChoiceScoring => ChoiceScoring.FullSequence;

    /// <inheritdoc/>
    public int[] Encode(string text) => [.. tokenizer.Encode(text)];

    /// <inheritdoc/>
    public string Decode(IReadOnlyList<int> tokens) => tokenizer.Decode(tokens);

    /// <inheritdoc/>
    public IReadOnlyCollection<int> StopTokenIds => tokenizer.StopTokenIds;

    /// <inheritdoc/>
    public int EndOfTurnId => tokenizer.EndOfTurnId;

    /// <inheritdoc/>
    public int PadTokenId => tokenizer.PadTokenId;
}
