using System.Text.Json.Serialization;
using IRanker.Model;
namespace IRanker.Datasets;

/// <summary>
/// One list in the Ranking-bench layout, as this project writes it: the four fields of Ranking-bench plus two optional
/// ones (<c>candidate_ids</c>, <c>labels</c>) that keep IDs and graded labels; readers of the real data ignore them.
/// </summary>
internal sealed class RankingBenchRecord
{
    [JsonPropertyName("problem")]
    public string Problem { get; set; } = "";

    /// <summary>As in Ranking-bench: candidate texts for passages, candidate IDs (titles, LLM names) otherwise.</summary>
    [JsonPropertyName("candidates")]
    public List<string> Candidates { get; set; } = [];

    /// <summary>The ID of the candidate with the highest label.</summary>
    [JsonPropertyName("gt")]
    public string Gt { get; set; } = "";

    [JsonPropertyName("task_name")]
    public string TaskName { get; set; } = "";

    [JsonPropertyName("candidate_ids")]
    public List<string> CandidateIds { get; set; } = [];

    [JsonPropertyName("labels")]
    public List<float> Labels { get; set; } = [];

    public static RankingBenchRecord From(RankingQuery query)
    {
        if (!query.HasLabels)
            throw new ArgumentException($"Query '{query.QueryId}' has unlabelled candidates; the Ranking-bench layout needs a ground truth.", nameof(query));
        var best = query.Candidates.MaxBy(c => c.Label!.Value)!;
        return new RankingBenchRecord
        {
            Problem = query.Context,
            Candidates = query.Candidates.Select(c => query.Scenario == RankingScenario.Passage ? c.Text : c.Id).ToList(),
            Gt = best.Id,
            TaskName = query.Task ?? "",
            CandidateIds = query.Candidates.Select(c => c.Id).ToList(),
            Labels = query.Candidates.Select(c => c.Label!.Value).ToList(),
        };
    }
}
