namespace IRanker.Model.Modeling;

/// <summary>
/// Shape of the low-rank adapters (LoRA) that <see cref="Qwen2ForCausalLM.ApplyLora"/> adds to a model's projections:
/// each targeted weight W [out, in] gets <c>W x + (Alpha / Rank) · B (A x)</c> with A [Rank, in] and B [out, Rank].
/// </summary>
/// <example>
/// <code>
/// model.ApplyLora(new LoraOptions { Rank = 16, TargetModules = ["q_proj", "v_proj"] });
/// var optimizer = torch.optim.AdamW(model.TrainableParameters(), lr: 1e-4);
/// </code>
/// </example>
public sealed class LoraOptions
{
    /// <summary>The projection names LoRA can target: every linear layer of a decoder layer.</summary>
    public static IReadOnlyList<string> AllProjections { get; } =
        ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>Rank r of every adapter. Default 8.</summary>
    public int Rank { get; set; } = 8;

    /// <summary>Scale numerator: the adapter's output is multiplied by <c>Alpha / Rank</c>. Default (null): <c>2 · Rank</c>.</summary>
    public double? Alpha { get; set; }

    /// <summary>Dropout probability on an adapter's input, in training mode only. Default 0.</summary>
    public double Dropout { get; set; }

    /// <summary>Which projections of every decoder layer get an adapter (names from <see cref="AllProjections"/>). Default: all seven.</summary>
    public IReadOnlyList<string> TargetModules { get; set; } = AllProjections;

    /// <summary><see cref="Alpha"/>, or its default <c>2 · Rank</c>.</summary>
    public double EffectiveAlpha => Alpha ?? 2.0 * Rank;

    /// <summary>The multiplier of the adapter's output, <c>EffectiveAlpha / Rank</c>.</summary>
    public double Scale => EffectiveAlpha / Rank;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (Rank < 1) throw new ArgumentException($"LoraOptions.Rank must be at least 1; got {Rank}.", nameof(Rank));
        if (Alpha is { } alpha && !(alpha > 0 && double.IsFinite(alpha)))
            throw new ArgumentException($"LoraOptions.Alpha must be positive and finite (or null for 2 * Rank); got {alpha}.", nameof(Alpha));
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"LoraOptions.Dropout must be in [0, 1); got {Dropout}.", nameof(Dropout));
        if (TargetModules is null || TargetModules.Count == 0)
            throw new ArgumentException($"LoraOptions.TargetModules must name at least one of {string.Join(", ", AllProjections)}.", nameof(TargetModules));
        foreach (var name in TargetModules)
            if (!AllProjections.Contains(name))
                throw new ArgumentException($"LoraOptions.TargetModules has '{name}', which is not a projection of this model; use any of {string.Join(", ", AllProjections)}.", nameof(TargetModules));
    }
}
