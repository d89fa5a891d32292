using IRanker.Model.Ranking.Prompts;

namespace IRanker.Model.Ranking.Inference;

/// <summary>
/// Where the rankers get their token ids: the step and direct prompts, the candidate continuations scored in Choice
/// mode, and the decoding of generated tokens. <see cref="TemplatePromptSource"/> is the real one (template + tokenizer);
/// the benchmark supplies random ids of fixed lengths.
/// </summary>
internal interface IStepPromptSource
{
    /// <summary>Token ids of the prompt that asks which of <paramref name="remaining"/> to eliminate.</summary>
    int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, PromptMode mode);

    /// <summary>Token ids of the prompt that asks for the whole ranking.</summary>
    int[] DirectPrompt(RankingQuery query, PromptMode mode);

    /// <summary>Token ids that name candidate <paramref name="candidate"/> and close the answer (Choice mode).</summary>
    int[] ChoiceContinuation(RankingQuery query, int candidate);

    /// <summary>The text of generated token ids.</summary>
    string Decode(IReadOnlyList<int> tokens);

    /// <summary>Ids that end generation.</summary>
    IReadOnlyCollection<int> StopTokenIds { get; }

    /// <summary>The id fed at padded positions.</summary>
    int PadTokenId { get; }
}
