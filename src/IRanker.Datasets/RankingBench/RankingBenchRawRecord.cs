using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>The fields of one Ranking-bench record as read from a file, before they are checked and turned into a list.</summary>
internal sealed record RankingBenchRawRecord(
    string Problem,
    IReadOnlyList<string> Candidates,
    IReadOnlyList<string> Gt,
    string? TaskName,
    IReadOnlyList<string>? CandidateIds,
    IReadOnlyList<float>? Labels)
{
    /// <summary>Builds the list; <paramref name="fail"/> makes the exception for a field.</summary>
    public RankingQuery ToQuery(string queryId, Func<string, string, Exception> fail)
    {
        var (task, scenario) = RankingBenchTaskNames.Parse(TaskName);
        if (Candidates.Count == 0) throw fail("candidates", "the list is empty.");
        if (Gt.Count == 0) throw fail("gt", "no ground truth given.");
        if (CandidateIds is not null && CandidateIds.Count != Candidates.Count)
            throw fail("candidate_ids", $"has {CandidateIds.Count} entries for {Candidates.Count} candidates.");
        if (Labels is not null && Labels.Count != Candidates.Count)
            throw fail("labels", $"has {Labels.Count} entries for {Candidates.Count} candidates.");

        var ids = CandidateIds ?? InferIds(scenario);
        var texts = Candidates;
        if (CandidateIds is null && scenario == RankingScenario.Routing)
        {
            var descriptions = RankingBenchPrompt.LlmDescriptions(Problem);
            texts = Candidates.Select(c => descriptions.GetValueOrDefault(c, c)).ToList();
        }

        var labels = Labels?.ToArray() ?? LabelsFromGt(ids, fail);
        var candidates = Enumerable.Range(0, Candidates.Count).Select(i => new RankingCandidate(ids[i], texts[i], labels[i])).ToList();
        return new RankingQuery(RankingBenchPrompt.Context(Problem), candidates, scenario, task, queryId);
    }

    /// <summary>
    /// Passage candidates are texts: their IDs come from the "passage N:" lines of the prompt (Ranking-bench keeps the
    /// original, 0-based, MS MARCO positions), else <c>passage 1</c> .. <c>passage N</c>. Other candidates are their own IDs.
    /// </summary>
    private IReadOnlyList<string> InferIds(RankingScenario scenario)
    {
        var fromPrompt = RankingBenchPrompt.PassageIds(Problem);
        if (fromPrompt.Count == Candidates.Count) return fromPrompt;
        if (scenario == RankingScenario.Passage && !Gt.All(Candidates.Contains))
            return Enumerable.Range(1, Candidates.Count).Select(i => $"passage {i}").ToList();
        return Candidates;
    }

    /// <summary>Label 1 for every candidate named in <c>gt</c> (by ID, else by text), 0 for the others.</summary>
    private float[] LabelsFromGt(IReadOnlyList<string> ids, Func<string, string, Exception> fail)
    {
        var labels = new float[Candidates.Count];
        foreach (var truth in Gt)
        {
            int index = IndexOf(ids, truth);
            if (index < 0) index = IndexOf(Candidates, truth);
            if (index < 0)
                throw fail("gt", $"'{Shorten(truth)}' is not one of the {Candidates.Count} candidates (e.g. '{Shorten(ids[0])}').");
            labels[index] = 1;
        }
        return labels;
    }

    private static int IndexOf(IReadOnlyList<string> items, string value)
    {
        for (int i = 0; i < items.Count; i++) if (items[i] == value) return i;
        for (int i = 0; i < items.Count; i++) if (string.Equals(items[i].Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
