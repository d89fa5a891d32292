using IRanker.Model.Prompts;
using IRanker.Model.Step;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Step;

public class DecodeLoopTests
{
    /// <summary>
    /// The same prompts decoded by <see cref="TokenGenerator"/> (left-padded, positions from the mask) and by the step's
    /// answer decoding (after <see cref="StepForward"/>: new columns right-padded, explicit positions, keep mask) give
    /// the same tokens with the same log-probs, up to where the answer ends.
    /// </summary>
    [Theory]
    [InlineData(false, 1.0, 1.0)]
    [InlineData(true, 1.5, 0.9)]
    public void Answer_decoding_after_the_step_writes_what_the_generator_writes_for_the_same_prompts(bool sample, double temperature, double topP)
    {
        const int maxTokens = 10;
        const long seed = 17;
        using var model = Random(seed: 7);
        var source = new TemplatePromptSource(model);
        var step = new ModelStep(model.Model, source);
        var queries = new[] { MixedQueries()[2], MixedQueries()[5] };
        var rows = queries.Select(q =>
        {
            var remaining = Enumerable.Range(0, q.Candidates.Count).ToList();
            return step.Row(q, remaining, DecodingMode.Answer, step.Prompt(q, remaining, DecodingMode.Answer));
        }).ToList();
        rows[0].Prompt.Length.Should().BeLessThan(rows[1].Prompt.Length, "rows of different lengths are padded differently by the two paths");

        var generated = new TokenGenerator(model.Model).Generate(rows.Select(r => (IReadOnlyList<int>)r.Prompt).ToList(), new GenerationOptions
        {
            MaxNewTokens = maxTokens, DoSample = sample, Temperature = temperature, TopP = topP, Seed = seed,
            StopTokenIds = source.StopTokenIds, PadTokenId = source.PadTokenId,
        });
        DecodedRow[] answers;
        using (var forward = step.Forward(rows, new StepForwardOptions(KeepCache: true)))
        using (var random = sample ? new Generator((ulong)seed, model.Device) : null)
            answers = AnswerDecoder.Decode(model.Model, source, forward, rows, new DecodeSettings(maxTokens, sample, temperature, topP), random);

        for (int b = 0; b < rows.Count; b++)
        {
            var answer = answers[b];
            int n = answer.TokenIds.Length;
            n.Should().BePositive();
            generated[b].TokenIds.Take(n).Should().Equal(answer.TokenIds, $"row {b} is the same prompt decoded the same way");
            for (int i = 0; i < n; i++) generated[b].LogProbs[i].Should().BeApproximately(answer.LogProbs[i], 1e-4f, $"row {b}, token {i}");
            if (answer.End == DecodeEnd.Stop)
            {
                generated[b].TokenIds.Should().HaveCount(n + 1).And.EndWith(answer.StopTokenId!.Value);
                generated[b].FinishReason.Should().Be(FinishReason.Stop);
            }
            else if (answer.End == DecodeEnd.Length) generated[b].TokenIds.Should().HaveCount(maxTokens);
        }
    }

    [Fact]
    public void Decoding_leaves_no_tensor_alive()
    {
        using var model = Random(seed: 8);
        var source = new TemplatePromptSource(model);
        var step = new ModelStep(model.Model, source);
        var rows = MixedQueries().Skip(2).Take(3).Select(q =>
        {
            var remaining = Enumerable.Range(0, q.Candidates.Count).ToList();
            return step.Row(q, remaining, DecodingMode.Answer, step.Prompt(q, remaining, DecodingMode.Answer));
        }).ToList();
        var prompts = rows.Select(r => (IReadOnlyList<int>)r.Prompt).ToList();
        var free = new TokenGenerator(model.Model).Generate(prompts, new GenerationOptions { MaxNewTokens = 6 });
        // A stop token that ends one row early, so that the others run on past it.
        var options = new GenerationOptions { MaxNewTokens = 6, DoSample = true, Seed = 3, StopTokenIds = [free[1].TokenIds[2]] };

        void Decode()
        {
            new TokenGenerator(model.Model).Generate(prompts, options);
            using var forward = step.Forward(rows, new StepForwardOptions(KeepCache: true));
            using var random = new Generator(5, model.Device);
            step.Generate(forward, rows, new DecodeSettings(6, Sample: true), random);
        }

        Decode();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) Decode();
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }
}
