using System.Globalization;
using IRanker.Model.Training;

namespace IRanker.Datasets.Tests.Verl;

/// <summary>tools/verl/iranker_grpo.yaml and iranker_ppo.yaml carry the library's training defaults under verl's keys.</summary>
public class VerlConfigTests
{
    private static readonly TrainingOptions Defaults = new();

    [Fact]
    public void The_grpo_configuration_has_the_library_defaults()
    {
        var grpo = Flatten(RepositoryFiles.Find(Path.Combine("tools", "verl", "iranker_grpo.yaml")));
        var expected = new Dictionary<string, string>
        {
            ["algorithm.adv_estimator"] = "grpo",
            ["data.max_prompt_length"] = Number(Defaults.MaxPromptTokens),
            ["data.max_response_length"] = Number(Defaults.MaxResponseTokens),
            ["data.train_batch_size"] = Number(Defaults.PromptsPerStep),
            ["actor_rollout_ref.actor.ppo_mini_batch_size"] = Number(Defaults.PromptsPerStep),
            ["actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu"] = Number(Defaults.MicroBatchSize),
            ["actor_rollout_ref.actor.ppo_epochs"] = Number(Defaults.UpdatesPerRollout),
            ["actor_rollout_ref.actor.clip_ratio"] = Number(Defaults.ClipEpsilon),
            ["actor_rollout_ref.actor.entropy_coeff"] = Number(Defaults.EntropyCoefficient),
            ["actor_rollout_ref.actor.use_kl_loss"] = "true",
            ["actor_rollout_ref.actor.kl_loss_coef"] = Number(Defaults.KlCoefficient),
            ["actor_rollout_ref.actor.kl_loss_type"] = "low_var_kl",
            ["actor_rollout_ref.actor.grad_clip"] = Number(Defaults.MaxGradNorm),
            ["actor_rollout_ref.actor.optim.lr"] = Number(Defaults.LearningRate),
            ["actor_rollout_ref.actor.optim.weight_decay"] = Number(Defaults.WeightDecay),
            ["actor_rollout_ref.actor.optim.lr_warmup_steps_ratio"] = Number(Defaults.WarmupSteps),
            ["actor_rollout_ref.model.lora_rank"] = Number(Defaults.LoraRank),
            ["actor_rollout_ref.rollout.n"] = Number(Defaults.GroupSize),
            ["actor_rollout_ref.rollout.temperature"] = Number(Defaults.Temperature),
            ["algorithm.gamma"] = Number(Defaults.Gamma),
            ["algorithm.lam"] = Number(Defaults.Lambda),
            ["algorithm.use_kl_in_reward"] = "false",
            ["custom_reward_function.name"] = "compute_score",
            ["trainer.save_freq"] = Number(Defaults.CheckpointInterval),
            ["trainer.max_actor_ckpt_to_keep"] = Number(Defaults.KeepCheckpoints),
        };
        foreach (var (key, value) in expected)
        {
            grpo.Should().ContainKey(key);
            Same(grpo[key], value).Should().BeTrue($"{key} is {grpo[key]} in the file, {value} in the library");
        }
        Defaults.Algorithm.Should().Be(RlAlgorithm.Grpo, "GRPO is the library's default, and so the first file's");
    }

    [Fact]
    public void The_ppo_configuration_adds_the_critic_and_gae_of_the_paper()
    {
        var ppo = Flatten(RepositoryFiles.Find(Path.Combine("tools", "verl", "iranker_ppo.yaml")));
        ppo["defaults"].Should().Be("iranker_grpo _self_");
        ppo["algorithm.adv_estimator"].Should().Be("gae");
        Same(ppo["algorithm.gamma"], Number(Defaults.Gamma)).Should().BeTrue();
        Same(ppo["algorithm.lam"], Number(Defaults.Lambda)).Should().BeTrue();
        Same(ppo["critic.optim.lr"], "2e-6").Should().BeTrue("the paper's critic learning rate");
        ppo["actor_rollout_ref.rollout.n"].Should().Be("1", "the paper samples one rollout per prompt");
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool Same(string actual, string expected) =>
        double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) &&
        double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)
            ? a == e
            : actual == expected;

    /// <summary>
    /// The scalars of a YAML file of nested mappings, by dotted path (enough for these files: two-space indents,
    /// "key: value", comments, and "- item" lists, whose items are joined by spaces).
    /// </summary>
    private static Dictionary<string, string> Flatten(string path)
    {
        var values = new Dictionary<string, string>();
        var stack = new List<(int Indent, string Key)>();
        string? listKey = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Split(" #")[0].TrimEnd();
            if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0) continue;
            int indent = line.Length - line.TrimStart().Length;
            var text = line.Trim();
            if (text.StartsWith("- ", StringComparison.Ordinal) && listKey is not null)
            {
                values[listKey] = values.TryGetValue(listKey, out var items) && items.Length > 0 ? items + " " + text[2..] : text[2..];
                continue;
            }
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            var key = text[..colon];
            var value = text[(colon + 1)..].Trim();
            var full = string.Join(".", stack.Select(s => s.Key).Append(key));
            if (value.Length == 0)
            {
                stack.Add((indent, key));
                listKey = full;
                values[full] = "";
            }
            else
            {
                values[full] = value;
                listKey = null;
            }
        }
        return values;
    }
}
