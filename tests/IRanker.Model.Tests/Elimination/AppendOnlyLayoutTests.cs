using IRanker.Model.Elimination;
using IRanker.Model.Elimination.LongLists;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Step;
using IRanker.Model.Training;
using IRanker.Model.Training.Sampling;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

/// <summary>The append-only layout: each step's prompt extends the previous one, so its key/value cache is kept.</summary>
public class AppendOnlyLayoutTests
{
    private static IRankerModel AppendOnly(PromptStyle style = PromptStyle.Chat)
    {
        var model = Random(style: style);
        model.Layout = PromptLayout.AppendOnly;
        return model;
    }

    [Theory]
    [InlineData(PromptStyle.Chat)]
    [InlineData(PromptStyle.Compact)]
    public void Each_steps_prompt_extends_the_previous_one_by_the_answer_and_the_next_turn(PromptStyle style)
    {
        using var model = AppendOnly(style);
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        var query = ColourQuery("paint for a kitchen", 0, 1, 2, 3, 4);
        var remaining = new List<int> { 0, 1, 2, 3, 4 };
        var eliminated = new List<int>();
        var previous = step.Prompt(query, remaining, eliminated, DecodingMode.Choice);
        previous.Should().Equal(step.Prompt(query, remaining, DecodingMode.Choice), "the first step is the rebuilt layout's first step");
        foreach (int gone in new[] { 3, 0, 4 })
        {
            remaining.Remove(gone);
            eliminated.Add(gone);
            var next = step.Prompt(query, remaining, eliminated, DecodingMode.Choice);
            next.Take(previous.Length).Should().Equal(previous);
            next.Skip(previous.Length).Should().Equal(step.Continuation(query, gone).Concat(new TemplatePromptSource(model).NextTurn(query, DecodingMode.Choice)));
            previous = next;
        }
        model.Tokenizer.Decode(previous).Should().Contain("black</answer>").And.EndWith("<answer>");
    }

    [Theory]
    [InlineData(DecodingMode.Choice)]
    [InlineData(DecodingMode.Answer)]
    public void The_carried_cache_gives_what_a_fresh_forward_over_the_whole_prompt_gives(DecodingMode mode)
    {
        using var model = AppendOnly();
        var queries = new[] { ColourQuery("paint for a kitchen", 4, 0, 8, 2, 6, 1, 7, 3, 5), ColourQuery("a bathroom", 2, 5, 1) };
        var options = new RankerOptions { Mode = mode, MaxAnswerTokens = 4 };

        var cached = new IterativeRanker(model, options).Rank(queries);
        var fresh = new IterativeRanker(model, new RankerOptions { Mode = mode, MaxAnswerTokens = 4, ReusePrefixCache = false }).Rank(queries);

        for (int q = 0; q < queries.Length; q++)
        {
            cached[q].Order.Should().Equal(fresh[q].Order);
            cached[q].Steps.Select(s => s.ModelOutput).Should().Equal(fresh[q].Steps.Select(s => s.ModelOutput));
            foreach (var (a, b) in cached[q].Steps.Zip(fresh[q].Steps).Where(p => p.First.LogProbs is not null))
                for (int c = 0; c < a.LogProbs!.Count; c++) a.LogProbs[c].Should().BeApproximately(b.LogProbs![c], 1e-4f);
        }
    }

    [Fact]
    public void Only_the_new_turn_runs_after_the_first_step()
    {
        using var model = AppendOnly();
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        var query = ColourQuery("paint for a kitchen", 4, 0, 8, 2, 6, 1, 7, 3, 5);
        var appendOnly = new IterativeRanker(model);
        var result = appendOnly.Rank([query]).Single();

        // Every prompt token runs once: what ran in all is the last step's prompt, which holds every earlier one.
        var eliminated = result.Steps.Where(s => s.Match == AnswerMatch.Choice).Select(s => s.Eliminated).ToArray();
        var last = step.Prompt(query, result.Order.Take(2).ToArray(), eliminated[..^1], DecodingMode.Choice);
        appendOnly.LastCounters.ComputedPromptTokens.Should().Be(last.Length);

        using var rebuiltModel = Random();
        var rebuilt = new IterativeRanker(rebuiltModel);
        rebuilt.Rank([query]);
        appendOnly.LastCounters.ComputedPromptTokens.Should().BeLessThan(rebuilt.LastCounters.ComputedPromptTokens);
    }

    [Fact]
    public void Windows_of_a_long_list_fit_the_budget_as_their_prompts_grow()
    {
        using var model = AppendOnly();
        var query = ColourQuery("paint for a kitchen", 0, 1, 2, 3, 4, 5, 6, 7, 8);
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        int budget = new WindowPlanner(step, new PromptLimit(2048, int.MaxValue), DecodingMode.Choice, 0).Pass(query, [0, 1, 2, 3, 4]).Tokens;
        var ranker = new IterativeRanker(model, new RankerOptions { TokenBudget = budget });

        var result = ranker.Rank([query]).Single();

        ranker.LastWindowedLists.Should().Be(1);
        ranker.LastCounters.LargestBatchTokens.Should().BeLessThanOrEqualTo(budget);
        result.Order.Should().BeEquivalentTo(Enumerable.Range(0, 9));
        result.Relevance().Sum().Should().BeApproximately(1f, 1e-4f);
    }

    [Fact]
    public void The_layout_is_saved_with_the_model_and_a_folder_without_one_is_rebuilt()
    {
        using var model = AppendOnly();
        string folder = Path.Combine(Path.GetTempPath(), $"iranker-layout-{Guid.NewGuid():N}");
        try
        {
            model.Save(folder);
            using (var loaded = IRankerModel.Load(folder)) loaded.Layout.Should().Be(PromptLayout.AppendOnly);
            File.ReadAllText(Path.Combine(folder, "iranker.json")).Should().Contain("\"layout\": \"AppendOnly\"");

            File.Delete(Path.Combine(folder, "iranker.json"));   // as a Hugging Face checkpoint
            using (var plain = IRankerModel.Load(folder)) plain.Layout.Should().Be(PromptLayout.Rebuilt);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Reasoning_mode_with_the_append_only_layout_is_a_named_error()
    {
        using var model = AppendOnly();

        var create = () => new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Reasoning });

        create.Should().Throw<ArgumentException>().WithMessage("*PromptLayout.AppendOnly*Reasoning*");
    }

    [Fact]
    public void Training_samples_carry_an_elimination_history_of_the_worst_candidates()
    {
        var query = new RankingQuery("q", Enumerable.Range(0, 6).Select(i => new RankingCandidate($"c{i}", $"text {i}", i % 3)).ToArray());
        var random = new TrainingRandom(5);
        var depths = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            var state = SubListSampler.Draw(query, random, layout: PromptLayout.AppendOnly);
            int size = state.Query.Candidates.Count;
            state.Remaining.Concat(state.History).Should().BeEquivalentTo(Enumerable.Range(0, size));
            state.Remaining.Should().HaveCountGreaterThanOrEqualTo(2);
            var labels = state.Query.Candidates.Select(c => c.Label!.Value).ToArray();
            if (state.History.Count > 0)
            {
                state.History.Select(c => labels[c]).Should().BeInAscendingOrder("the worst go first");
                state.History.Max(c => labels[c]).Should().BeLessThanOrEqualTo(state.Remaining.Min(c => labels[c]));
            }
            depths.Add(state.History.Count);
        }
        depths.Should().Contain(0).And.Contain(d => d >= 2);
    }

    [Fact]
    public void Training_in_the_layout_scores_what_ranking_scores_and_runs_both_phases()
    {
        var lists = Enumerable.Range(0, 6).Select(q => new RankingQuery($"paint for room {q}",
            Enumerable.Range(0, 5).Select(i => new RankingCandidate(Colours[(q + i) % 9], $"a {Colours[(q + i) % 9]} paint", i == q % 5 ? 2 : i % 2)).ToArray(),
            QueryId: $"r{q}")).ToArray();
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 3, style: PromptStyle.Compact, layout: PromptLayout.AppendOnly);
        var trainer = new EliminationTrainer(model, new TrainingOptions { WarmStartSteps = 2, Steps = 1, PromptsPerStep = 2, GroupSize = 2, Samples = SampleSource.Mixed });

        var ranked = new IterativeRanker(model).Rank(lists);
        var states = new List<EliminationState>();
        var expected = new List<IReadOnlyList<float>>();
        var pool = Enumerable.Range(0, 5).ToList();
        var gone = new List<int>();
        foreach (var step in ranked[0].Steps.Where(s => s.Match == AnswerMatch.Choice))
        {
            states.Add(new EliminationState(lists[0], pool.ToArray(), Eliminated: gone.ToArray()));
            expected.Add(step.LogProbs!);
            pool.Remove(step.Eliminated);
            gone.Add(step.Eliminated);
        }
        var seen = Training.TrainingRankingAgreementTests.PolicyLogProbs(trainer, states);
        for (int s = 0; s < states.Count; s++)
            for (int c = 0; c < expected[s].Count; c++) seen[s][c].Should().BeApproximately(expected[s][c], 1e-4f);

        var summary = trainer.Train(lists);
        summary.Should().NotBeNull();
        model.Layout.Should().Be(PromptLayout.AppendOnly);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Order_samples_rank_in_the_append_only_layout_and_in_windows(bool windowed)
    {
        using var model = AppendOnly();
        var query = ColourQuery("paint for a kitchen", 4, 0, 8, 2, 6, 1, 7, 3, 5);
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        int budget = windowed ? new WindowPlanner(step, new PromptLimit(2048, int.MaxValue), DecodingMode.Choice, 0).Pass(query, [0, 1, 2, 3, 4]).Tokens : 16_384;
        var ranker = new IterativeRanker(model, new RankerOptions { OrderSamples = 3, TokenBudget = budget });

        var result = ranker.Rank([query]).Single();

        ranker.LastWindowedLists.Should().Be(windowed ? 1 : 0);
        result.Order.Should().BeEquivalentTo(Enumerable.Range(0, 9));
        result.Relevance().Sum().Should().BeApproximately(1f, 1e-4f);
        ranker.LastCounters.LargestBatchTokens.Should().BeLessThanOrEqualTo(budget);
    }

    /// <summary>The model's prompts, counting how often a step prompt is built.</summary>
    private sealed class CountingPromptSource(IStepPromptSource inner) : IStepPromptSource
    {
        public List<(RankingQuery Query, int[] Pool)> Built { get; } = [];

        public int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode)
        {
            Built.Add((query, remaining.Order().ToArray()));
            return inner.StepPrompt(query, remaining, mode);
        }

        public PromptLayout Layout => inner.Layout;
        public int[] NextTurn(RankingQuery query, DecodingMode mode) => inner.NextTurn(query, mode);
        public int[] DirectPrompt(RankingQuery query, DecodingMode mode) => inner.DirectPrompt(query, mode);
        public int[] ChoiceContinuation(RankingQuery query, int candidate) => inner.ChoiceContinuation(query, candidate);
        public int[] Encode(string text) => inner.Encode(text);
        public string Decode(IReadOnlyList<int> tokens) => inner.Decode(tokens);
        public IReadOnlyCollection<int> StopTokenIds => inner.StopTokenIds;
        public int EndOfTurnId => inner.EndOfTurnId;
        public int PadTokenId => inner.PadTokenId;
    }

    [Theory]
    [InlineData(PromptLayout.AppendOnly)]
    [InlineData(PromptLayout.Rebuilt)]
    public void A_lists_first_prompt_is_built_once_and_the_append_only_layout_builds_no_other(PromptLayout layout)
    {
        using var model = Random();
        model.Layout = layout;
        var prompts = new CountingPromptSource(new TemplatePromptSource(model));
        var queries = new[] { ColourQuery("paint for a kitchen", 4, 0, 8, 2, 6), ColourQuery("a bathroom", 2, 5, 1, 7, 3, 0, 6, 8, 4) };

        var results = new IterativeRanker(new ModelStep(model.Model, prompts), new RankerOptions()).Rank(queries);

        results.Select(r => r.Order.Count).Should().Equal(5, 9);
        foreach (var query in queries)
            prompts.Built.Count(b => ReferenceEquals(b.Query, query) && b.Pool.Length == query.Candidates.Count).Should().Be(1, "the fit check's prompt is the first step's");
        prompts.Built.Should().HaveCount(layout == PromptLayout.AppendOnly ? 2 : 4 + 8,
            layout == PromptLayout.AppendOnly ? "every later prompt extends the first" : "each step but the first builds its prompt of the remaining candidates");
    }
}
