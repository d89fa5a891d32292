using IRanker.Model.Modeling;

namespace IRanker.Model.Tests.Modeling;

public class Qwen2ConfigTests
{
    [Fact]
    public void Rope_theta_and_dtype_are_read_from_both_transformers_layouts()
    {
        var v4 = Qwen2Config.Parse("""{"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96, "vocab_size": 100, "rope_theta": 10000.0, "torch_dtype": "bfloat16"}""");
        var v5 = Qwen2Config.Parse("""{"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96, "vocab_size": 100, "rope_parameters": {"rope_theta": 5000.0, "rope_type": "default"}, "dtype": "float16"}""");
        v4.RopeTheta.Should().Be(10000.0);
        v4.TorchDtype.Should().Be("bfloat16");
        v5.RopeTheta.Should().Be(5000.0);
        v5.TorchDtype.Should().Be("float16");
        v5.HeadDim.Should().Be(16);
    }

    [Fact]
    public void Save_then_read_keeps_every_field()
    {
        var path = Path.Combine(Path.GetTempPath(), "iranker-config-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var config = Qwen2Config.Qwen25_0_5B();
            config.Save(path);
            var read = Qwen2Config.FromFile(path);
            read.Should().BeEquivalentTo(config);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Inconsistent_head_counts_are_rejected_with_the_field_named()
    {
        var parse = () => Qwen2Config.Parse("""{"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 3}""", "my/config.json");
        parse.Should().Throw<InvalidDataException>().WithMessage("*my/config.json*num_key_value_heads*");
    }
}
