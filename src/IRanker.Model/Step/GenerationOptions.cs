namespace IRanker.Model.Step;

/// <summary>How <see cref="TokenGenerator"/> chooses tokens. The defaults give greedy decoding of up to 32 tokens.</summary>
/// <example>
/// <code>
/// var options = new GenerationOptions { MaxNewTokens = 8, DoSample = true, Temperature = 0.8, TopP = 0.95, Seed = 42, StopTokenIds = [151645] };
/// </code>
/// </example>
internal sealed class GenerationOptions
{
    /// <summary>Most tokens generated per sequence. Default 32.</summary>
    public int MaxNewTokens { get; set; } = 32;

    /// <summary>Sample from the distribution (true) or take the most likely token (false, the default).</summary>
    public bool DoSample { get; set; }

    /// <summary>Divides the logits before sampling; ignored when <see cref="DoSample"/> is false. Default 1.</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Sample only among the k most likely tokens; 0 (default) = no limit.</summary>
    public int TopK { get; set; }

    /// <summary>Sample only among the most likely tokens whose probabilities sum to at least p (nucleus); 1 (default) = no limit.</summary>
    public double TopP { get; set; } = 1.0;

    /// <summary>Token ids that end a sequence (the stop token is kept as its last token). Default none.</summary>
    public IReadOnlyCollection<int> StopTokenIds { get; set; } = [];

    /// <summary>Token id fed after a sequence has stopped and used for left padding. Default 0.</summary>
    public int PadTokenId { get; set; }

    /// <summary>Seed of the sampling random generator; the same seed, prompts and model give the same tokens. Null = unseeded.</summary>
    public long? Seed { get; set; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "MaxNewTokens must be at least 1.");
        if (DoSample && !(Temperature > 0)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be positive when sampling.");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be 0 (off) or positive.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
    }
}
