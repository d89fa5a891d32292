using IRanker.Model.Runtime;
using IRanker.Model.Step;
using IRanker.Model.Training.Objectives;
using IRanker.Model.Training.Rollouts;
using IRanker.Model.Training.Sampling;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>One micro-batch's loss, as a tensor to back-propagate, and its statistics (means over the micro-batch).</summary>
internal sealed record MicroBatchLoss(Tensor Loss, double Kl = 0, double ClipFraction = 0, double Entropy = 0, double ValueLoss = 0,
    double LanguageModelLoss = 0, double Accuracy = 0);

/// <summary>The policy's log-probabilities for a batch of places (<see cref="PolicyLosses.LogProbs"/>) and the pass they came from.</summary>
/// <param name="Forward">The step's forward pass: prompt loss, hidden states, and in the free-text modes the answer tokens' mask, entropies and hidden states.</param>
/// <param name="PerPlace">Per place: [m] over the step's candidates (Choice mode), or [T] per answer token, 0-padded (free text).</param>
/// <param name="Steps">Per place, the index of its step among the forward's steps (<see cref="StepForward.PointHidden"/>).</param>
internal sealed record PolicyLogProbs(StepForward Forward, Tensor[] PerPlace, int[] Steps);

/// <summary>
/// Scores a micro-batch through the elimination step (the same one ranking uses, with gradients on) and hands the
/// numbers to the loss functions of <see cref="Objectives"/>: the warm start's supervised losses and the RL policy losses.
/// </summary>
internal sealed class PolicyLosses(ModelStep step, TrainablePolicy policy, TrainingOptions options)
{
    /// <summary>Real tokens run through the model since the counter was last reset.</summary>
    public long Tokens { get; set; }

    // ---- the policy -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The policy's log-probabilities for <paramref name="places"/>, as every loss takes them, from one pass of the
    /// elimination step: in Choice mode, per place [m], the log-softmax over the step's candidates of their sequence
    /// log-probs divided by the temperature; in the free-text modes, where each place is a row of its own whose one
    /// branch is a written answer (<see cref="StepRow.WithAnswer"/>), per place [T], each answer token's log-probability
    /// under <c>log_softmax(logits / temperature)</c>, padded with 0 to the batch's longest answer
    /// (<see cref="StepForward.Tokens"/> holds the mask, entropies and hidden states, one row per place in order).
    /// </summary>
    /// <param name="places">The steps to score.</param>
    /// <param name="promptLoss">Also compute the prompts' next-token loss (<see cref="StepForward.PromptLoss"/>).</param>
    /// <param name="temperature">The temperature; null: <see cref="TrainingOptions.Temperature"/>.</param>
    /// <param name="reference">Score with the frozen reference (gradients off) instead of the policy.</param>
    /// <exception cref="ArgumentException">A free-text place is not a row of its own with one branch.</exception>
    internal PolicyLogProbs LogProbs(IReadOnlyList<StepPlace> places, bool promptLoss = false, double? temperature = null, bool reference = false)
    {
        double t = temperature ?? options.Temperature;
        bool choice = options.Mode == DecodingMode.Choice;
        var forwardOptions = ForwardOptions(promptLoss) with { TokenTemperature = choice ? null : t };
        StepForward forward;
        int[] steps;
        if (reference)
        {
            using (no_grad())
            using (policy.EnterReference())
                forward = step.On(policy.ReferenceModel).Forward(places, forwardOptions, out steps);
        }
        else
        {
            forward = step.Forward(places, forwardOptions, out steps);
            Tokens += forward.NewTokens;
        }
        if (choice)
        {
            var all = ModelStep.ChoiceLogProbs(forward, t);                                 // per step [m]
            return new PolicyLogProbs(forward, steps.Select(i => all[i]).ToArray(), steps);
        }
        for (int i = 0; i < steps.Length; i++)
            if (steps[i] != i || forward.BranchCounts[i] != 1)
                throw new ArgumentException("A written answer is scored as the one branch of a row of its own.", nameof(places));
        var tokens = forward.Tokens!.LogProbs;                                              // [R, T]
        return new PolicyLogProbs(forward, Enumerable.Range(0, steps.Length).Select(i => tokens[i]).ToArray(), steps);
    }

    // ---- warm start ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Choice mode: the mass on the correct eliminations, plus the prompts' next-token loss (each row's prompt once, so a
    /// packed elimination counts its prompt once, not once per step).
    /// </summary>
    public MicroBatchLoss ChoiceWarmStart(IReadOnlyList<(EliminationState State, StepPlace Place)> items)
    {
        var scores = LogProbs(items.Select(x => x.Place).ToArray(), promptLoss: options.LanguageModelLossWeight > 0);
        var losses = new List<Tensor>();
        double correct = 0, entropy = 0;
        for (int k = 0; k < items.Count; k++)
        {
            var s = items[k].State;
            var logp = scores.PerPlace[k];
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
        return WithLanguageModel(supervised, scores.Forward.PromptLoss, correct / total, entropy / total);
    }

    /// <summary>
    /// Answer and Reasoning modes: the teacher-forced answer that eliminates a correct candidate (at temperature 1),
    /// scored as the one branch of its state's row, plus the prompts' next-token loss.
    /// </summary>
    /// <param name="rows">Each state's row (its step prompt) and the supervised answer's tokens.</param>
    public MicroBatchLoss FreeTextWarmStart(IReadOnlyList<(StepRow Row, int[] Target)> rows)
    {
        var scores = LogProbs(rows.Select(r => new StepPlace(r.Row.WithAnswer(r.Target), 0)).ToArray(),
            promptLoss: options.LanguageModelLossWeight > 0, temperature: 1.0);
        var tokens = scores.Forward.Tokens!;
        var logps = stack(scores.PerPlace);                                                 // [R, T]
        var nll = WarmStartLoss.TeacherForced(logps, tokens.Mask);                          // []
        double accuracy, entropy;
        using (no_grad())
        {
            // Teacher-forced: the fraction of target tokens that are the most likely next token (log-prob > log 0.5).
            accuracy = MaskedMean.All(logps.Above(Math.Log(0.5)).to_type(ScalarType.Float32), tokens.Mask).item<float>();
            entropy = MaskedMean.All(tokens.Entropy, tokens.Mask).item<float>();
        }
        return WithLanguageModel(nll, scores.Forward.PromptLoss, accuracy, entropy);
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
        return new MicroBatchLoss(supervised.Plus(lm.Times(options.LanguageModelLossWeight)), Entropy: entropy, LanguageModelLoss: lm.item<float>(), Accuracy: accuracy);
    }

    // ---- reinforcement learning ----------------------------------------------------------------------------------

    /// <summary>Choice mode: the policy is the step's softmax over the remaining candidates' sequence log-probs.</summary>
    /// <param name="batch">The micro-batch's groups.</param>
    /// <param name="firstUpdate">Whether this is the first update on these rollouts (it records their old log-probs).</param>
    public MicroBatchLoss Choice(IReadOnlyList<RolloutGroup> batch, bool firstUpdate)
    {
        var places = batch.Select(g => g.Place).ToArray();
        var scores = LogProbs(places);
        var logps = scores.PerPlace;                                                        // per group [m]
        var reference = policy.HasReference ? LogProbs(places, reference: true).PerPlace : null;

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
                var (adv, vl) = ValueTargets.OneStep(head.forward(scores.Forward.PointHidden[scores.Steps[k]]), rewardsT);
                advantages = adv;
                extra = vl.Times(options.ValueLossCoefficient);
                valueStep = vl.item<float>();
            }
            else
            {
                advantages = tensor(group.Answers.Select(a => (float)a.Advantage).ToArray(), device: device);       // [G]
            }
            var part = ChoicePolicyLoss.Compute(logps[k], picks, old, advantages, reference?[k], options.ClipEpsilon, options.EntropyCoefficient, options.KlCoefficient);
            losses.Add(part.Loss.Plus(extra));
            double w = group.State.Weight;
            kl += w * part.Kl; clip += w * part.ClipFraction; entropy += w * part.Entropy; valueLoss += w * valueStep;
        }
        double n = batch.Sum(g => g.State.Weight);
        return new MicroBatchLoss(WeightedMean(losses, batch.Select(g => g.State.Weight).ToArray()), kl / n, clip / n, entropy / n, valueLoss / n);
    }

    /// <summary>Answer and Reasoning modes: per-token PPO-clip, k3 and entropy on each generated response, each scored as the one branch of its state's row.</summary>
    public MicroBatchLoss FreeText(IReadOnlyList<RolloutGroup> batch, bool firstUpdate)
    {
        var places = batch.SelectMany(g => g.Answers.Select(a => new StepPlace(g.Row.WithAnswer(a.Tokens), 0))).ToArray();
        var answers = batch.SelectMany(g => g.Answers).ToList();
        var scores = LogProbs(places);
        var tokens = scores.Forward.Tokens!;
        var logps = stack(scores.PerPlace);                                                 // [R, T]
        var mask = tokens.Mask;                                                             // [R, T]
        long steps = mask.shape[1];
        if (firstUpdate)
            for (int i = 0; i < answers.Count; i++) answers[i].OldLogProbs = scores.PerPlace[i].detach().cpu().MoveToOuterDisposeScope();
        var old = stack(answers.Select(a => a.OldLogProbs!.narrow(0, 0, steps).to(mask.device)).ToArray());  // [R, T]
        Tensor advantages, extra = zeros(1, device: mask.device).sum();
        double valueLoss = 0;
        if (policy.ValueHead is { } head)
        {
            var rewards = tensor(answers.Select(a => (float)a.Reward.Total).ToArray(), device: mask.device);   // [R]
            var (adv, vl) = ValueTargets.PerToken(head.forward(tokens.Hidden) * mask, mask, rewards, options.Gamma, options.Lambda);
            advantages = adv;
            extra = vl.Times(options.ValueLossCoefficient);
            valueLoss = vl.item<float>();
        }
        else
        {
            advantages = tensor(answers.Select(a => (float)a.Advantage).ToArray(), device: mask.device).unsqueeze(1);  // [R, 1]
        }
        var reference = policy.HasReference ? stack(LogProbs(places, reference: true).PerPlace) : null;   // [R, T]
        var part = FreeTextPolicyLoss.Compute(logps, old, advantages, mask, tokens.Entropy, reference,
            options.ClipEpsilon, options.EntropyCoefficient, options.KlCoefficient);
        return new MicroBatchLoss(part.Loss.Plus(extra), part.Kl, part.ClipFraction, part.Entropy, valueLoss);
    }

    /// <summary>The forward options of the trainer's passes: packed rows share a sequence within <see cref="TrainingOptions.PackTokens"/>.</summary>
    public static StepForwardOptions ForwardOptions(TrainingOptions options, bool promptLoss) =>
        new(PromptLoss: promptLoss, PackTokens: options.PackEliminations ? options.PackTokens : 0);

    private StepForwardOptions ForwardOptions(bool promptLoss) => ForwardOptions(options, promptLoss);

    private static int IndexIn(IReadOnlyList<int> remaining, int candidate)
    {
        for (int i = 0; i < remaining.Count; i++) if (remaining[i] == candidate) return i;
        throw new InvalidOperationException($"Candidate {candidate} is not in the pool.");
    }
}
