using IRanker.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

public class TiedWeightsTests
{
    public TiedWeightsTests() => IRanker.Model.Runtime.TorchRuntime.EnsureInitialized();

    [Fact]
    public void Tied_head_and_embedding_stay_one_parameter_after_an_AdamW_step()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create(tied: true);
        model.train();
        model.LmHeadWeight.Should().BeSameAs(model.Decoder.EmbeddingWeight);
        model.named_parameters().Select(p => p.name).Should().NotContain("lm_head.weight");
        var before = model.Decoder.EmbeddingWeight.detach().clone();

        var optimizer = optim.AdamW(model.parameters(), lr: 1e-2);
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using (var output = model.Forward(ids, mask))
        {
            var loss = output.Logits.log_softmax(-1).narrow(2, 0, 1).mean().neg();
            loss.backward();
        }
        optimizer.step();

        model.LmHeadWeight.Should().BeSameAs(model.Decoder.EmbeddingWeight);
        model.LmHeadWeight.equal(model.Decoder.EmbeddingWeight).all().item<bool>().Should().BeTrue();
        model.Decoder.EmbeddingWeight.equal(before).all().item<bool>().Should().BeFalse("the step must have changed the shared weight");
    }

    [Fact]
    public void Tied_head_stays_shared_after_a_dtype_change()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create(tied: true).To(CPU, ScalarType.BFloat16);
        model.LmHeadWeight.Should().BeSameAs(model.Decoder.EmbeddingWeight);
        model.DType.Should().Be(ScalarType.BFloat16);
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using var noGrad = no_grad();
        using var output = model.Forward(ids, mask);
        output.Logits.dtype.Should().Be(ScalarType.BFloat16);
        output.Logits.isfinite().all().item<bool>().Should().BeTrue();
    }
}
