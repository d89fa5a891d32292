using IRanker.Model.Ranking.Prompts;

namespace IRanker.Model.Ranking.Inference;

/// <summary>Token ids from a model bundle's prompt templates and tokenizer.</summary>
internal sealed class TemplatePromptSource(IRankerModel model) : IStepPromptSource
{
    /// <inheritdoc/>
    public int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, PromptMode mode) =>
        [.. model.Tokenizer.Encode(model.TemplateFor(query).BuildStep(query, remaining, mode).Text)];

    /// <inheritdoc/>
    public int[] DirectPrompt(RankingQuery query, PromptMode mode) =>
        [.. model.Tokenizer.Encode(model.TemplateFor(query).BuildDirect(query, mode).Text)];

    /// <summary>The candidate's ID followed by <c>&lt;/answer&gt;</c>, encoded on their own (the prompt ends with <c>&lt;answer&gt;</c>).</summary>
    public int[] ChoiceContinuation(RankingQuery query, int candidate) =>
        [.. model.Tokenizer.Encode(query.Candidates[candidate].Id + AnswerDecoder.AnswerEnd)];

    /// <inheritdoc/>
    public string Decode(IReadOnlyList<int> tokens) => model.Tokenizer.Decode(tokens);

    /// <inheritdoc/>
    public IReadOnlyCollection<int> StopTokenIds => model.Tokenizer.StopTokenIds;

    /// <inheritdoc/>
    public int PadTokenId => model.Tokenizer.PadTokenId;
}
