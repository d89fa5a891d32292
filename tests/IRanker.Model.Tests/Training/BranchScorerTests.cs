using IRanker.Model.Tests.Modeling;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

public class BranchScorerTests
{
    private static readonly (int[] Prompt, int[][] Branches)[] Items =
    [
        ([5, 9, 14, 3, 22, 8], [[40, 41, 42], [40, 43], [50], [51, 52, 53, 54]]),
        ([7, 7, 30], [[60, 61], [62, 63]]),
    ];

    [Fact]
    public void Each_branch_scores_what_a_separate_row_of_prompt_plus_candidate_scores()
    {
        var model = TinyModel.Create(seed: 4);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var packed = BranchScorer.Score(model, Items, padId: 0, promptLanguageModelLoss: false);

        for (int i = 0; i < Items.Length; i++)
        {
            var (prompt, branches) = Items[i];
            for (int c = 0; c < branches.Length; c++)
            {
                int[] row = [.. prompt, .. branches[c]];
                var logits = model.Forward(tensor(row.Select(x => (long)x).ToArray()).unsqueeze(0)).Logits[0].log_softmax(-1); // [L, V]
                double expected = 0;
                for (int j = 0; j < branches[c].Length; j++)
                    expected += logits[prompt.Length - 1 + j, branches[c][j]].item<float>();
                packed.SequenceLogProbs[i][c].item<float>().Should().BeApproximately((float)expected, 1e-4f, $"item {i}, branch {c}");
            }
        }
    }

    [Fact]
    public void The_prompt_language_model_loss_is_the_mean_next_token_loss_over_the_prompts()
    {
        var model = TinyModel.Create(seed: 5);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var packed = BranchScorer.Score(model, Items, padId: 0, promptLanguageModelLoss: true);

        double sum = 0;
        int count = 0;
        foreach (var (prompt, _) in Items)
        {
            var logits = model.Forward(tensor(prompt.Select(x => (long)x).ToArray()).unsqueeze(0)).Logits[0].log_softmax(-1);
            for (int t = 0; t + 1 < prompt.Length; t++, count++) sum -= logits[t, prompt[t + 1]].item<float>();
        }
        packed.PromptLanguageModelLoss!.item<float>().Should().BeApproximately((float)(sum / count), 1e-4f);
    }

    [Fact]
    public void Gradients_flow_to_the_model_through_the_branch_scores()
    {
        var model = TinyModel.Create(seed: 6);
        using var scope = NewDisposeScope();
        var packed = BranchScorer.Score(model, Items, padId: 0, promptLanguageModelLoss: false);
        packed.SequenceLogProbs[0].log_softmax(0)[2].backward();
        model.Decoder.EmbeddingWeight.grad!.abs().sum().item<float>().Should().BeGreaterThan(0);
    }
}
