using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

public class KVCacheTests
{
    public KVCacheTests() => IRanker.Model.Runtime.TorchRuntime.EnsureInitialized();

    [Fact]
    public void Decoding_with_the_cache_gives_the_logits_of_the_full_forward()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using var noGrad = no_grad();
        using var full = model.Forward(ids, mask);                               // [3, 9, vocab]

        using var cache = new KVCache(model.Config.NumHiddenLayers);
        var pieces = new List<Tensor>();
        using (var prefix = model.Forward(ids[.., ..6], mask[.., ..6], cache: cache)) pieces.Add(prefix.Logits.alias());
        for (int t = 6; t < 9; t++)
        {
            using var step = model.Forward(ids[.., t..(t + 1)], mask[.., ..(t + 1)], cache: cache);
            pieces.Add(step.Logits.alias());
        }
        cache.Length.Should().Be(9);
        var incremental = cat(pieces, 1);                                         // [3, 9, vocab]

        var real = mask.to(ScalarType.Bool).unsqueeze(-1);
        var difference = (incremental - full.Logits).abs().masked_fill(real.logical_not(), 0).max().item<float>();
        difference.Should().BeLessThan(1e-4f);
        full.Logits.abs().max().item<float>().Should().BeGreaterThan(0.1f, "the comparison is meaningful only for non-trivial logits");
    }

    [Fact]
    public void Padding_does_not_change_the_logits_of_real_tokens_and_stays_finite()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using var noGrad = no_grad();
        using var padded = model.Forward(ids, mask);
        padded.Logits.isfinite().all().item<bool>().Should().BeTrue();

        // Row 2 alone, without its 5 padding tokens.
        using var alone = model.Forward(ids[2..3, 5..]);
        var difference = (padded.Logits[2..3, 5..] - alone.Logits).abs().max().item<float>();
        difference.Should().BeLessThan(1e-4f);
    }
}
