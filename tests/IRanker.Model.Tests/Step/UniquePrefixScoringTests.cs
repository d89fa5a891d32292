using IRanker.Model.Step;
using IRanker.Model.Tests.Modeling;
using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Step;

/// <summary>
/// <see cref="ChoiceScoring.UniquePrefix"/>: each branch is the probability that answering constrained to the candidates'
/// continuations writes it, computed here by hand from plain forward passes, one per node of the candidates' trie.
/// </summary>
public class UniquePrefixScoringTests
{
    private static readonly int[] Prompt = [5, 9, 14, 3, 22, 8];

    /// <summary>Whole continuations: two share their first token, one shares nothing; 9 closes each.</summary>
    private static readonly int[][] Whole = [[40, 41, 44, 9], [40, 43, 9], [50, 51, 9]];

    /// <summary>The same cut after the token that tells each apart.</summary>
    private static readonly int[][] Cut = [[40, 41], [40, 43], [50]];

    /// <summary>log p(next token | prompt + prefix) for each of <paramref name="next"/>, from a plain forward pass.</summary>
    private static double[] NextLogProbs(Qwen2ForCausalLM model, int[] prompt, int[] prefix, int[] next)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int[] row = [.. prompt, .. prefix];
        var logProbs = model.Forward(tensor(row.Select(x => (long)x).ToArray()).unsqueeze(0)).Logits[0, -1].to(ScalarType.Float32).log_softmax(-1);
        return next.Select(t => (double)logProbs[t].item<float>()).ToArray();
    }

    private static double LogSumExp(double[] values)
    {
        double max = values.Max();
        return max + Math.Log(values.Sum(v => Math.Exp(v - max)));
    }

    /// <summary>The constrained-answer log-probabilities of <see cref="Cut"/>, by hand.</summary>
    private static double[] Expected(Qwen2ForCausalLM model, int[] prompt)
    {
        var root = NextLogProbs(model, prompt, [], [40, 50]);
        var after40 = NextLogProbs(model, prompt, [40], [41, 43]);
        double rootZ = LogSumExp(root), after40Z = LogSumExp(after40);
        return [root[0] - rootZ + after40[0] - after40Z, root[0] - rootZ + after40[1] - after40Z, root[1] - rootZ];
    }

    [Fact]
    public void Each_branch_scores_its_constrained_answer_probability_and_they_sum_to_one()
    {
        var model = TinyModel.Create(seed: 31);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var forward = StepForward.Run(model, [StepRow.Create(Prompt, null, Cut, ChoiceScoring.UniquePrefix)], padTokenId: 0, StepForwardOptions.ScoresOnly);
        var scores = forward.BranchLogProbArrays()[0];

        var expected = Expected(model, Prompt);
        for (int c = 0; c < Cut.Length; c++) scores[c].Should().BeApproximately((float)expected[c], 1e-4f, $"branch {c}");
        scores.Sum(s => Math.Exp(s)).Should().BeApproximately(1.0, 1e-4, "the constrained answer is one of the candidates");
    }

    [Fact]
    public void The_same_branches_scored_as_full_sequences_are_not_renormalised()
    {
        var model = TinyModel.Create(seed: 31);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var forward = StepForward.Run(model, [StepRow.Create(Prompt, null, Cut)], padTokenId: 0, StepForwardOptions.ScoresOnly);
        var root = NextLogProbs(model, Prompt, [], [50]);

        forward.BranchLogProbArrays()[0][2].Should().BeApproximately((float)root[0], 1e-4f);
    }

    [Fact]
    public void A_packed_row_scores_each_unique_prefix_step_as_its_own_row_does_and_gradients_flow()
    {
        var model = TinyModel.Create(seed: 32);
        using var scope = NewDisposeScope();
        int[] later = [.. Prompt, 50, 51, 9, 7];
        var row = StepRow.Packed(later, [new BranchPoint(Prompt.Length, Cut, ChoiceScoring.UniquePrefix)], [[40, 41], [40, 43]], scoring: ChoiceScoring.UniquePrefix);

        var forward = StepForward.Run(model, [row], padTokenId: 0, StepForwardOptions.ScoresOnly);

        forward.BranchLogProbs[0].requires_grad.Should().BeTrue();
        using (no_grad())
        {
            var first = Expected(model, Prompt);
            for (int c = 0; c < Cut.Length; c++) forward.BranchLogProbs[0][c].item<float>().Should().BeApproximately((float)first[c], 1e-4f, $"earlier step, branch {c}");
            var after40 = NextLogProbs(model, later, [40], [41, 43]);
            double z = LogSumExp(after40);
            forward.BranchLogProbs[1][0].item<float>().Should().BeApproximately((float)(after40[0] - z), 1e-4f, "one first token: only the second one decides");
            forward.BranchLogProbs[1][1].item<float>().Should().BeApproximately((float)(after40[1] - z), 1e-4f);
        }
        forward.BranchLogProbs[0][2].backward();
        model.Decoder.EmbeddingWeight.grad!.abs().sum().item<float>().Should().BeGreaterThan(0);
    }
}
