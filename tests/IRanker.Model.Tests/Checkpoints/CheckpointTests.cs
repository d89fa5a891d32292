using IRanker.Model.Checkpoints;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Tests.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "iranker-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => TorchRuntime.EnsureInitialized();

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Save_then_load_gives_identical_logits(bool tied)
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create(tied);
        model.SavePretrained(folder);
        var loaded = Qwen2ForCausalLM.FromPretrained(folder);
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        using var noGrad = no_grad();
        using var a = model.Forward(ids, mask);
        using var b = loaded.Forward(ids, mask);
        a.Logits.equal(b.Logits).all().item<bool>().Should().BeTrue();

        using var file = SafeTensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        file.Entries.ContainsKey("lm_head.weight").Should().Be(!tied, "a tied head is not written, as Hugging Face does");
        Qwen2Config.FromFile(Path.Combine(folder, "config.json")).TieWordEmbeddings.Should().Be(tied);
        Directory.GetFiles(folder, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public void A_bfloat16_checkpoint_loads_into_float32()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create().To(CPU, ScalarType.BFloat16);
        model.SavePretrained(folder);
        Qwen2Config.FromFile(Path.Combine(folder, "config.json")).TorchDtype.Should().Be("bfloat16");
        var loaded = Qwen2ForCausalLM.FromPretrained(folder, CPU, ScalarType.Float32);
        loaded.DType.Should().Be(ScalarType.Float32);
        loaded.Decoder.EmbeddingWeight.equal(model.Decoder.EmbeddingWeight.to(ScalarType.Float32)).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        SaveWith(tensors => tensors.Remove("model.layers.1.mlp.up_proj.weight"));
        var load = () => Qwen2ForCausalLM.FromPretrained(folder);
        load.Should().Throw<CheckpointException>().Where(e => e.TensorName == "model.layers.1.mlp.up_proj.weight" && e.Message.Contains("model.layers.1.mlp.up_proj.weight"));
    }

    [Fact]
    public void An_unexpected_tensor_is_named_with_its_file()
    {
        SaveWith(tensors => tensors["model.layers.0.extra.weight"] = zeros(2));
        var load = () => Qwen2ForCausalLM.FromPretrained(folder);
        load.Should().Throw<CheckpointException>()
            .Where(e => e.TensorName == "model.layers.0.extra.weight" && e.Message.Contains("model.safetensors"));
    }

    [Fact]
    public void A_wrong_shape_is_named_with_both_shapes()
    {
        SaveWith(tensors => tensors["model.norm.weight"] = ones(63));
        var load = () => Qwen2ForCausalLM.FromPretrained(folder);
        load.Should().Throw<CheckpointException>()
            .Where(e => e.TensorName == "model.norm.weight" && e.Message.Contains("[63]") && e.Message.Contains("[64]"));
    }

    [Fact]
    public void A_truncated_file_names_the_cut_tensor()
    {
        SaveWith(_ => { });
        var path = Path.Combine(folder, "model.safetensors");
        string last;
        using (var file = SafeTensorsFile.Open(path)) last = file.Entries.Values.MaxBy(e => e.End)!.Name;
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 10);
        var load = () => Qwen2ForCausalLM.FromPretrained(folder);
        load.Should().Throw<CheckpointException>().Where(e => e.TensorName == last && e.Message.Contains("truncated"));
    }

    [Fact]
    public void A_damaged_header_names_the_file()
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "broken.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(5L), .. "{oops"u8.ToArray()]);
        var open = () => SafeTensorsFile.Open(path);
        open.Should().Throw<CheckpointException>().Where(e => e.FilePath == path);
    }

    [Fact]
    public void Sharded_checkpoints_load_through_their_index()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        model.SavePretrained(folder);
        var all = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var firstHalf = all.Where(kv => kv.Key.StartsWith("model.layers.0", StringComparison.Ordinal)).ToDictionary();
        var secondHalf = all.Except(firstHalf).ToDictionary();
        File.Delete(Path.Combine(folder, "model.safetensors"));
        SafeTensorsWriter.Write(Path.Combine(folder, "model-00001-of-00002.safetensors"), firstHalf);
        SafeTensorsWriter.Write(Path.Combine(folder, "model-00002-of-00002.safetensors"), secondHalf);
        var map = firstHalf.Keys.Select(k => $"\"{k}\": \"model-00001-of-00002.safetensors\"")
            .Concat(secondHalf.Keys.Select(k => $"\"{k}\": \"model-00002-of-00002.safetensors\""));
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), $"{{\"metadata\": {{}}, \"weight_map\": {{{string.Join(", ", map)}}}}}");

        var loaded = Qwen2ForCausalLM.FromPretrained(folder);
        foreach (var (name, parameter) in loaded.named_parameters())
            parameter.equal(all[name]).all().item<bool>().Should().BeTrue(name);
    }

    private void SaveWith(Action<Dictionary<string, Tensor>> change)
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        model.SavePretrained(folder);
        var tensors = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        change(tensors);
        SafeTensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors);
    }
}
