namespace IRanker.Model.Prompts;

/// <summary>Token ids from a model bundle's prompt templates and tokenizer.</summary>
internal sealed class TemplatePromptSource(IRankerModel model) : TokenizerPromptSource(model.Tokenizer)
{
    /// <inheritdoc/>
    protected override string StepText(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode) =>
        model.TemplateFor(query).BuildStep(query, remaining, mode).Text;

    /// <inheritdoc/>
    protected override string NextTurnText(RankingQuery query, DecodingMode mode) => model.TemplateFor(query).NextTurn(query, mode);

    /// <inheritdoc/>
    public override PromptLayout Layout => model.Layout;

    /// <inheritdoc/>
    public override ChoiceScoring ChoiceScoring => model.ChoiceScoring;

    /// <inheritdoc/>
    protected override string DirectText(RankingQuery query, DecodingMode mode) => model.TemplateFor(query).BuildDirect(query, mode).Text;
}
