using IRanker.Model.Prompts;

namespace IRanker.Model.Elimination.LongLists;

/// <summary>
/// The ranking of a list too long for one prompt, as a tournament of windows: each round splits the candidates still in
/// play into windows that fit (<see cref="WindowPlanner"/>), eliminates inside each window down to its survivors, and
/// carries the survivors forward; once the survivors fit in one prompt, a last round ranks them to the end.
/// </summary>
/// <remarks>
/// <para>The order: the last round's ranking first, then each earlier round's losers, later rounds above earlier ones,
/// so a candidate that lost in round r ranks below every candidate that reached round r + 1. Within one round, losers
/// of different windows are ordered by their place in their window (the last eliminated of each window first), then by
/// window, in input order.</para>
/// <para>The result's steps are listed worst first (so that, as for any list, the order is the reverse of the steps),
/// and each step that carries a distribution names its candidates in <see cref="EliminationStep.Pool"/>, which is
/// what <see cref="RankingResult.Relevance"/> reads.</para>
/// </remarks>
internal sealed class LongListTournament(RankingQuery query, int queryIndex)
{
    private readonly List<List<EliminationStep>> rounds = [];
    private List<int> inPlay = Enumerable.Range(0, query.Candidates.Count).ToList();
    private IReadOnlyList<ListState> current = [];
    private bool last;

    /// <summary>The list.</summary>
    public RankingQuery Query => query;

    /// <summary>Its index in the ranker's call.</summary>
    public int QueryIndex => queryIndex;

    /// <summary>Whether the last round has been collected.</summary>
    public bool Finished { get; private set; }

    /// <summary>How many rounds ran, the last one included.</summary>
    public int Rounds => rounds.Count;

    /// <summary>
    /// The windows of the next round, each a list state that stops at its survivors (a single state that ranks to the end
    /// when the candidates in play fit one prompt), with the size of its largest forward pass.
    /// </summary>
    /// <exception cref="PromptTooLongException">Not even two candidates fit side by side.</exception>
    public IReadOnlyList<(ListState State, PromptPass Pass)> NextRound(WindowPlanner planner)
    {
        if (Finished) return [];
        var whole = planner.Pass(query, inPlay, out var firstPrompt);
        IReadOnlyList<(ListState State, PromptPass Pass)> round;
        if (planner.Limit.Admits(whole))
        {
            last = true;
            round = [(new ListState(query, inPlay) { FirstPrompt = firstPrompt }, whole)];
        }
        else
        {
            var windows = planner.Split(query, inPlay, out var pair) ?? throw PairTooLong(planner.Limit, pair);
            round = windows.Select(w => (new ListState(query, w.Candidates, w.Keep) { FirstPrompt = w.FirstPrompt }, w.Pass)).ToArray();
        }
        current = round.Select(r => r.State).ToArray();
        return round;
    }

    /// <summary>Takes in the round that <see cref="NextRound"/> gave, once its states have run.</summary>
    public void Collect()
    {
        if (last)
        {
            rounds.Add(current[0].Steps);
            Finished = true;
            return;
        }
        // Losers worst first: by place in their window (the first eliminated of the largest windows lowest), then by window.
        var losers = current.SelectMany((state, window) => state.Steps.Select((step, j) => (step, place: state.InitialCount - 1 - j, window)))
            .OrderByDescending(l => l.place).ThenByDescending(l => l.window).Select(l => l.step).ToList();
        rounds.Add(losers);
        inPlay = current.SelectMany(s => s.Remaining).Order().ToList();
        current = [];
    }

    /// <summary>The ranking: the steps of every round, worst first, numbered afresh.</summary>
    public RankingResult ToResult()
    {
        var steps = rounds.SelectMany(r => r).Select((s, i) => s with { Step = i }).ToArray();
        return new RankingResult(query, steps.Select(s => s.Eliminated).Reverse().ToArray(), steps);
    }

    private PromptTooLongException PairTooLong(PromptLimit limit, PromptPass pair)
    {
        string name = query.QueryId is { } id ? $"Query {queryIndex} (QueryId '{id}')" : $"Query {queryIndex}";
        return new PromptTooLongException(name,
            $"the list of {query.Candidates.Count} candidates is too long for one prompt, and its candidates are too long to compare even two at a " +
            $"time: the smallest window that was tried has {pair.PromptTokens:N0} tokens and its forward pass needs {limit.Describe(pair)}. " +
            "Shorten the candidates' texts; where the model's positions allow, a larger RankerOptions.TokenBudget also helps.",
            new PromptFit(PromptFitKind.ListTooLong, limit, pair), queryIndex, query.QueryId, null);
    }
}
