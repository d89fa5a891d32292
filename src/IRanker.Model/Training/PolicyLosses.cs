using IRanker.Model.Modeling;
using IRanker.Model.Step;
using IRanker.Model.Training.Objectives;
using IRanker.Model.Training.Rollouts;
using IRanker.Model.Training.Sampling;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>One micro-batch's loss, as a tensor to back-propagate, and its statistics (means over the micro-batch).</summary>
internal sealed record MicroBatchLoss(Tensor Loss, double Kl = 0, double ClipFraction = 0, double Entropy = 0, double ValueLoss = 0,
    double LanguageModelLoss = 0, double Accuracy = 0);

/// <summary>
/// Scores a micro-batch through the elimination step (the same one ranking uses, with gradients on) and hands the
/// numbers to the loss functions of <see cref="Objectives"/>: the warm start's supervised losses and the RL policy losses.
/// </summary>
internal sealed class PolicyLosses(ModelStep step, TrainablePolicy policy, TrainingOptions options)
{
    /// <summary>Real tokens run through the model since the counter was last reset.</summary>
    public long Tokens { get; set; }

    // ---- warm start ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Choice mode: the mass on the correct eliminations, plus the prompts' next-token loss (each row's prompt once, so a
    /// packed elimination counts its prompt once, not once per step).
    /// </summary>
    public MicroBatchLoss ChoiceWarmStart(IReadOnlyList<(EliminationState State, StepPlace Place)> items)
    {
        var forward = Forward(items.Select(x => x.Place).ToArray(), promptLoss: options.LanguageModelLossWeight > 0, out var steps);
        var logps = ModelStep.ChoiceLogProbs(forward, options.Temperature);                // per step [m]
        var losses = new List<Tensor>();
        double correct = 0, entropy = 0;
        for (int k = 0; k < items.Count; k++)
        {
            var s = items[k].State;
            var logp = logps[steps[k]];
            var worst = s.Worst();
            var isWorst = tensor(s.Remaining.Select(c => worst.Contains(c)).ToArray(), device: logp.device);
            losses.Add(WarmStartLoss.Choice(logp, isWorst));
            using (no_grad())
            {
                if (worst.Contains(s.Remaining[(int)logp.argmax().item<long>()])) correct += s.Weight;
                entropy += s.Weight * TokenEntropy.Compute(logp.detach()).item<float>();
            }
        }
        var supervised = WeightedMean(losses, items.Select(x => x.State.Weight).ToArray());  // []
        double total = items.Sum(x => x.State.Weight);
        return WithLanguageModel(supervised, forward.PromptLoss, correct / total, entropy / total);
    }

    /// <summary>Answer and Reasoning modes: the teacher-forced answer that eliminates a correct candidate, plus the prompts' next-token loss.</summary>
    public MicroBatchLoss FreeTextWarmStart(IReadOnlyList<(int[] Prompt, int[] Target)> rows)
    {
        var scored = Score(policy.Model, rows, 1.0, promptLoss: options.LanguageModelLossWeight > 0);
        var nll = WarmStartLoss.TeacherForced(scored.LogProbs, scored.Mask);                // []
        double accuracy, entropy;
        using (no_grad())
        {
            // Teacher-forced: the fraction of target tokens that are the most likely next token (log-prob > log 0.5).
            accuracy = MaskedMean.All(scored.LogProbs.gt(Math.Log(0.5)).to_type(ScalarType.Float32), scored.Mask).item<float>();
            entropy = MaskedMean.All(scored.Entropy, scored.Mask).item<float>();
        }
        return WithLanguageModel(nll, scored.PromptLanguageModelLoss, accuracy, entropy);
    }

    /// <summary>The mean of <paramref name="losses"/> weighted by <paramref name="weights"/> (the plain mean when every weight is 1).</summary>
    private static Tensor WeightedMean(List<Tensor> losses, double[] weights)
    {
        if (weights.All(w => w == 1.0)) return stack(losses).mean();                       // []
        var w = tensor(weights.Select(x => (float)x).ToArray(), device: losses[0].device);  // [n]
        return (stack(losses) * w).sum() / w.sum();                                         // []
    }

    private MicroBatchLoss WithLanguageModel(Tensor supervised, Tensor? languageModel, double accuracy, double entropy)
    {
        var lm = languageModel ?? zeros(1, device: supervised.device).sum();                // []
        return new MicroBatchLoss(supervised + options.LanguageModelLossWeight * lm, Entropy: entropy, LanguageModelLoss: lm.item<float>(), Accuracy: accuracy);
    }

    // ---- reinforcement learning ----------------------------------------------------------------------------------

    /// <summary>Choice mode: the policy is the step's softmax over the remaining candidates' sequence log-probs.</summary>
    /// <param name="batch">The micro-batch's groups.</param>
    /// <param name="firstUpdate">Whether this is the first update on these rollouts (it records their old log-probs).</param>
    public MicroBatchLoss Choice(IReadOnlyList<RolloutGroup> batch, bool firstUpdate)
    {
        var places = batch.Select(g => g.Place).ToArray();
        var forward = Forward(places, promptLoss: false, out var steps);
        var all = ModelStep.ChoiceLogProbs(forward, options.Temperature);                   // per step [m]
        var logps = steps.Select(i => all[i]).ToArray();                                    // per group [m]
        Tensor[]? reference = null;
        if (policy.HasReference)
            using (no_grad())
            using (policy.EnterReference())
            {
                var referenceSteps = ModelStep.ChoiceLogProbs(step.On(policy.ReferenceModel).Forward(places, ForwardOptions(promptLoss: false), out _), options.Temperature);
                reference = steps.Select(i => referenceSteps[i]).ToArray();
            }

        var losses = new List<Tensor>();
        double kl = 0, clip = 0, entropy = 0, valueLoss = 0;
        for (int k = 0; k < batch.Count; k++)
        {
            var group = batch[k];
            var device = logps[k].device;
            var picks = tensor(group.Answers.Select(a => (long)IndexIn(group.State.Remaining, a.Chosen!.Value)).ToArray(), device: device); // [G]
            if (firstUpdate)
                for (int g = 0; g < group.Answers.Count; g++)
                    group.Answers[g].OldLogProbs = logps[k][picks[g]].detach().cpu().MoveToOuterDisposeScope();
            var old = stack(group.Answers.Select(a => a.OldLogProbs!.to(device)).ToArray());   // [G]
            var rewardsT = tensor(group.Answers.Select(a => (float)a.Reward.Total).ToArray(), device: device); // [G]
            Tensor advantages, extra = zeros(1, device: device).sum();
            double valueStep = 0;
            if (policy.ValueHead is { } head)
            {
                var (adv, vl) = ValueTargets.OneStep(head.forward(forward.PointHidden[steps[k]]), rewardsT);
                advantages = adv;
                extra = options.ValueLossCoefficient * vl;
                valueStep = vl.item<float>();
            }
            else
            {
                advantages = tensor(group.Answers.Select(a => (float)a.Advantage).ToArray(), device: device);       // [G]
            }
            var part = ChoicePolicyLoss.Compute(logps[k], picks, old, advantages, reference?[k], options.ClipEpsilon, options.EntropyCoefficient, options.KlCoefficient);
            losses.Add(part.Loss + extra);
            double w = group.State.Weight;
            kl += w * part.Kl; clip += w * part.ClipFraction; entropy += w * part.Entropy; valueLoss += w * valueStep;
        }
        double n = batch.Sum(g => g.State.Weight);
        return new MicroBatchLoss(WeightedMean(losses, batch.Select(g => g.State.Weight).ToArray()), kl / n, clip / n, entropy / n, valueLoss / n);
    }

    /// <summary>Answer and Reasoning modes: per-token PPO-clip, k3 and entropy on each generated response.</summary>
    public MicroBatchLoss FreeText(IReadOnlyList<RolloutGroup> batch, bool firstUpdate)
    {
        var rows = batch.SelectMany(g => g.Answers.Select(a => (g.Row.Prompt, a.Tokens))).ToList();
        var answers = batch.SelectMany(g => g.Answers).ToList();
        var scored = Score(policy.Model, rows, options.Temperature, promptLoss: false);
        var mask = scored.Mask;                                                              // [R, T]
        long steps = mask.shape[1];
        if (firstUpdate)
            for (int i = 0; i < answers.Count; i++) answers[i].OldLogProbs = scored.LogProbs[i].detach().cpu().MoveToOuterDisposeScope();
        var old = stack(answers.Select(a => a.OldLogProbs!.narrow(0, 0, steps).to(mask.device)).ToArray());  // [R, T]
        Tensor advantages, extra = zeros(1, device: mask.device).sum();
        double valueLoss = 0;
        if (policy.ValueHead is { } head)
        {
            var rewards = tensor(answers.Select(a => (float)a.Reward.Total).ToArray(), device: mask.device);   // [R]
            var (adv, vl) = ValueTargets.PerToken(head.forward(scored.Hidden) * mask, mask, rewards, options.Gamma, options.Lambda);
            advantages = adv;
            extra = options.ValueLossCoefficient * vl;
            valueLoss = vl.item<float>();
        }
        else
        {
            advantages = tensor(answers.Select(a => (float)a.Advantage).ToArray(), device: mask.device).unsqueeze(1);  // [R, 1]
        }
        Tensor? reference = null;
        if (policy.HasReference)
            using (no_grad())
            using (policy.EnterReference())
                reference = Score(policy.ReferenceModel, rows, options.Temperature, promptLoss: false).LogProbs;
        var part = FreeTextPolicyLoss.Compute(scored.LogProbs, old, advantages, mask, scored.Entropy, reference,
            options.ClipEpsilon, options.EntropyCoefficient, options.KlCoefficient);
        return new MicroBatchLoss(part.Loss + extra, part.Kl, part.ClipFraction, part.Entropy, valueLoss);
    }

    private StepForward Forward(IReadOnlyList<StepPlace> places, bool promptLoss, out int[] steps)
    {
        var forward = step.Forward(places, ForwardOptions(promptLoss), out steps);
        Tokens += forward.NewTokens;
        return forward;
    }

    /// <summary>The forward's options: packed rows share a sequence within <see cref="TrainingOptions.PackTokens"/>.</summary>
    public static StepForwardOptions ForwardOptions(TrainingOptions options, bool promptLoss) =>
        new(PromptLoss: promptLoss, PackTokens: options.PackEliminations ? options.PackTokens : 0);

    private StepForwardOptions ForwardOptions(bool promptLoss) => ForwardOptions(options, promptLoss);

    private ScoredSequences Score(Modeling.Qwen2ForCausalLM model, IReadOnlyList<(int[] Prompt, int[] Continuation)> rows, double temperature, bool promptLoss)
    {
        Tokens += rows.Sum(r => (long)(r.Prompt.Length + r.Continuation.Length));
        return SequenceScorer.Score(model, rows, temperature, step.Prompts.PadTokenId, promptLoss);
    }

    private static int IndexIn(IReadOnlyList<int> remaining, int candidate)
    {
        for (int i = 0; i < remaining.Count; i++) if (remaining[i] == candidate) return i;
        throw new InvalidOperationException($"Candidate {candidate} is not in the pool.");
    }
}
