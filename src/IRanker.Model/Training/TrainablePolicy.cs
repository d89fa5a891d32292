using IRanker.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>
/// What the trainer updates and what it compares against: the policy (with LoRA adapters where configured), PPO's
/// value head, the AdamW optimiser over their trainable parameters, and the frozen reference of the KL penalty.
/// </summary>
internal sealed class TrainablePolicy
{
    private readonly List<TorchSharp.Modules.Parameter> trainable;

    public TrainablePolicy(Qwen2ForCausalLM model, TrainingOptions options)
    {
        Model = model;
        if (options.LoraRank > 0)
        {
            if (model.Lora is null) model.ApplyLora(new LoraOptions { Rank = options.LoraRank, Alpha = options.LoraAlpha });
            else if (model.Lora.Rank != options.LoraRank)
                throw new ArgumentException(
                    $"The model already has LoRA adapters of rank {model.Lora.Rank}, but TrainingOptions.LoraRank is {options.LoraRank}. " +
                    "Set LoraRank to the adapters' rank, or merge them (MergeLora) first.", nameof(options));
        }
        trainable = model.TrainableParameters().ToList();
        if (options.Algorithm == RlAlgorithm.Ppo)
        {
            using (no_grad()) ValueHead = new ValueHead(model.Config.HiddenSize);
            ValueHead.to(model.Device).to(model.DType);
            trainable.AddRange(ValueHead.parameters());
        }
        Optimizer = optim.AdamW(trainable, options.LearningRate, weight_decay: options.WeightDecay);
        KlCoefficient = options.KlCoefficient;
    }

    /// <summary>The policy, trained in place.</summary>
    public Qwen2ForCausalLM Model { get; }

    /// <summary>PPO's critic; null with GRPO.</summary>
    public ValueHead? ValueHead { get; }

    /// <summary>The optimiser.</summary>
    public TorchSharp.Modules.AdamW Optimizer { get; }

    /// <summary>The frozen copy of the policy that the KL penalty compares with (without LoRA); null until made.</summary>
    public Qwen2ForCausalLM? Reference { get; set; }

    private double KlCoefficient { get; }

    /// <summary>Whether the KL penalty applies: a frozen copy, or with LoRA the base model with its adapters off.</summary>
    public bool HasReference => KlCoefficient > 0 && (Reference is not null || Model.Lora is not null);

    /// <summary>The model the reference log-probs come from: the frozen copy, or the policy itself with LoRA.</summary>
    public Qwen2ForCausalLM ReferenceModel => Reference ?? Model;

    /// <summary>With LoRA, switches the adapters off until disposed (the reference is the base); otherwise nothing.</summary>
    public IDisposable? EnterReference() => Reference is null && Model.Lora is not null ? Model.DisableAdapters() : null;

    /// <summary>Makes the frozen reference copy when the KL penalty needs one and none exists.</summary>
    public void EnsureReference()
    {
        if (KlCoefficient > 0 && Reference is null && Model.Lora is null) Reference = FrozenCopy(Model);
    }

    /// <summary>Sets the learning rate of every parameter group.</summary>
    public void SetLearningRate(double learningRate)
    {
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;
    }

    /// <summary>Clips the gradients and takes the optimiser step, unless the loss or the gradients are not finite.</summary>
    /// <exception cref="InvalidOperationException">The loss or the gradient norm is NaN or infinite; no step was taken.</exception>
    public void Step(double loss, double maxGradNorm, TrainingPhase phase, int step, string? checkpointFolder)
    {
        var parameters = trainable.Where(p => p.grad is not null).ToList();
        double norm = nn.utils.clip_grad_norm_(parameters, maxGradNorm);
        if (!double.IsFinite(loss) || !double.IsFinite(norm))
            throw new InvalidOperationException(
                $"Training diverged at {phase} step {step}: loss {loss}, gradient norm {norm}. The optimiser step was not taken; " +
                (checkpointFolder is null
                    ? "no checkpoint folder was set. "
                    : $"the newest checkpoint in '{checkpointFolder}' is the last good state. ") +
                "Lower the learning rate, or raise MaxGradNorm's strictness (a smaller value).");
        Optimizer.step();
    }

    /// <summary>A copy of <paramref name="source"/> with gradients off, in evaluation mode.</summary>
    public static Qwen2ForCausalLM FrozenCopy(Qwen2ForCausalLM source)
    {
        var copy = new Qwen2ForCausalLM(source.Config).To(source.Device, source.DType);
        CopyWeights(source, copy);
        foreach (var p in copy.parameters()) p.requires_grad = false;
        copy.eval();
        return copy;
    }

    /// <summary>Copies every parameter of <paramref name="from"/> into the same-named one of <paramref name="to"/>.</summary>
    public static void CopyWeights(Qwen2ForCausalLM from, Qwen2ForCausalLM to)
    {
        var source = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var _ = no_grad();
        foreach (var (name, p) in to.named_parameters()) p.copy_(source[name]);
    }
}
