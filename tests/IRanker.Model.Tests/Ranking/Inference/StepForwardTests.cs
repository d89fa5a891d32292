using IRanker.Model.Ranking;
using IRanker.Model.Ranking.Inference;
using static IRanker.Model.Tests.Ranking.Inference.TinyRankerModels;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Ranking.Inference;

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
            [StepRow.Create(shortPrompt, null, branches), StepRow.Create(longPrompt, null, branches[..2])], padTokenId: 0, keepPrefixes: true);
        // Step two: prompts that share a prefix with the cached ones (different lengths, so the past is padded too).
        int[] nextShort = [5, 9, 14, 3, 50, 51];
        int[] nextLong = [5, 9, 14, 3, 7, 30, 12, 40, 60];
        using var shortCache = first.Prefixes[0]!;
        using var longCache = first.Prefixes[1]!;
        var rows = new[] { StepRow.Create(nextShort, shortCache, branches), StepRow.Create(nextLong, longCache, branches[1..]) };
        rows[0].PastLength.Should().Be(4);
        rows[1].PastLength.Should().Be(8);
        using var second = StepForward.Run(model.Model, rows, padTokenId: 0, keepPrefixes: false);

        for (int c = 0; c < 3; c++) first.BranchLogProbs[0][c].Should().BeApproximately(Reference(model, shortPrompt, branches[c]), 1e-4f);
        for (int c = 0; c < 2; c++) first.BranchLogProbs[1][c].Should().BeApproximately(Reference(model, longPrompt, branches[c]), 1e-4f);
        for (int c = 0; c < 3; c++) second.BranchLogProbs[0][c].Should().BeApproximately(Reference(model, nextShort, branches[c]), 1e-4f);
        for (int c = 0; c < 2; c++) second.BranchLogProbs[1][c].Should().BeApproximately(Reference(model, nextLong, branches[c + 1]), 1e-4f);
    }

    [Fact]
    public void A_cached_prefix_holds_the_whole_prompt_and_reuse_stops_before_the_last_token()
    {
        using var model = Random(seed: 22);
        int[] prompt = [5, 9, 14, 3];
        using var forward = StepForward.Run(model.Model, [StepRow.Create(prompt, null, [])], padTokenId: 0, keepPrefixes: true);
        using var cache = forward.Prefixes[0]!;

        cache.Tokens.Should().Equal(prompt);
        cache.Keys(0).shape.Should().Equal(1, model.Model.Config.NumKeyValueHeads, 4, model.Model.Config.HeadDim);
        cache.ReusableLength([5, 9, 14, 3]).Should().Be(3, "the last prompt token must run to give the next-token logits");
        cache.ReusableLength([5, 9, 2, 3, 1]).Should().Be(2);
        cache.ReusableLength([6]).Should().Be(0);
    }
}
