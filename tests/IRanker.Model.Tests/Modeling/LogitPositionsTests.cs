using IRanker.Model.Runtime;

using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

public class LogitPositionsTests
{
    public LogitPositionsTests() => IRanker.Model.Runtime.TorchRuntime.EnsureInitialized();

    [Fact]
    public void Logits_at_one_position_per_row_equal_those_of_the_full_head()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create(tied: false);
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using var noGrad = no_grad();
        using var full = model.Forward(ids, mask);                                 // [3, 9, vocab]
        var positions = tensor(new long[] { 8, 4, 6 });
        using var selected = model.Forward(ids, mask, logitPositions: positions);  // [3, 1, vocab]

        selected.Logits.shape.Should().Equal(3, 1, TinyModel.Vocab);
        for (int b = 0; b < 3; b++)
        {
            var expected = full.Logits[b, positions[b].item<long>()];
            (selected.Logits[b, 0] - expected).abs().max().item<float>().Should().BeLessThan(1e-5f);
        }
    }

    [Fact]
    public void Logits_at_several_positions_per_row_equal_those_of_the_full_head()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using var noGrad = no_grad();
        using var full = model.Forward(ids, mask);
        var positions = tensor(new long[,] { { 0, 8 }, { 3, 7 }, { 8, 5 } });
        using var selected = model.Forward(ids, mask, logitPositions: positions);  // [3, 2, vocab]

        selected.Logits.shape.Should().Equal(3, 2, TinyModel.Vocab);
        selected.LastHiddenState.shape.Should().Equal(3, 9, model.Config.HiddenSize);
        for (int b = 0; b < 3; b++)
            for (int k = 0; k < 2; k++)
            {
                var expected = full.Logits[b, positions[b, k].item<long>()];
                (selected.Logits[b, k] - expected).abs().max().item<float>().Should().BeLessThan(1e-5f);
            }
    }
}
