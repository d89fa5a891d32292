using IRanker.Model.Step;
using IRanker.Model.Tests.Modeling;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Step;

public class StepForwardTests
{
    /// <summary>log p(branch | prompt) from a plain forward pass over prompt + branch, no cache, no padding.</summary>
    private static float Reference(IRankerModel model, int[] prompt, int[] branch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(prompt.Concat(branch).Select(i => (long)i).ToArray(), [1, prompt.Length + branch.Length]);
        using var output = model.Model.Forward(ids);
        var logProbs = output.Logits[0].to(ScalarType.Float32).log_softmax(-1);            // [seq, vocab]
        float sum = 0;
        for (int j = 0; j < branch.Length; j++) sum += logProbs[prompt.Length - 1 + j, branch[j]].item<float>();
        return sum;
    }

    [Fact]
    public void Branches_score_what_separate_forward_passes_give_with_and_without_a_cached_prefix_and_padding()
    {
        using var model = Random(seed: 21);
        int[] shortPrompt = [5, 9, 14, 3, 7, 30, 12];
        int[] longPrompt = [5, 9, 14, 3, 7, 30, 12, 40, 41, 42, 43, 8];
        int[][] branches = [[20], [21, 22, 23], [24, 25]];

        // Step one: both prompts from scratch; keep their caches.
        using var first = StepForward.Run(model.Model,
            [StepRow.Create(shortPrompt, null, branches), StepRow.Create(longPrompt, null, branches[..2])], padTokenId: 0, new StepForwardOptions(KeepPrefixes: true));
        // Step two: prompts that share a prefix with the cached ones (different lengths, so the past is padded too).
        int[] nextShort = [5, 9, 14, 3, 50, 51];
        int[] nextLong = [5, 9, 14, 3, 7, 30, 12, 40, 60];
        using var shortCache = first.Prefixes[0]!;
        using var longCache = first.Prefixes[1]!;
        var rows = new[] { StepRow.Create(nextShort, shortCache, branches), StepRow.Create(nextLong, longCache, branches[1..]) };
        rows[0].PastLength.Should().Be(4);
        rows[1].PastLength.Should().Be(8);
        using var second = StepForward.Run(model.Model, rows, padTokenId: 0, StepForwardOptions.ScoresOnly);

        for (int c = 0; c < 3; c++) first.BranchLogProbArrays()[0][c].Should().BeApproximately(Reference(model, shortPrompt, branches[c]), 1e-4f);
        for (int c = 0; c < 2; c++) first.BranchLogProbArrays()[1][c].Should().BeApproximately(Reference(model, longPrompt, branches[c]), 1e-4f);
        for (int c = 0; c < 3; c++) second.BranchLogProbArrays()[0][c].Should().BeApproximately(Reference(model, nextShort, branches[c]), 1e-4f);
        for (int c = 0; c < 2; c++) second.BranchLogProbArrays()[1][c].Should().BeApproximately(Reference(model, nextLong, branches[c + 1]), 1e-4f);
    }

    [Fact]
    public void A_cached_prefix_holds_the_whole_prompt_and_reuse_stops_before_the_last_token()
    {
        using var model = Random(seed: 22);
        int[] prompt = [5, 9, 14, 3];
        using var forward = StepForward.Run(model.Model, [StepRow.Create(prompt, null, [])], padTokenId: 0, new StepForwardOptions(KeepPrefixes: true));
        using var cache = forward.Prefixes[0]!;

        cache.Tokens.Should().Equal(prompt);
        cache.Keys(0).shape.Should().Equal(1, model.Model.Config.NumKeyValueHeads, 4, model.Model.Config.HeadDim);
        cache.ReusableLength([5, 9, 14, 3]).Should().Be(3, "the last prompt token must run to give the next-token logits");
        cache.ReusableLength([5, 9, 2, 3, 1]).Should().Be(2);
        cache.ReusableLength([6]).Should().Be(0);
    }

    private static readonly StepRow[] TrainingRows =
    [
        StepRow.Create([5, 9, 14, 3, 22, 8], null, [[40, 41, 42], [40, 43], [50], [51, 52, 53, 54]]),
        StepRow.Create([7, 7, 30], null, [[60, 61], [62, 63]]),
    ];

    [Fact]
    public void With_gradients_on_each_branch_scores_what_a_separate_row_of_prompt_plus_candidate_scores()
    {
        var model = TinyModel.Create(seed: 4);
        using var scope = NewDisposeScope();

        var forward = StepForward.Run(model, TrainingRows, padTokenId: 0, StepForwardOptions.ScoresOnly);

        forward.BranchLogProbs[0].requires_grad.Should().BeTrue();
        for (int i = 0; i < TrainingRows.Length; i++)
            for (int c = 0; c < TrainingRows[i].Branches.Count; c++)
            {
                using var noGrad = no_grad();
                int[] row = [.. TrainingRows[i].Prompt, .. TrainingRows[i].Branches[c]];
                var logits = model.Forward(tensor(row.Select(x => (long)x).ToArray()).unsqueeze(0)).Logits[0].log_softmax(-1); // [L, V]
                double expected = 0;
                for (int j = 0; j < TrainingRows[i].Branches[c].Length; j++)
                    expected += logits[TrainingRows[i].Prompt.Length - 1 + j, TrainingRows[i].Branches[c][j]].item<float>();
                forward.BranchLogProbs[i][c].item<float>().Should().BeApproximately((float)expected, 1e-4f, $"row {i}, branch {c}");
            }
    }

    [Fact]
    public void The_prompt_loss_is_the_mean_next_token_loss_over_the_prompts()
    {
        var model = TinyModel.Create(seed: 5);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var forward = StepForward.Run(model, TrainingRows, padTokenId: 0, new StepForwardOptions(PromptLoss: true));

        double sum = 0;
        int count = 0;
        foreach (var row in TrainingRows)
        {
            var logits = model.Forward(tensor(row.Prompt.Select(x => (long)x).ToArray()).unsqueeze(0)).Logits[0].log_softmax(-1);
            for (int t = 0; t + 1 < row.Prompt.Length; t++, count++) sum -= logits[t, row.Prompt[t + 1]].item<float>();
        }
        forward.PromptLoss!.item<float>().Should().BeApproximately((float)(sum / count), 1e-4f);
    }

    [Fact]
    public void Gradients_flow_to_the_model_through_the_branch_scores()
    {
        var model = TinyModel.Create(seed: 6);
        using var scope = NewDisposeScope();
        var forward = StepForward.Run(model, TrainingRows, padTokenId: 0, StepForwardOptions.ScoresOnly);
        forward.BranchLogProbs[0].log_softmax(0)[2].backward();
        model.Decoder.EmbeddingWeight.grad!.abs().sum().item<float>().Should().BeGreaterThan(0);
    }

    /// <summary>A packed row: the last step's prompt [0..11) with two earlier steps at lengths 4 and 8.</summary>
    private static readonly int[] PackedPrompt = [5, 9, 14, 3, 22, 8, 40, 41, 7, 30, 12];

    private static StepRow PackedRow(int promptLossFrom = 0) => StepRow.Packed(PackedPrompt,
        [new BranchPoint(4, [[60, 61], [62], [63, 64, 65]]), new BranchPoint(8, [[60, 61], [63, 64, 65]])], [[62], [66, 67]], promptLossFrom);

    /// <summary>Equal within 1e-5, relative to the magnitude above 1 (a random model's sequence log-probs reach a few hundred).</summary>
    private static bool Close(float a, float b) => Math.Abs(a - b) <= 1e-5f * Math.Max(1f, Math.Abs(b));

    private static StepRow[] SeparateRows(StepRow packed) => Enumerable.Range(0, packed.PointCount)
        .Select(p => StepRow.Create(packed.Prompt[..packed.Point(p).PromptLength], null, packed.Point(p).Branches)).ToArray();

    [Fact]
    public void A_packed_row_scores_each_earlier_step_as_a_row_of_that_steps_prompt_alone()
    {
        var model = TinyModel.Create(seed: 7);
        using var scope = NewDisposeScope();
        var packed = PackedRow();

        var one = StepForward.Run(model, [packed, TrainingRows[1]], padTokenId: 0, StepForwardOptions.ScoresOnly);
        var separate = StepForward.Run(model, [.. SeparateRows(packed), TrainingRows[1]], padTokenId: 0, StepForwardOptions.ScoresOnly);

        one.PointCounts.Should().Equal(3, 1);
        one.BranchCounts.Should().Equal(3, 2, 2, 2);
        one.BranchLogProbs.Should().HaveCount(4);
        for (int p = 0; p < 4; p++)
            one.BranchLogProbArrays()[p].Should().Equal(separate.BranchLogProbArrays()[p], Close, $"step {p}");
        (one.PointHidden - separate.PointHidden).abs().max().item<float>().Should().BeLessThan(1e-5f);
        (one.LastLogits - separate.LastLogits.index_select(0, tensor(new long[] { 2, 3 }))).abs().max().item<float>().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Rows_packed_side_by_side_in_one_sequence_score_what_they_score_alone_and_keep_the_prompt_loss()
    {
        var model = TinyModel.Create(seed: 8);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        StepRow[] rows = [TrainingRows[0], PackedRow(), TrainingRows[1]];

        var alone = StepForward.Run(model, rows, padTokenId: 0, new StepForwardOptions(PromptLoss: true));
        var packed = StepForward.Run(model, rows, padTokenId: 0, new StepForwardOptions(PromptLoss: true, PackTokens: 1000));
        var partly = StepForward.Run(model, rows, padTokenId: 0, new StepForwardOptions(PromptLoss: true, PackTokens: rows[0].NewTokens + rows[1].NewTokens));

        foreach (var forward in new[] { packed, partly })
        {
            forward.BranchCounts.Should().Equal(alone.BranchCounts);
            for (int p = 0; p < alone.BranchCounts.Length; p++)
                forward.BranchLogProbArrays()[p].Should().Equal(alone.BranchLogProbArrays()[p], Close, $"step {p}");
            forward.PromptLoss!.item<float>().Should().BeApproximately(alone.PromptLoss!.item<float>(), 1e-5f);
            (forward.PointHidden - alone.PointHidden).abs().max().item<float>().Should().BeLessThan(1e-5f);
        }
    }

    [Fact]
    public void The_prompt_loss_of_a_cut_piece_counts_only_the_tokens_from_where_it_is_told()
    {
        var model = TinyModel.Create(seed: 9);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var forward = StepForward.Run(model, [PackedRow(promptLossFrom: 6)], padTokenId: 0, new StepForwardOptions(PromptLoss: true));

        var logits = model.Forward(tensor(PackedPrompt.Select(x => (long)x).ToArray()).unsqueeze(0)).Logits[0].log_softmax(-1);
        double sum = 0;
        for (int t = 5; t + 1 < PackedPrompt.Length; t++) sum -= logits[t, PackedPrompt[t + 1]].item<float>();
        forward.PromptLoss!.item<float>().Should().BeApproximately((float)(sum / (PackedPrompt.Length - 6)), 1e-5f);
    }

    [Fact]
    public void Packed_rows_are_checked_and_keep_no_cache()
    {
        var model = TinyModel.Create(seed: 10);
        FluentActions.Invoking(() => StepRow.Packed([1, 2, 3], [new BranchPoint(3, [[4]])], [[5]])).Should().Throw<ArgumentException>().WithMessage("*below the last step's (3)*");
        FluentActions.Invoking(() => StepRow.Packed([1, 2, 3], [new BranchPoint(2, [[4]]), new BranchPoint(2, [[4]])], [[5]])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => StepForward.Run(model, [PackedRow()], 0, new StepForwardOptions(KeepPrefixes: true, PackTokens: 100)))
            .Should().Throw<ArgumentException>().WithMessage("*PackTokens*");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.7)]
    [InlineData(1.3)]
    public void Per_token_outputs_are_a_plain_passs_at_the_temperature_and_leave_the_branch_scores_as_they_were(double temperature)
    {
        var model = TinyModel.Create(seed: 7);
        using var scope = NewDisposeScope();
        StepRow[] rows = [.. TrainingRows, PackedRow()];

        var plain = StepForward.Run(model, rows, padTokenId: 0, StepForwardOptions.ScoresOnly);
        var withTokens = StepForward.Run(model, rows, padTokenId: 0, new StepForwardOptions(TokenTemperature: temperature));

        plain.Tokens.Should().BeNull("per-token outputs are computed only when asked for");
        for (int s = 0; s < plain.BranchLogProbs.Length; s++)
            withTokens.BranchLogProbs[s].detach().data<float>().ToArray().Should().Equal(plain.BranchLogProbs[s].detach().data<float>().ToArray(), $"step {s}: the same bits");

        var tokens = withTokens.Tokens!;
        var branches = rows.SelectMany(r => Enumerable.Range(0, r.PointCount).SelectMany(p => r.Point(p).Branches.Select(b => (Prompt: r.Prompt[..r.Point(p).PromptLength], Branch: b)))).ToArray();
        tokens.LogProbs.shape.Should().Equal(branches.Length, branches.Max(b => b.Branch.Length));
        tokens.Hidden.shape.Should().Equal(branches.Length, branches.Max(b => b.Branch.Length), model.Config.HiddenSize);
        using var noGrad = no_grad();
        for (int i = 0; i < branches.Length; i++)
        {
            var (prompt, branch) = branches[i];
            var output = model.Forward(tensor(prompt.Concat(branch).Select(x => (long)x).ToArray()).unsqueeze(0));
            var scaled = (output.Logits[0].to(ScalarType.Float32) / temperature).log_softmax(-1);   // [L, V]
            for (int t = 0; t < tokens.Mask.shape[1]; t++)
            {
                bool real = t < branch.Length;
                tokens.Mask[i, t].item<float>().Should().Be(real ? 1 : 0);
                if (!real)
                {
                    tokens.LogProbs[i, t].item<float>().Should().Be(0);
                    continue;
                }
                int at = prompt.Length - 1 + t;
                tokens.LogProbs[i, t].item<float>().Should().BeApproximately(scaled[at, branch[t]].item<float>(), 1e-4f, $"branch {i}, token {t}");
                float entropy = -(scaled[at].exp() * scaled[at]).sum().item<float>();
                tokens.Entropy[i, t].item<float>().Should().BeApproximately(entropy, 1e-4f, $"branch {i}, token {t}");
                (tokens.Hidden[i, t] - output.LastHiddenState[0, at]).abs().max().item<float>().Should().BeLessThan(1e-4f);
            }
            if (temperature == 1.0)
                tokens.LogProbs[i].sum().item<float>().Should().BeApproximately(withTokens.BranchLogProbArrays().SelectMany(x => x).ElementAt(i), 1e-4f);
        }
    }

    [Fact]
    public void Gradients_flow_to_the_model_through_the_per_token_outputs()
    {
        var model = TinyModel.Create(seed: 8);
        using var scope = NewDisposeScope();
        var forward = StepForward.Run(model, TrainingRows, padTokenId: 0, new StepForwardOptions(TokenTemperature: 0.8));
        (forward.Tokens!.LogProbs.sum() + forward.Tokens.Entropy.sum() + forward.Tokens.Hidden.sum()).backward();
        model.Decoder.EmbeddingWeight.grad!.abs().sum().item<float>().Should().BeGreaterThan(0);
    }
}
