using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>PPO's critic: a linear layer from the policy's last hidden state to a scalar value.</summary>
internal sealed class ValueHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear score;

    public ValueHead(int hiddenSize) : base(nameof(ValueHead))
    {
        score = nn.Linear(hiddenSize, 1);
        using (no_grad())
        {
            score.weight!.zero_();   // start at V = 0: the first advantages are the raw rewards
            score.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <param name="hidden">[..., H] hidden states.</param>
    /// <returns>[...] values, in float32 whatever the compute dtype (they meet float32 rewards and returns).</returns>
    public override Tensor forward(Tensor hidden) => score.forward(hidden).squeeze(-1).to(ScalarType.Float32);
}
