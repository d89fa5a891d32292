namespace IRanker.Model.Prompts;

/// <summary>
/// Where the elimination step gets its token ids: the step and direct prompts, the candidate continuations scored in
/// Choice mode, and the decoding of generated tokens. <see cref="TokenizerPromptSource"/> is the real one (it holds the
/// one definition of a candidate's continuation); the benchmark supplies random ids of fixed lengths.
/// </summary>
internal interface IStepPromptSource
{
    /// <summary>Token ids of the prompt that asks which of <paramref name="remaining"/> to eliminate.</summary>
    int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode);

    /// <summary>How a list's step prompts relate (<see cref="PromptLayout"/>): the model's, for the real source.</summary>
    PromptLayout Layout { get; }

    /// <summary>Token ids that follow an earlier answer in an <see cref="PromptLayout.AppendOnly"/> step prompt (see <see cref="Prompts.PromptTemplate.NextTurn"/>).</summary>
    int[] NextTurn(RankingQuery query, DecodingMode mode);

    /// <summary>Token ids of the prompt that asks for the whole ranking.</summary>
    int[] DirectPrompt(RankingQuery query, DecodingMode mode);

    /// <summary>Token ids that name candidate <paramref name="candidate"/> and close the answer (Choice mode).</summary>
    int[] ChoiceContinuation(RankingQuery query, int candidate);

    /// <summary>How Choice mode scores the continuations (<see cref="Model.ChoiceScoring"/>).</summary>
    ChoiceScoring ChoiceScoring => ChoiceScoring.FullSequence;

    /// <summary>Token ids of a text (a supervised answer).</summary>
    int[] Encode(string text);

    /// <summary>The text of generated token ids.</summary>
    string Decode(IReadOnlyList<int> tokens);

    /// <summary>Ids that end generation.</summary>
    IReadOnlyCollection<int> StopTokenIds { get; }

    /// <summary>The id that ends the assistant's turn (appended to supervised answers).</summary>
    int EndOfTurnId { get; }

    /// <summary>The id fed at padded positions.</summary>
    int PadTokenId { get; }
}
