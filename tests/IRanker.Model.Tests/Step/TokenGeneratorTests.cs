using IRanker.Model.Runtime;
using IRanker.Model.Step;
using IRanker.Model.Tests.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Step;

public class TokenGeneratorTests
{
    private static readonly IReadOnlyList<IReadOnlyList<int>> Prompts = [[5, 9, 13, 2, 44], [7, 8], [60, 61, 62]];

    public TokenGeneratorTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void Sampling_with_the_same_seed_is_reproducible()
    {
        var generator = new TokenGenerator(TinyModel.Create(tied: false));
        var options = new GenerationOptions { MaxNewTokens = 10, DoSample = true, Temperature = 1.5, TopK = 50, TopP = 0.95, Seed = 1234 };
        var first = generator.Generate(Prompts, options);
        var second = generator.Generate(Prompts, options);
        for (int b = 0; b < Prompts.Count; b++)
        {
            second[b].TokenIds.Should().Equal(first[b].TokenIds);
            second[b].LogProbs.Should().Equal(first[b].LogProbs);
        }
        var greedy = generator.Generate(Prompts, new GenerationOptions { MaxNewTokens = 10 });
        first.Select(s => string.Join(",", s.TokenIds)).Should().NotEqual(greedy.Select(s => string.Join(",", s.TokenIds)),
            "hot sampling over a random model almost surely leaves the greedy path");
    }

    [Fact]
    public void Greedy_log_probs_are_those_of_a_full_forward()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create(tied: false);
        var result = new TokenGenerator(model).Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 4 })[0];
        var sequence = Prompts[0].Concat(result.TokenIds).Select(i => (long)i).ToArray();
        using var noGrad = no_grad();
        using var output = model.Forward(tensor(sequence).unsqueeze(0));
        var logProbs = output.Logits[0].log_softmax(-1);                       // [seq, vocab]
        for (int i = 0; i < result.TokenIds.Length; i++)
        {
            int at = Prompts[0].Count - 1 + i;
            logProbs[at].argmax().item<long>().Should().Be(result.TokenIds[i]);
            logProbs[at, result.TokenIds[i]].item<float>().Should().BeApproximately(result.LogProbs[i], 1e-4f);
        }
    }

    [Fact]
    public void A_stop_token_ends_its_sequence_only()
    {
        var generator = new TokenGenerator(TinyModel.Create(tied: false));
        var free = generator.Generate(Prompts, new GenerationOptions { MaxNewTokens = 6 });
        int stopToken = free[1].TokenIds[2];
        var stopped = generator.Generate(Prompts, new GenerationOptions { MaxNewTokens = 6, StopTokenIds = [stopToken] });

        int cut = Array.IndexOf(free[1].TokenIds, stopToken);
        stopped[1].TokenIds.Should().Equal(free[1].TokenIds.Take(cut + 1));
        stopped[1].FinishReason.Should().Be(FinishReason.Stop);
        for (int b = 0; b < Prompts.Count; b++)
        {
            int at = Array.IndexOf(free[b].TokenIds, stopToken);
            stopped[b].TokenIds.Should().Equal(at < 0 ? free[b].TokenIds : free[b].TokenIds.Take(at + 1));
        }
    }
}
