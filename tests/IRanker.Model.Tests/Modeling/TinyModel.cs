using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

/// <summary>Small random models and inputs shared by the model tests.</summary>
internal static class TinyModel
{
    internal const int Vocab = 97;

    internal static Qwen2ForCausalLM Create(bool tied = true, int seed = 1)
    {
        TorchRuntime.EnsureInitialized();
        manual_seed(seed);
        var config = Qwen2Config.Tiny(Vocab);
        config.TieWordEmbeddings = tied;
        var model = new Qwen2ForCausalLM(config);
        // Larger than default embeddings so that logits are far from uniform and differences show.
        using (no_grad()) model.Decoder.EmbeddingWeight.normal_(0, 1.0);
        model.eval();
        return model;
    }

    /// <summary>Three left-padded rows of lengths 9, 6 and 4: ids and mask [3, 9].</summary>
    internal static (Tensor Ids, Tensor Mask) LeftPaddedBatch(int seed = 3)
    {
        manual_seed(seed);
        var ids = randint(1, Vocab, [3, 9], dtype: ScalarType.Int64);
        var mask = ones(3, 9, dtype: ScalarType.Int64);
        mask[1, ..3] = 0;
        mask[2, ..5] = 0;
        ids = ids.masked_fill(mask.eq(0), 0);
        return (ids, mask);
    }
}
