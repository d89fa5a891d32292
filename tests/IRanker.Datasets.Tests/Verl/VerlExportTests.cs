using System.Collections;
using System.Text.Json;
using IRanker.Datasets.Verl;
using IRanker.Model;
using IRanker.Model.Prompts;
using Parquet.Serialization;

namespace IRanker.Datasets.Tests.Verl;

public class VerlExportTests
{
    private static readonly IReadOnlyList<RankingQuery> Queries =
        RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 3, TrainQueriesPerTask = 12, TestQueriesPerTask = 2 }).Train;

    private static (string[] Ids, double[] Labels, string Mode) Truth(VerlRow row)
    {
        using var json = JsonDocument.Parse(row.RewardModel.GroundTruth);
        return (json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            json.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            json.RootElement.GetProperty("mode").GetString()!);
    }

    [Theory]
    [InlineData(DecodingMode.Reasoning)]
    [InlineData(DecodingMode.Answer)]
    public void Each_row_is_the_library_step_prompt_of_a_sub_list_that_keeps_a_best_candidate(DecodingMode mode)
    {
        var rows = VerlExport.Rows(Queries, new VerlExportOptions { Mode = mode, Samples = 300 }).ToList();
        var byId = Queries.ToDictionary(q => q.QueryId!);

        rows.Should().HaveCount(300);
        var sizes = new List<int>();
        bool someShuffled = false;
        foreach (var row in rows)
        {
            var (ids, labels, truthMode) = Truth(row);
            var query = byId[row.ExtraInfo.QueryId];
            truthMode.Should().Be(mode.ToString());
            row.DataSource.Should().Be($"iranker/{query.Task}");
            row.Ability.Should().Be("ranking");
            row.RewardModel.Style.Should().Be("rule");
            ids.Should().OnlyHaveUniqueItems().And.BeSubsetOf(query.Candidates.Select(c => c.Id));
            labels.Max().Should().Be(query.Candidates.Max(c => c.Label!.Value), "a sub-list always holds a best candidate");
            labels.Should().Equal(ids.Select(id => (double)query.Candidates.First(c => c.Id == id).Label!.Value));
            sizes.Add(ids.Length);
            var positions = ids.Select(id => query.Candidates.ToList().FindIndex(c => c.Id == id)).ToArray();
            someShuffled |= !positions.SequenceEqual(positions.Order());

            // The messages are the library's step prompt over exactly these candidates in this order...
            var subList = query with { Candidates = positions.Select(i => query.Candidates[i]).ToArray() };
            var expected = PromptTemplate.For(query.Scenario).BuildStep(subList, Enumerable.Range(0, ids.Length).ToArray(), mode);
            row.Prompt.Select(m => m.Role).Should().Equal("system", "user");
            row.Prompt[0].Content.Should().Be(expected.System);
            row.Prompt[1].Content.Should().Be(expected.User);
            row.ExtraInfo.AssistantPrefix.Should().Be(expected.AssistantPrefix);
            // ...and ChatML of the messages plus the assistant prefix (what the exported chat template renders) is its text.
            row.ExtraInfo.PromptText.Should().Be(
                $"<|im_start|>system\n{expected.System}<|im_end|>\n<|im_start|>user\n{expected.User}<|im_end|>\n<|im_start|>assistant\n{expected.AssistantPrefix}");
        }
        rows.Select(r => r.ExtraInfo.Index).Should().Equal(Enumerable.Range(0, 300).Select(i => (long)i));
        sizes.Min().Should().Be(2);
        sizes.Max().Should().Be(Queries.Max(q => q.Candidates.Count), "sizes run from 2 to N");
        someShuffled.Should().BeTrue("the paper's sub-lists are in random order");
        rows.Select(r => r.ExtraInfo.QueryId).Distinct().Should().HaveCount(Queries.Count, "every query is drawn once per epoch");
    }

    [Fact]
    public void The_same_seed_gives_the_same_rows_and_another_seed_other_rows()
    {
        string Fingerprint(int seed) => string.Join("\n", VerlExport.Rows(Queries, new VerlExportOptions { Seed = seed, Samples = 50 })
            .Select(r => r.ExtraInfo.PromptText + r.RewardModel.GroundTruth));
        Fingerprint(7).Should().Be(Fingerprint(7));
        Fingerprint(8).Should().NotBe(Fingerprint(7));
    }

    [Fact]
    public void The_compact_style_has_one_user_message_and_no_chat_markup()
    {
        var row = VerlExport.Rows(Queries, new VerlExportOptions { Style = PromptStyle.Compact, Mode = DecodingMode.Answer, Samples = 1 }).Single();
        row.Prompt.Should().ContainSingle().Which.Role.Should().Be("user");
        row.ExtraInfo.PromptText.Should().Be(row.Prompt[0].Content + "\n<answer>").And.NotContain("<|im_start|>");
        VerlExport.ChatTemplate(DecodingMode.Answer, PromptStyle.Compact).Should().NotContain("im_start").And.Contain("'<answer>'");
    }

    [Fact]
    public void Choice_mode_and_unusable_queries_are_refused_with_the_reason()
    {
        var choice = () => VerlExport.Rows(Queries, new VerlExportOptions { Mode = DecodingMode.Choice }).ToList();
        choice.Should().Throw<ArgumentException>().WithMessage("*Choice-mode training stays in the library*");
        var unlabelled = new RankingQuery("q", [new RankingCandidate("a", "a"), new RankingCandidate("b", "b")], QueryId: "u");
        var noLabel = () => VerlExport.Rows([unlabelled], new VerlExportOptions()).ToList();
        noLabel.Should().Throw<ArgumentException>().WithMessage("*'u'*label*");
        var single = new RankingQuery("q", [new RankingCandidate("a", "a", 1)], QueryId: "s");
        var one = () => VerlExport.Rows([single], new VerlExportOptions()).ToList();
        one.Should().Throw<ArgumentException>().WithMessage("*'s' has 1 candidate*");
    }

    [Fact]
    public async Task The_parquet_file_has_verl_columns_with_chat_messages_and_nested_reward_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"verl-{Guid.NewGuid():N}.parquet");
        try
        {
            int written = await VerlExport.WriteAsync(path, Queries, new VerlExportOptions { Samples = 20 });
            written.Should().Be(20);
            await using var stream = File.OpenRead(path);
            var data = (await ParquetSerializer.DeserializeUntypedAsync(stream)).Data;
            data.Should().HaveCount(20);
            var first = data[0];
            first.Keys.Should().BeEquivalentTo(["data_source", "prompt", "ability", "reward_model", "extra_info"]);
            var messages = ((IEnumerable)first["prompt"]).Cast<IDictionary<string, object>>().ToList();
            messages.Select(m => m["role"]?.ToString()).Should().Equal("system", "user");
            var reward = (IDictionary<string, object>)first["reward_model"];
            reward["style"].ToString().Should().Be("rule");
            var expected = VerlExport.Rows(Queries, new VerlExportOptions { Samples = 20 }).First();
            reward["ground_truth"].ToString().Should().Be(expected.RewardModel.GroundTruth);
            var extra = (IDictionary<string, object>)first["extra_info"];
            extra.Keys.Should().Contain(["split", "index", "query_id", "scenario", "task", "mode", "assistant_prefix", "prompt_text"]);
            extra["split"].ToString().Should().Be("train");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
