using IRanker.Model.Generation;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Tests.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Generation;

public class ChoiceScorerTests
{
    public ChoiceScorerTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void Scores_equal_brute_force_log_probs_of_separate_forwards()
    {
        var model = TinyModel.Create(tied: false);
        IReadOnlyList<IReadOnlyList<int>> prompts = [[5, 9, 13, 2, 44, 3], [7, 8], [60, 61, 62]];
        IReadOnlyList<IReadOnlyList<IReadOnlyList<int>>> candidates =
        [
            [[10], [11, 12, 13], [14, 15]],
            [[20, 21], [22]],
            [[30, 31, 32, 33], [34], [35, 36], [37]],
        ];
        var scores = new ChoiceScorer(model).Score(prompts, candidates);

        for (int b = 0; b < prompts.Count; b++)
            for (int c = 0; c < candidates[b].Count; c++)
            {
                float expected = BruteForce(model, prompts[b], candidates[b][c]);
                scores[b].Sum[c].Should().BeApproximately(expected, 1e-4f, $"prompt {b}, candidate {c}");
                scores[b].Mean[c].Should().BeApproximately(expected / candidates[b][c].Count, 1e-4f);
            }
        scores[2].Probabilities().Sum().Should().BeApproximately(1.0, 1e-9);
    }

    private static float BruteForce(Qwen2ForCausalLM model, IReadOnlyList<int> prompt, IReadOnlyList<int> candidate)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(prompt.Concat(candidate).Select(i => (long)i).ToArray()).unsqueeze(0);
        using var output = model.Forward(ids);
        var logProbs = output.Logits[0].log_softmax(-1);                       // [seq, vocab]
        double total = 0;
        for (int i = 0; i < candidate.Count; i++) total += logProbs[prompt.Count - 1 + i, candidate[i]].item<float>();
        return (float)total;
    }
}
