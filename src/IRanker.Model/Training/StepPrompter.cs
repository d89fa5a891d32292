using IRanker.Model.Ranking;
using IRanker.Model.Text;
using IRanker.Model.Training.Rewards;
using IRanker.Model.Training.Sampling;

namespace IRanker.Model.Training;

/// <summary>Turns elimination states into the token sequences the trainer scores: prompts, candidate choices, targets.</summary>
internal sealed class StepPrompter(TextTokenizer tokenizer, Func<RankingQuery, IReadOnlyList<int>, string> prompt, TrainingOptions options)
{
    public TextTokenizer Tokenizer => tokenizer;

    /// <summary>The prompt's token ids (the assistant's turn starts right after them).</summary>
    public int[] Prompt(EliminationState state)
    {
        var ids = tokenizer.Encode(prompt(state.Query, state.Remaining)).ToArray();
        if (ids.Length > options.MaxPromptTokens)
            throw new InvalidOperationException(
                $"The prompt of query '{state.Query.QueryId ?? state.Query.Context}' with {state.Remaining.Count} candidates has {ids.Length} tokens, " +
                $"more than TrainingOptions.MaxPromptTokens = {options.MaxPromptTokens}. Raise MaxPromptTokens or shorten the candidates' texts.");
        return ids;
    }

    /// <summary>The tokens of a candidate's ID as an answer in Choice mode.</summary>
    public int[] Choice(RankingQuery query, int candidate) => tokenizer.Encode(query.Candidates[candidate].Id).ToArray();

    /// <summary>The supervised free-text target that eliminates <paramref name="candidate"/>, ending with the end-of-turn token.</summary>
    public int[] Target(RankingQuery query, int candidate)
    {
        string id = query.Candidates[candidate].Id;
        string full = options.ResponseFormat == ResponseFormat.Reasoning
            ? $"{AnswerTags.ThinkOpen}{AnswerTags.ThinkClose}\n{AnswerTags.AnswerOpen}{id}{AnswerTags.AnswerClose}"
            : $"{AnswerTags.AnswerOpen}{id}{AnswerTags.AnswerClose}";
        string response = full.StartsWith(options.AssistantPrefix, StringComparison.Ordinal) ? full[options.AssistantPrefix.Length..] : full;
        return [.. tokenizer.Encode(response), tokenizer.EndOfTurnId];
    }

    /// <summary>Generated ids as text, without stop tokens.</summary>
    public string Decode(IReadOnlyList<int> ids) => tokenizer.Decode(ids.Where(id => !tokenizer.StopTokenIds.Contains(id)));
}
