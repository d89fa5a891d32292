using IRanker.Model.Modeling;
using IRanker.Model.Training.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>Saves a training run into a <see cref="TrainingCheckpoint"/> folder and resumes from the newest one.</summary>
internal static class TrainerCheckpoints
{
    /// <summary>Writes a checkpoint of the run (atomically) and prunes old ones; returns its folder.</summary>
    public static string Save(string root, int keep, TrainerProgress progress, TrainablePolicy policy)
    {
        var state = new TrainingCheckpoint
        {
            GlobalStep = progress.GlobalStep,
            WarmStartDone = progress.WarmStartDone,
            ReinforcementDone = progress.ReinforcementDone,
            Random = progress.Random.State,
            TorchRandom = Convert.ToBase64String(torch.random.get_rng_state().data<byte>().ToArray()),
            QueryOrder = progress.Stream!.Order,
            QueryPosition = progress.Stream.Position,
            TrajectoryQueries = progress.Trajectories.Slots.Select(s => s?.Query ?? -1).ToArray(),
            TrajectoryRemaining = progress.Trajectories.Slots.Select(s => s?.Remaining).ToArray(),
            TrajectoryEliminated = progress.Trajectories.Eliminated,
        };
        var model = policy.Model;
        var folder = state.Write(root, temp =>
        {
            model.SavePretrained(Path.Combine(temp, TrainingCheckpoint.ModelFolder));
            if (model.Lora is not null) model.SaveAdapters(Path.Combine(temp, TrainingCheckpoint.AdaptersFolder));
            policy.Reference?.SavePretrained(Path.Combine(temp, TrainingCheckpoint.ReferenceFolder));
            policy.ValueHead?.save(Path.Combine(temp, TrainingCheckpoint.ValueHeadFile));
            policy.Optimizer.save_state_dict(Path.Combine(temp, TrainingCheckpoint.OptimizerFile));
        });
        TrainingCheckpoint.Prune(root, keep);
        return folder;
    }

    /// <summary>
    /// Restores the newest checkpoint in <paramref name="root"/>, if any and if it is ahead of <paramref name="progress"/>;
    /// returns its global step.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint was written with other LoRA settings.</exception>
    public static int? TryResume(string? root, TrainerProgress progress, TrainablePolicy policy, int loraRank)
    {
        var folder = TrainingCheckpoint.Newest(root);
        if (folder is null) return null;
        var state = TrainingCheckpoint.Read(folder);
        if (state.GlobalStep <= progress.GlobalStep) return null;
        var model = policy.Model;
        string adapters = Path.Combine(folder, TrainingCheckpoint.AdaptersFolder);
        if (model.Lora is not null)
        {
            // The base weights are frozen: they are the caller's model; only the adapters come from the checkpoint.
            if (!Directory.Exists(adapters))
                throw new InvalidDataException($"The checkpoint '{folder}' was written without LoRA adapters, but TrainingOptions.LoraRank is {loraRank}. Resume with the options of that run.");
            model.LoadAdapters(adapters);
        }
        else
        {
            if (Directory.Exists(adapters))
                throw new InvalidDataException($"The checkpoint '{folder}' holds LoRA adapters, but TrainingOptions.LoraRank is 0. Resume with the options of that run.");
            using var saved = Qwen2ForCausalLM.FromPretrained(Path.Combine(folder, TrainingCheckpoint.ModelFolder), model.Device, model.DType);
            TrainablePolicy.CopyWeights(saved, model);
        }
        string referenceFolder = Path.Combine(folder, TrainingCheckpoint.ReferenceFolder);
        if (Directory.Exists(referenceFolder))
            policy.Reference = TrainablePolicy.FrozenCopy(Qwen2ForCausalLM.FromPretrained(referenceFolder, model.Device, model.DType));
        policy.ValueHead?.load(Path.Combine(folder, TrainingCheckpoint.ValueHeadFile));
        policy.Optimizer.load_state_dict(Path.Combine(folder, TrainingCheckpoint.OptimizerFile));
        progress.Random = TrainingRandom.FromState(state.Random);
        torch.random.set_rng_state(tensor(Convert.FromBase64String(state.TorchRandom)));
        progress.Stream!.Order = state.QueryOrder;
        progress.Stream.Position = state.QueryPosition;
        progress.Trajectories = new TrajectoryPool(state.TrajectoryQueries.Length)
        {
            Slots = state.TrajectoryQueries.Select((q, i) => q < 0 ? null : ((int, int[])?)(q, state.TrajectoryRemaining[i]!)).ToArray(),
            // Checkpoints written before append-only prompts existed have no history: the rebuilt layout needs none.
            Eliminated = state.TrajectoryEliminated ?? state.TrajectoryQueries.Select(_ => Array.Empty<int>()).ToArray(),
        };
        progress.WarmStartDone = state.WarmStartDone;
        progress.ReinforcementDone = state.ReinforcementDone;
        return state.GlobalStep;
    }
}
