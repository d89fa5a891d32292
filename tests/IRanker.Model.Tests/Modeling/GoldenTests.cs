using IRanker.Model.Checkpoints;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Step;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

/// <summary>Checks the model against outputs of Hugging Face transformers (see Fixtures/golden/PROVENANCE.md).</summary>
public class GoldenTests
{
    /// <summary>The environment variable naming a folder of further golden cases (one sub-folder each).</summary>
    public const string ExtraGoldenVariable = "IRANKER_EXTRA_GOLDEN";

    private static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden");

    public static IEnumerable<object[]> Cases()
    {
        var folders = Directory.GetDirectories(BuiltInFolder).Select(Path.GetFileName).ToList();
        folders.Should().NotBeEmpty("the golden fixtures are copied next to the test assembly");
        foreach (var name in folders.Order(StringComparer.Ordinal)) yield return [name!];
        var extra = Environment.GetEnvironmentVariable(ExtraGoldenVariable);
        if (!string.IsNullOrWhiteSpace(extra))
            foreach (var dir in Directory.GetDirectories(extra).Order(StringComparer.Ordinal)) yield return [dir];
    }

    private static string Resolve(string caseName) => Path.IsPathRooted(caseName) ? caseName : Path.Combine(BuiltInFolder, caseName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Logits_match_transformers_at_every_real_position(string caseName)
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        var folder = Resolve(caseName);
        var model = Qwen2ForCausalLM.FromPretrained(folder, CPU, ScalarType.Float32);
        using var reference = SafeTensorsFile.Open(Path.Combine(folder, "reference.safetensors"));
        var ids = reference.Read("input_ids");
        var mask = reference.Read("attention_mask");
        var positions = reference.Read("position_ids");
        var expected = reference.Read("logits");                        // [batch, seq, vocab]

        using var noGrad = no_grad();
        using var output = model.Forward(ids, mask, positions);
        var logits = output.Logits;                                     // [batch, seq, vocab]
        logits.shape.Should().Equal(expected.shape);
        logits.isfinite().all().item<bool>().Should().BeTrue("padded positions must stay finite");

        var real = mask.to(ScalarType.Bool).unsqueeze(-1);               // [batch, seq, 1]
        var difference = (logits - expected).abs().masked_fill(real.logical_not(), 0).max().item<float>();
        var tolerance = 1e-4f * expected.masked_fill(real.logical_not(), 0).abs().max().item<float>();
        difference.Should().BeLessThanOrEqualTo(tolerance, $"logits of '{caseName}' must match transformers");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_decoding_reproduces_transformers(string caseName)
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        var folder = Resolve(caseName);
        var model = Qwen2ForCausalLM.FromPretrained(folder, CPU, ScalarType.Float32);
        using var reference = SafeTensorsFile.Open(Path.Combine(folder, "reference.safetensors"));
        var ids = reference.Read("input_ids");
        var mask = reference.Read("attention_mask");
        var expected = reference.Read("generated_ids");                 // [batch, new]
        int newTokens = (int)expected.shape[1];

        var generated = new TokenGenerator(model).Generate(ids, mask, new GenerationOptions { MaxNewTokens = newTokens });

        for (int b = 0; b < expected.shape[0]; b++)
        {
            var want = expected[b].data<long>().Select(x => (int)x).ToArray();
            generated[b].TokenIds.Should().Equal(want, $"row {b} of '{caseName}'");
            generated[b].FinishReason.Should().Be(FinishReason.Length);
            generated[b].LogProbs.Should().HaveCount(newTokens).And.OnlyContain(lp => lp <= 0 && float.IsFinite(lp));
        }
    }
}
