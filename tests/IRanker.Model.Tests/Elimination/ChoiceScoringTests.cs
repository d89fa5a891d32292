using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
using IRanker.Model.Step;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

/// <summary>
/// <see cref="ChoiceScoring.UniquePrefix"/> end to end: the branches a step scores, the fallback, and ranking with it
/// (the scores themselves: <c>UniquePrefixScoringTests</c>).
/// </summary>
public class ChoiceScoringTests
{
    private static RankingQuery Titles() => new("films I liked",
    [
        new RankingCandidate("passage 1", "a quiet film"),
        new RankingCandidate("passage 2", "a loud film"),
        new RankingCandidate("passage 3", "a long film"),
        new RankingCandidate("passage 4", "a short film"),
    ], RankingScenario.Passage, QueryId: "titles");

    [Fact]
    public void Each_branch_is_cut_after_the_token_that_tells_it_from_every_other_remaining_one()
    {
        using var model = Random(seed: 41, style: PromptStyle.Compact);
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        var query = Titles();
        var whole = Enumerable.Range(0, 4).Select(c => step.Continuation(query, c)).ToArray();

        var (full, fullScoring) = step.Choices(query, [0, 1, 2, 3]);
        fullScoring.Should().Be(ChoiceScoring.FullSequence);
        full.Should().BeEquivalentTo(whole, o => o.WithStrictOrdering());

        model.ChoiceScoring = ChoiceScoring.UniquePrefix;
        var (cut, scoring) = step.Choices(query, [2, 0, 3]);
        scoring.Should().Be(ChoiceScoring.UniquePrefix);
        int[] remaining = [2, 0, 3];
        for (int i = 0; i < 3; i++)
        {
            var mine = whole[remaining[i]];
            int shared = remaining.Where((_, j) => j != i).Max(o => mine.AsSpan().CommonPrefixLength(whole[o]));
            cut[i].Should().Equal(mine[..(shared + 1)], "a branch runs to the first token no other remaining branch has there");
            cut[i].Length.Should().BeLessThan(mine.Length, "the closing tag and anything after the parting token are left out");
        }
        step.Row(query, [2, 0, 3], DecodingMode.Choice, [1, 2, 3]).Scoring.Should().Be(ChoiceScoring.UniquePrefix);
    }

    [Fact]
    public void A_continuation_that_starts_another_falls_back_to_whole_sequences()
    {
        using var model = Random(seed: 42, style: PromptStyle.Compact);
        model.ChoiceScoring = ChoiceScoring.UniquePrefix;
        var source = new PrefixSource(new TemplatePromptSource(model));
        var step = new ModelStep(model.Model, source);

        var (branches, scoring) = step.Choices(Titles(), [0, 1, 2]);

        scoring.Should().Be(ChoiceScoring.FullSequence, "cutting would give 'passage 1' and the ID it starts the same tokens");
        branches.Select(b => b.Length).Should().Equal(source.Lengths);
    }

    [Fact]
    public void Ranking_with_unique_prefixes_runs_fewer_choice_tokens_and_is_reproducible()
    {
        using var model = Random(seed: 43, style: PromptStyle.Compact);
        model.Layout = PromptLayout.AppendOnly;
        var queries = MixedQueries();
        var full = new IterativeRanker(model);
        var fullResults = full.Rank(queries);
        long fullTokens = full.LastCounters.ChoiceTokens;

        model.ChoiceScoring = ChoiceScoring.UniquePrefix;
        var prefix = new IterativeRanker(model);
        var first = prefix.Rank(queries);
        long prefixTokens = prefix.LastCounters.ChoiceTokens;
        var again = new IterativeRanker(model).Rank(queries);

        prefixTokens.Should().BeLessThan(fullTokens, "'passage N</answer>' runs to its number only, never to the closing tag");
        for (int q = 0; q < queries.Count; q++)
        {
            first[q].Order.Should().BeEquivalentTo(Enumerable.Range(0, queries[q].Candidates.Count), "every candidate is ranked once");
            again[q].Order.Should().Equal(first[q].Order);
            foreach (var s in first[q].Steps.Where(s => s.Confidence is not null))
                s.Confidence!.Value.Should().BeInRange(0f, 1f);
        }
        fullResults.Should().HaveCount(first.Count);
    }

    /// <summary>Prompts of <paramref name="inner"/>, but candidate 1's continuation is candidate 0's with one more token.</summary>
    private sealed class PrefixSource(IStepPromptSource inner) : IStepPromptSource
    {
        public int[] Lengths => [Continuation(0).Length, Continuation(1).Length, Continuation(2).Length];
        private static readonly RankingQuery Query = Titles();
        private int[] Continuation(int candidate) => ChoiceContinuation(Query, candidate);
        public int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode) => inner.StepPrompt(query, remaining, mode);
        public PromptLayout Layout => inner.Layout;
        public int[] NextTurn(RankingQuery query, DecodingMode mode) => inner.NextTurn(query, mode);
        public int[] DirectPrompt(RankingQuery query, DecodingMode mode) => inner.DirectPrompt(query, mode);
        public int[] ChoiceContinuation(RankingQuery query, int candidate) =>
            candidate == 1 ? [.. inner.ChoiceContinuation(query, 0), 7] : inner.ChoiceContinuation(query, candidate);
        public ChoiceScoring ChoiceScoring => inner.ChoiceScoring;
        public int[] Encode(string text) => inner.Encode(text);
        public string Decode(IReadOnlyList<int> tokens) => inner.Decode(tokens);
        public IReadOnlyCollection<int> StopTokenIds => inner.StopTokenIds;
        public int EndOfTurnId => inner.EndOfTurnId;
        public int PadTokenId => inner.PadTokenId;
    }
}
