using System.Text.Json;
using IRanker.Model.Checkpoints;
using IRanker.Model.Modeling;
using IRanker.Model;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Tests.Text;
using IRanker.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Checkpoints;

/// <summary>
/// The way back from verl: the folder its model merger writes (Hugging Face's save layout: bfloat16 shards with an
/// index, config, generation config, tokenizer files) loads through the library's loader, the one behind
/// <c>IRankerOptions.ModelPath</c>. The folder is made by Fixtures/verl/hf_merged_layout.py with python3's standard
/// library, independently of the project's SafeTensorsWriter.
/// </summary>
public sealed class VerlMergedCheckpointTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "iranker-verl-merged-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_merged_bfloat16_sharded_checkpoint_loads_and_gives_the_original_logits_within_bfloat16_rounding()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        var tokenizerFolder = TestTokenizers.QwenFolder;
        var original = Path.Combine(root, "original");
        var merged = Path.Combine(root, "merged");

        // The original: a float32 Qwen2 of the real vocabulary, tied head, as one model.safetensors.
        manual_seed(11);
        var config = Qwen2Config.Tiny(151_936);
        var model = new Qwen2ForCausalLM(config);
        using (no_grad()) model.Decoder.EmbeddingWeight.normal_(0, 1.0);
        model.eval();
        model.SavePretrained(original);

        // 4 MB shards: the 19 MB embedding gets a shard of its own and the layers spread over the next ones.
        var written = RunPython(Path.Combine(AppContext.BaseDirectory, "Fixtures", "verl", "hf_merged_layout.py"),
            original, merged, tokenizerFolder, (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"merged layout: {written}");
        Directory.GetFiles(merged, "model-*-of-*.safetensors").Length.Should().BeGreaterThan(1);
        File.Exists(Path.Combine(merged, "model.safetensors")).Should().BeFalse();
        foreach (var name in new[] { "model.safetensors.index.json", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            File.Exists(Path.Combine(merged, name)).Should().BeTrue(name);
        Qwen2Config.FromFile(Path.Combine(merged, "config.json")).TorchDtype.Should().Be("bfloat16");

        // The stored weights are the original's rounded to bfloat16 exactly as torch rounds (to nearest even).
        var loaded = IRankerModel.Load(merged);
        var originals = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        foreach (var (name, parameter) in loaded.Model.named_parameters())
            parameter.equal(originals[name].to(ScalarType.BFloat16).to(ScalarType.Float32)).all().item<bool>().Should().BeTrue(name);
        loaded.Model.Decoder.EmbeddingWeight.equal(model.Decoder.EmbeddingWeight).all().item<bool>().Should().BeFalse("the weights went through bfloat16");

        // Logits of a real step prompt, tokenised by the folder's tokenizer, against the float32 original.
        var query = new RankingQuery("why do leaves change colour in autumn",
            [new("passage 1", "Chlorophyll breaks down as days shorten.", 1), new("passage 2", "Maple syrup is made in spring.", 0), new("passage 3", "Autumn is also called fall.", 0)],
            RankingScenario.Passage);
        var prompt = PromptTemplate.For(RankingScenario.Passage).BuildStep(query, [0, 1, 2], DecodingMode.Choice).Text;
        var ids = loaded.Tokenizer.Encode(prompt).Select(i => (long)i).ToArray();
        ids.Length.Should().BeGreaterThan(50);
        using var input = tensor(ids).unsqueeze(0);
        using var mask = ones_like(input);
        using var noGrad = no_grad();
        using var expected = model.Forward(input, mask);
        using var actual = loaded.Model.Forward(input, mask);
        double scale = expected.Logits.abs().max().item<float>();
        double error = (actual.Logits - expected.Logits).abs().max().item<float>();
        double agreement = actual.Logits.argmax(-1).eq(expected.Logits.argmax(-1)).to(ScalarType.Float32).mean().item<float>();
        output.WriteLine($"{ids.Length} tokens: max |logit| {scale:F3}, max error {error:F4} ({error / scale:P2}), top-1 agreement {agreement:P1}");
        // bfloat16 keeps 8 significant bits (relative rounding up to 2^-9 = 0.2% per weight); through two layers and
        // the tied head the logits moved by 0.16% of their largest value when this test was written. 1% is the bound.
        (error / scale).Should().BeLessThan(0.01);
        error.Should().BeGreaterThan(0, "bfloat16 weights cannot give bit-identical logits");
        agreement.Should().BeGreaterThan(0.9);
    }

    // The merger script prints a JSON summary of what it wrote.
    private static string RunPython(string script, params string[] arguments)
    {
        using var summary = JsonDocument.Parse(Python.Run(script, "", TimeSpan.FromMinutes(3), arguments));
        return summary.RootElement.ToString();
    }
}
