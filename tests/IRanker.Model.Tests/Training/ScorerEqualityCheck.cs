using Xunit.Abstractions;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Step;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

public class ScorerEqualityCheck(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DecodingMode.Answer, 1.0, 0)]
    [InlineData(DecodingMode.Answer, 0.7, 0)]
    [InlineData(DecodingMode.Reasoning, 1.3, 0)]
    [InlineData(DecodingMode.Answer, 1.0, 4)]
    [InlineData(DecodingMode.Answer, 1.3, -1)]
    public void Old_and_new(DecodingMode mode, double temperature, int lora)
    {
        var lists = TrainingRankingAgreementTests.Lists(RankingScenario.Passage).Concat(TrainingRankingAgreementTests.Lists(RankingScenario.Routing)).ToList();
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 5, style: PromptStyle.Compact);
        var options = new TrainingOptions { Mode = mode, Temperature = temperature, LoraRank = Math.Max(0, lora), PackEliminations = lora < 0, PackTokens = 400 };
        options.Validate();
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        var policy = new TrainablePolicy(model.Model, options);
        var losses = new PolicyLosses(step, policy, options);
        model.Model.train();
        using var scope = NewDisposeScope();
        var random = new Random(3);
        var rows = new List<(StepRow Row, int[] Answer)>();
        foreach (var q in lists)
            for (int g = 0; g < 2; g++)
            {
                var remaining = Enumerable.Range(0, q.Candidates.Count).ToArray();
                var prompt = step.Prompt(q, remaining, mode);
                var answer = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(4, (int)model.Model.Config.VocabSize)).ToArray();
                rows.Add((step.Row(q, remaining, mode, prompt), answer));
            }
        var old = SequenceScorer.Score(model.Model, rows.Select(r => (r.Row.Prompt, r.Answer)).ToList(), temperature, step.Prompts.PadTokenId, true);
        var scores = losses.LogProbs(rows.Select(r => new StepPlace(r.Row.WithAnswer(r.Answer), 0)).ToArray(), promptLoss: true);
        var tokens = scores.Forward.Tokens!;
        var logps = stack(scores.PerPlace);
        double Max(Tensor a, Tensor b) => (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();
        tokens.Mask.shape.Should().Equal(old.Mask.shape);
        Max(tokens.Mask, old.Mask).Should().Be(0);
        var m = old.Mask;
        double lp = Max(logps, old.LogProbs), en = Max(tokens.Entropy, old.Entropy);
        double hid = Max(tokens.Hidden * m.unsqueeze(-1), old.Hidden * m.unsqueeze(-1));
        double pl = Max(scores.Forward.PromptLoss!, old.PromptLanguageModelLoss!);
        // Gradients of one scalar through each.
        var pars = model.Model.parameters().Where(p => p.requires_grad).ToArray();
        var ga = autograd.grad([(logps * m).sum() + tokens.Entropy.sum() + scores.Forward.PromptLoss!], pars, allow_unused: true);
        var gb = autograd.grad([(old.LogProbs * m).sum() + old.Entropy.sum() + old.PromptLanguageModelLoss!], pars, allow_unused: true);
        double grad = 0, gscale = 0;
        for (int i = 0; i < pars.Length; i++)
            if (ga[i] is not null && gb[i] is not null && ga[i].numel() > 0) { grad = Math.Max(grad, Max(ga[i], gb[i])); gscale = Math.Max(gscale, gb[i].abs().max().item<float>()); }
        output.WriteLine($"{mode} T={temperature} lora={lora}: logprob {lp:E2} (range {old.LogProbs.min().item<float>()}), entropy {en:E2}, hidden {hid:E2}, prompt loss {pl:E2} ({old.PromptLanguageModelLoss!.item<float>()}), grad {grad:E2} of {gscale:E2}");
        Console.WriteLine($"EQ sums {logps.abs().sum().item<float>()} {old.LogProbs.abs().sum().item<float>()} {tokens.Hidden.abs().sum().item<float>()} {tokens.Entropy.sum().item<float>()} mask {m.sum().item<float>()}"); Console.WriteLine($"EQ {mode} T={temperature} lora={lora}: logprob {lp:E2}, entropy {en:E2}, hidden {hid:E2}, prompt loss {pl:E2}, grad {grad:E2} of max {gscale:E2}");
        lp.Should().BeLessThan(1e-4);
    }
}
