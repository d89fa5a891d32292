using System.Globalization;
using System.Text;
using System.Text.Json;
using IRanker.Datasets.Verl;
using IRanker.Model;
using IRanker.Model.Training.Rewards;
using Xunit.Abstractions;

namespace IRanker.Datasets.Tests.Verl;

/// <summary>
/// tools/verl/iranker_reward.py (what verl calls) against the library's rewards (what EliminationTrainer sums), on
/// generated answers of every kind: equal to 1e-9, part by part.
/// </summary>
public class VerlRewardParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-9;

    /// <summary>One answer to one step: the sub-list (remaining candidates, in prompt order), the mode, the response.</summary>
    private sealed record Case(string Kind, RankingQuery Query, DecodingMode Mode, string Response);

    [Fact]
    public void The_python_reward_equals_the_library_rewards_on_every_kind_of_answer()
    {
        var cases = Cases().ToList();
        var script = RepositoryFiles.Find(Path.Combine("tools", "verl", "iranker_reward.py"));
        var input = new StringBuilder();
        foreach (var c in cases)
        {
            var remaining = Enumerable.Range(0, c.Query.Candidates.Count).ToArray();
            input.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["data_source"] = $"iranker/{c.Query.Task}",
                ["solution_str"] = c.Response,
                ["ground_truth"] = VerlExport.GroundTruth(c.Query, remaining, c.Mode),
            })).Append('\n');
        }
        var lines = Python.Run(script, input.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(cases.Count);

        var mismatches = new List<string>();
        var totals = new Dictionary<string, HashSet<double>>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var remaining = Enumerable.Range(0, c.Query.Candidates.Count).ToArray();
            var expected = new EliminationRewards(EliminationRewards.Standard(c.Mode)).Score(new RewardInput(c.Query, remaining, c.Response, Mode: c.Mode));
            using var actual = JsonDocument.Parse(lines[i]);
            double score = actual.RootElement.GetProperty("score").GetDouble();
            var parts = actual.RootElement.GetProperty("parts");
            bool same = Math.Abs(score - expected.Total) <= Tolerance
                && expected.Parts.All(p => Math.Abs(parts.GetProperty(p.Key).GetDouble() - p.Value) <= Tolerance)
                && parts.EnumerateObject().Count() == expected.Parts.Count;
            if (!same)
                mismatches.Add($"{c.Kind} ({c.Mode}) {JsonSerializer.Serialize(c.Response)}: C# {expected.Total} [{string.Join(", ", expected.Parts.Select(p => $"{p.Key} {p.Value}"))}], python {lines[i]}");
            (totals.TryGetValue(c.Kind, out var set) ? set : totals[c.Kind] = []).Add(expected.Total);
        }

        output.WriteLine($"{cases.Count} cases; totals by kind:");
        foreach (var (kind, set) in totals.OrderBy(t => t.Key, StringComparer.Ordinal))
            output.WriteLine($"  {kind}: {string.Join(", ", set.Order().Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)))}");
        mismatches.Should().BeEmpty();
        cases.Count.Should().BeGreaterThanOrEqualTo(300);
        // The cases reach every outcome of every part, so that a wrong rule in either language shows.
        var all = totals.Values.SelectMany(v => v).ToHashSet();
        all.Should().Contain([1.0, 0.0, -0.5, -1.0, -1.75]);
        all.Should().Contain(v => v > 0 && v < 1, "graded labels give partial credit");
        all.Should().Contain(v => v < -2.0, "a response with no answer and broken tags scores below -2");
    }

    [Fact]
    public void The_python_reward_refuses_a_choice_mode_ground_truth_and_a_foreign_data_source()
    {
        var script = RepositoryFiles.Find(Path.Combine("tools", "verl", "iranker_reward.py"));
        var check = Path.Combine(Path.GetTempPath(), $"iranker-reward-refusals-{Guid.NewGuid():N}.py");
        File.WriteAllText(check, """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("iranker_reward", sys.argv[1])
            reward = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(reward)
            choice = json.dumps({"mode": "Choice", "ids": ["a", "b"], "labels": [0, 1]})
            ok = json.dumps({"mode": "Answer", "ids": ["a", "b"], "labels": [0, 1]})
            for source, truth in (("iranker/x", choice), ("gsm8k", ok)):
                try:
                    reward.compute_score(source, "a</answer>", truth)
                    print("accepted")
                except ValueError:
                    print("refused")
            print(reward.compute_score("iranker/x", "a</answer>", ok))
            """);
        try
        {
            var lines = Python.Run(check, "", script).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().Equal("refused", "refused", "1.0");
        }
        finally
        {
            File.Delete(check);
        }
    }

    private static IEnumerable<Case> Cases()
    {
        var random = new Random(20260621);
        foreach (var query in Queries())
            foreach (var mode in new[] { DecodingMode.Reasoning, DecodingMode.Answer })
                foreach (var (kind, response) in Responses(query, mode, random))
                    yield return new Case(kind, query, mode, response);
    }

    /// <summary>Sub-lists of every scenario's ID shapes, with binary, graded, tied and non-binary-exact labels.</summary>
    private static IEnumerable<RankingQuery> Queries()
    {
        static RankingQuery Query(string task, RankingScenario scenario, params (string Id, float Label)[] candidates) =>
            new("context", candidates.Select(c => new RankingCandidate(c.Id, $"text of {c.Id}", c.Label)).ToArray(), scenario, task);

        yield return Query("Passage-5", RankingScenario.Passage, ("passage 3", 0), ("passage 1", 1), ("passage 5", 0));
        yield return Query("Passage-9", RankingScenario.Passage, ("passage 2", 0), ("passage 9", 0), ("passage 4", 0), ("passage 7", 1), ("passage 1", 0));
        yield return Query("Passage-7", RankingScenario.Passage, ("passage 6", 1), ("passage 2", 0));
        yield return Query("Movie", RankingScenario.Recommendation, ("Dune (1965)", 1), ("Emma (1815)", 0), ("Solaris (1961)", 0), ("Blade Runner (1982)", 0));
        yield return Query("Music", RankingScenario.Recommendation, ("École Normale – Live", 0), ("ΑΛΦΑ ΒΗΤΑ", 1), ("straße der lieder", 0));
        yield return Query("Performance", RankingScenario.Routing, ("gpt-4o-mini", 0.3f), ("qwen2.5-72b-instruct", 2.7f), ("llama-3.1-8b", 0.3f), ("mixtral 8x7b", 1.1f));
        yield return Query("Graded", RankingScenario.Generic, ("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4));
        yield return Query("Tied", RankingScenario.Generic, ("x", 2), ("y", 2), ("z", 2));
        yield return Query("Spaces", RankingScenario.Generic, ("New  York", 0), ("Los\tAngeles", 1), ("san francisco", 0.5f));
    }

    private static IEnumerable<(string Kind, string Response)> Responses(RankingQuery query, DecodingMode mode, Random random)
    {
        var ids = query.Candidates.Select(c => c.Id).ToArray();
        float best = query.Candidates.Max(c => c.Label!.Value);
        string positive = query.Candidates.First(c => c.Label == best).Id;
        string Pick() => ids[random.Next(ids.Length)];
        string Reasoning() => random.Next(3) switch { 0 => "", 1 => "The first one is off topic.", _ => "Line one.\nLine two, with a <tag> of its own." };
        // The model's text after the tag the prompt opened: "…</think>\n<answer>ID</answer>" or "ID</answer>".
        string Valid(string id) => mode == DecodingMode.Reasoning ? $"{Reasoning()}</think>\n<answer>{id}</answer>" : $"{id}</answer>";

        foreach (var id in ids) yield return ("valid", Valid(id));
        yield return ("ground truth eliminated", Valid(positive));
        yield return ("wrong candidate", Valid("passage 42"));
        yield return ("wrong candidate", Valid(""));
        yield return ("wrong candidate", Valid(Pick() + " or " + Pick()));
        yield return ("wrong candidate", Valid(Pick()[..^1]));

        // Case, white space and punctuation: the exact ID wins, then AnswerParser's normalised match.
        string id2 = Pick();
        yield return ("case/whitespace", Valid(id2.ToUpperInvariant()));
        yield return ("case/whitespace", Valid(id2.ToLowerInvariant()));
        yield return ("case/whitespace", Valid($"  {id2}\n"));
        yield return ("case/whitespace", Valid(id2.Replace(" ", "   ", StringComparison.Ordinal).Replace("\t", " ", StringComparison.Ordinal)));
        yield return ("case/whitespace", Valid($"\u00a0{id2}\u2003"));
        yield return ("case/whitespace", Valid(id2.Replace(" ", "\u3000", StringComparison.Ordinal)));
        yield return ("case/whitespace", Valid($"\u001c{id2}\u001f"));   // separators that Python calls space and .NET does not
        yield return ("case/whitespace", Valid($"\u200b{id2}"));         // zero-width space: not white space in either
        yield return ("case/whitespace", Valid($"\"{id2}.\""));          // quotes and punctuation around the ID
        yield return ("case/whitespace", Valid($"**{id2.ToUpperInvariant()}**!"));
        yield return ("case/whitespace", Valid($"{id2}-"));               // a character the parser does not remove
        yield return ("case/whitespace", mode == DecodingMode.Reasoning ? $"</think>\n<ANSWER>{id2}</ANSWER>" : $"{id2}</Answer>");   // tags in another case
        yield return (mode == DecodingMode.Reasoning ? "case/whitespace" : "malformed", $"  {Valid(id2)}  \n");

        // Malformed: text outside the tags, missing or unclosed tags, no answer at all.
        string id3 = Pick();
        yield return ("malformed", Valid(id3) + " I hope that helps.");
        yield return ("malformed", "Sure. " + Valid(id3));
        yield return ("malformed", mode == DecodingMode.Reasoning ? $"{Reasoning()}<answer>{id3}</answer>" : $"{id3}");
        yield return ("malformed", mode == DecodingMode.Reasoning ? $"{Reasoning()}</think><answer>{id3}" : $"{id3}</ans");
        yield return ("malformed", "");
        yield return ("malformed", "I cannot decide.");
        yield return ("malformed", mode == DecodingMode.Reasoning ? "</think>" : "</answer>");
        yield return ("malformed", $"</answer>{id3}<answer>");
        string whole = Valid(id3);
        yield return ("malformed", whole[..(whole.Length / 2)]);

        // Extra tags: repeated blocks (the last complete one is the answer), nested, stray tags.
        string id4 = Pick(), id5 = Pick();
        yield return ("extra tags", Valid(id4) + $"<answer>{id5}</answer>");
        yield return ("extra tags", Valid(id4) + "<answer>");
        yield return ("extra tags", Valid(id4) + "</answer>");
        yield return ("extra tags", $"<answer>{id4}</answer>" + Valid(id5));
        yield return ("extra tags", mode == DecodingMode.Reasoning ? $"<think>{Reasoning()}</think><answer>{id4}</answer>" : $"<answer>{id4}</answer>");
        yield return ("extra tags", mode == DecodingMode.Reasoning ? $"a</think><think>b</think><answer>{id4}</answer>" : $"<think>{id4}</think></answer>");
        yield return ("extra tags", Valid($"<answer>{id4}"));
        yield return ("extra tags", Valid($"{id4}</answer><answer>{id5}"));
        yield return ("extra tags", Valid(id4).Replace("<answer>", "<ANSWER>", StringComparison.Ordinal) + "</answer>");
    }
}
