using System.Security.Cryptography;
using System.Text.Json;
using IRanker.Datasets;
using IRanker.MLNet.Rows;
using IRanker.Model;
using IRanker.Model.Text;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

/// <summary>
/// The committed IRanker-mini (models/iranker-mini, docs/iranker-mini.md) and its base model: their weights are the
/// documented ones, they load through <see cref="IRankerOptions.ModelPath"/> as any Hugging Face checkpoint does, their
/// tokenizer has no unknown token, and IRanker-mini ranks the tasks it was trained on better than chance.
/// </summary>
public sealed class ShippedCheckpointTests
{
    /// <summary>SHA-256 of models/iranker-mini/model.safetensors, as docs/iranker-mini.md gives it.</summary>
    private const string ModelDigest = "5d9c802972f3820c46dad457a27d58e61a20974b0c041000e00423c0226c8ab5";

    /// <summary>SHA-256 of models/iranker-mini-base/model.safetensors, as docs/iranker-mini.md gives it.</summary>
    private const string BaseDigest = "9f9cc982e544fb4500d5774fba0f23ac8201ed3c1ce2d057a66ff8bfb40b467f";

    /// <summary>
    /// SHA-256 of models/variants/iranker-mini-no-routing/model.safetensors, the out-of-domain variant (ranking training
    /// without the routing scenario, from the shipped base model), as docs/iranker-mini.md gives it.
    /// </summary>
    private const string NoRoutingDigest = "26ae975fb572fae465b0af115d57cfb05c487bf2a4e937508bf3d54d623e183d";

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "models", "iranker-mini");
    private static readonly string BaseFolder = Path.Combine(AppContext.BaseDirectory, "models", "iranker-mini-base");

    [Theory]
    [InlineData("iranker-mini", ModelDigest)]
    [InlineData("iranker-mini-base", BaseDigest)]
    [InlineData("variants/iranker-mini-no-routing", NoRoutingDigest)]
    public void The_committed_weights_have_the_documented_digest_and_size(string name, string digest)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "models", name);
        string weights = Path.Combine(folder, "model.safetensors");
        File.Exists(weights).Should().BeTrue($"models/{name} is committed and copied next to the tests");
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights))).Should().Be(digest);
        using var recipe = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "recipe.json")));
        recipe.RootElement.GetProperty("model_safetensors_sha256").GetString().Should().Be(digest, "recipe.json records the digest of the weights it made");
        long bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
        bytes.Should().BeLessThan(25L * 1024 * 1024, "a ready checkpoint is at most about 25 MB");
    }

    [Fact]
    public void The_out_of_domain_variant_names_the_shipped_base_model_and_trained_no_routing_task()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "models", "variants", "iranker-mini-no-routing");
        using var recipe = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "recipe.json")));
        var root = recipe.RootElement;
        root.GetProperty("excluded_scenario").GetString().Should().Be("Routing");
        string baseFolder = Path.GetFullPath(Path.Combine(folder, root.GetProperty("base_folder").GetString()!));
        baseFolder.Should().Be(Path.GetFullPath(BaseFolder), "the variant starts from the shipped base model, so that the two models differ in their ranking training only");
        var trained = root.GetProperty("trained_tasks").EnumerateArray().Select(t => t.GetString()!).ToList();
        trained.Should().NotBeEmpty().And.OnlyContain(t => RankingTasks.ScenarioOf(t) != RankingScenario.Routing);
        root.GetProperty("held_out_tasks").EnumerateArray().Select(t => t.GetString()).Should().Contain(["Performance", "Balance", "Cost"]);
        using var model = IRankerModel.Load(folder);
        model.Tokenizer.VocabSize.Should().Be(TextTokenizer.Load(BaseFolder).VocabSize, "the variant keeps its base model's tokenizer");
    }

    [Fact]
    public void The_tokenizer_encodes_any_text_without_an_unknown_token()
    {
        var tokenizer = TextTokenizer.Load(Folder);
        tokenizer.Should().BeOfType<QwenTokenizer>("IRanker-mini ships a Hugging Face tokenizer.json");
        string[] texts = ["Zürich naïve café", "数据排序 🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "tabs\tand\r\nlines", "x² ≥ 42 — «quotes»", "<|im_end|> inside", "Qwerty-9000B: $0.0003 per 1K tokens"];
        foreach (var text in texts)
        {
            var ids = tokenizer.Encode(text);
            ids.Should().OnlyContain(id => id >= 0 && id < tokenizer.VocabSize, text);
            tokenizer.Decode(ids).Should().Be(text);
        }
    }

    [Fact]
    public void IRanker_mini_loads_through_ModelPath_and_ranks_its_trained_tasks_above_chance()
    {
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions
        {
            Version = RankingBenchMiniVersion.V2, Seed = 1, TrainQueriesPerTask = 2, TestQueriesPerTask = 30, Tasks = ["Performance", "Cost"],
        });
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(RankingRows.FromQueries(data.Train));
        var test = ml.Data.LoadFromEnumerable(RankingRows.FromQueries(data.Test));
        var groups = ml.Data.LoadFromEnumerable(RankingRows.FromQueries(data.Train).Concat(RankingRows.FromQueries(data.Test)));
        var model = ml.Transforms.Conversion.MapValueToKey("GroupId", keyData: ml.Transforms.SelectColumns("GroupId").Fit(groups).Transform(groups))
            .Append(ml.Ranking.Trainers.IRanker(new IRankerOptions
            {
                ModelPath = Folder, TaskColumnName = "Task", CandidateIdColumnName = "CandidateId",
                WarmStartSteps = 0, TrainingSteps = 0, Device = "cpu",
            }))
            .Fit(train);

        var scores = ml.Data.CreateEnumerable<Scored>(model.Transform(test), reuseRowObject: false).ToList();
        scores.Should().OnlyContain(s => float.IsFinite(s.Score));
        double mrr = ReciprocalRanks(scores).Average();
        double chance = Enumerable.Range(1, 10).Sum(k => 1.0 / k) / 10;   // one best LLM among ten
        mrr.Should().BeGreaterThan(chance + 0.15, $"IRanker-mini was trained on routing (chance {chance:F3})");
    }

    /// <summary>Each list's reciprocal rank of its best candidate, by the evaluation's own definition (<see cref="ListMetrics.ReciprocalRank"/>).</summary>
    private static IEnumerable<double> ReciprocalRanks(List<Scored> rows)
    {
        foreach (var group in rows.GroupBy(r => r.GroupId))
        {
            var list = group.ToList();
            var order = Enumerable.Range(0, list.Count).OrderByDescending(i => list[i].Score).ToArray();
            yield return ListMetrics.ReciprocalRank(order, list.Select(r => r.Label).ToArray());
        }
    }

    private sealed class Scored
    {
        public uint GroupId { get; set; }
        public float Label { get; set; }
        public float Score { get; set; }
    }
}
