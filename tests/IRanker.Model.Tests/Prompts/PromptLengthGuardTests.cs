using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Prompts;

/// <summary>Every forward pass at inference fits the model's positions (Tiny: 2,048) and the token budget.</summary>
public class PromptLengthGuardTests
{
    private static string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => Colours[i % Colours.Length]));

    private static RankingQuery Query(string id, params string[] texts) =>
        new("paint for a kitchen", texts.Select((t, i) => new RankingCandidate(Colours[i], t)).ToArray(), QueryId: id);

    [Fact]
    public void A_candidate_too_long_even_alone_is_named_with_its_tokens_and_the_limit()
    {
        using var model = Random();
        var ranker = new IterativeRanker(model);

        var rank = () => ranker.Rank([Query("short", "a red paint", "a blue paint"), Query("kitchen", "a red paint", Words(3000), "a blue paint")]);

        var error = rank.Should().Throw<PromptTooLongException>().Which;
        error.QueryIndex.Should().Be(1);
        error.QueryId.Should().Be("kitchen");
        error.CandidateIndex.Should().Be(1);
        error.CandidateId.Should().Be("blue");
        error.MaxPositions.Should().Be(2048);
        error.Positions.Should().BeGreaterThan(2048).And.BeGreaterThan(error.PromptTokens);
        error.PromptTokens.Should().BeGreaterThan(3000);
        error.Message.Should().Match($"Query 1 (QueryId 'kitchen'): candidate 1 ('blue', a text of * characters) is too long to rank even alone: the prompt with it as the only candidate has {error.PromptTokens:N0} tokens and its forward pass needs {error.Positions:N0} positions, more than the model's max_position_embeddings of 2,048.*");
    }

    [Fact]
    public void A_list_too_long_for_one_prompt_is_ranked_in_windows_by_IterativeRanker_and_refused_by_DirectRanker()
    {
        using var model = Random();
        var texts = Enumerable.Range(0, 9).Select(_ => Words(300)).ToArray();   // ~2,700 tokens together, ~300 each

        var ranker = new IterativeRanker(model);
        ranker.Rank([Query("long list", texts)]).Single().Order.Should().HaveCount(9);
        ranker.LastWindowedLists.Should().Be(1);

        var direct = () => new DirectRanker(model).Rank([Query("long list", texts)]);
        var error = direct.Should().Throw<PromptTooLongException>().Which;
        error.CandidateIndex.Should().BeNull();
        error.CandidateId.Should().BeNull();
        error.Positions.Should().BeGreaterThan(2048);
        error.Message.Should().StartWith("Query 0 (QueryId 'long list'): the list of 9 candidates is too long for one prompt").And.Contain("Every candidate fits alone");
    }

    [Fact]
    public void The_token_budget_bounds_a_forward_pass_too()
    {
        using var model = Random();
        var query = Query("kitchen", Words(40), Words(40), Words(40));
        var ranker = new IterativeRanker(model, new RankerOptions { TokenBudget = 100 });

        var rank = () => ranker.Rank([query]);

        var error = rank.Should().Throw<PromptTooLongException>().Which;
        error.TokenBudget.Should().Be(100);
        error.Tokens.Should().BeGreaterThan(100);
        error.Message.Should().Contain("more than RankerOptions.TokenBudget = 100");
        new IterativeRanker(model, new RankerOptions { TokenBudget = 2048 }).Rank([query]).Single().Order.Should().HaveCount(3, "the same list fits a larger budget");
    }

    [Fact]
    public void In_Answer_mode_the_tokens_to_generate_count_as_positions()
    {
        using var model = Random();
        // A prompt that fits in Choice mode but not with 2,000 answer tokens after it.
        var query = Query("kitchen", "a red paint", "a blue paint");
        new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Choice }).Rank([query]).Should().ContainSingle();

        var rank = () => new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Answer, MaxAnswerTokens = 2040 }).Rank([query]);

        rank.Should().Throw<PromptTooLongException>().Which.Positions.Should().BeGreaterThan(2048);
    }

    [Fact]
    public void DirectRanker_applies_the_same_bound()
    {
        using var model = Random();
        var rank = () => new DirectRanker(model).Rank([Query("kitchen", "a red paint", Words(3000))]);
        rank.Should().Throw<PromptTooLongException>().Which.CandidateIndex.Should().Be(1);
    }

    [Fact]
    public void Assess_tells_a_list_too_long_from_a_candidate_too_long_for_a_windowed_ranking_to_use()
    {
        var guard = new PromptLengthGuard(new PromptLimit(MaxPositions: 100, TokenBudget: 1000));
        var small = new PromptPass(PromptTokens: 30, Positions: 35, Tokens: 50);
        var large = new PromptPass(PromptTokens: 150, Positions: 155, Tokens: 170);

        guard.Assess(small, 3, _ => small).Kind.Should().Be(PromptFitKind.Fits);
        guard.Assess(large, 3, _ => small).Kind.Should().Be(PromptFitKind.ListTooLong);
        var fit = guard.Assess(large, 3, i => i == 2 ? large : small);
        fit.Kind.Should().Be(PromptFitKind.CandidateTooLong);
        fit.Candidate.Should().Be(2);
        fit.Pass.Should().Be(large);
    }
}
